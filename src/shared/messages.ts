/**
 * The one typed, versioned envelope between the extension's contexts, with the guards that are
 * the only way in: anything that fails them is dropped at the edge.
 *
 *   page hook --MessagePort--> relay --runtime.sendMessage--> background <--Port--> panel
 */
import type { CaptureEvent, HookConfig } from "../core/capture-events";
import type { Exchange } from "../core/exchange";
import type { SpanRecord } from "../core/records";

export const SOURCE = "llm-trace";
export const PROTOCOL_VERSION = 1;

/** Key of the one window message the hook posts, carrying the MessagePort to the relay. */
export const HELLO_KEY = "__llmTraceHello";

/** The relay, starting, asks the hook for its hello (it may have missed the first one). */
export const RELAY_READY = "llm-trace:relay-ready";

/**
 * A synchronous event the hook dispatches on window when the page is being left, carrying its
 * last batch as JSON: a port message posted then would never be delivered.
 */
export const FLUSH_EVENT = "llm-trace:flush";

type Envelope<T extends string, P> = { source: typeof SOURCE; v: typeof PROTOCOL_VERSION; type: T } & P;

function envelope<T extends string, P extends object>(type: T, payload: P): Envelope<T, P> {
  return { source: SOURCE, v: PROTOCOL_VERSION, type, ...payload };
}

function isEnvelope(value: unknown): value is { source: string; v: number; type: string } {
  const m = value as { source?: unknown; v?: unknown; type?: unknown } | null;
  return typeof m === "object" && m !== null && m.source === SOURCE && m.v === PROTOCOL_VERSION && typeof m.type === "string";
}

// ---- page hook <-> relay (over the private MessagePort) ----

/**
 * Body pieces of one exchange gathered in one batch, as the hook sends them: bytes it copied
 * (their buffers transferred with the message) or text (XHR). The relay decodes the bytes and
 * passes the background a ChunksEvent: the page's thread never serialises a body twice.
 */
export interface PiecesEvent {
  t: "pieces";
  id: string;
  /** seq of the first piece */
  seq: number;
  times: number[];
  parts: (Uint8Array | string)[];
  /** The response's charset when it is not utf-8. */
  charset?: string;
}

/** What crosses the private port: capture events, with body pieces not yet decoded. */
export type HookEvent = Exclude<CaptureEvent, { t: "chunks" }> | PiecesEvent;

export type HookEventsMessage = Envelope<"events", { events: HookEvent[] }>;
/** `token` is shared over the private port: a flush event that lacks it is the page's forgery. */
export type HookConfigMessage = Envelope<"config", { config: HookConfig; token: string }>;
/** The detail of FLUSH_EVENT, as JSON. */
export interface FlushDetail {
  token: string;
  events: HookEvent[];
}

export const hookEvents = (events: HookEvent[]): HookEventsMessage => envelope("events", { events });
export const hookConfig = (config: HookConfig, token: string): HookConfigMessage => envelope("config", { config, token });

export function isHookEvents(m: unknown): m is HookEventsMessage {
  return isEnvelope(m) && m.type === "events" && Array.isArray((m as { events?: unknown }).events);
}

export function isHookConfig(m: unknown): m is HookConfigMessage {
  return isEnvelope(m) && m.type === "config" && isHookConfigValue((m as { config?: unknown }).config) && typeof (m as { token?: unknown }).token === "string";
}

// ---- relay -> background ----

export type CaptureMessage = Envelope<"capture", { events: CaptureEvent[]; dropped: number; origin: string }>;
/** The background's answer, sent only after the events are committed to IndexedDB. */
export interface CaptureAck {
  ok: boolean;
  error?: string;
}

export const captureMessage = (events: CaptureEvent[], dropped: number, origin: string): CaptureMessage =>
  envelope("capture", { events, dropped, origin });

export function isCaptureMessage(m: unknown): m is CaptureMessage {
  return isEnvelope(m) && m.type === "capture" && Array.isArray((m as { events?: unknown }).events);
}

export function isCaptureAck(m: unknown): m is CaptureAck {
  return typeof m === "object" && m !== null && (m as CaptureAck).ok === true;
}

// ---- relay <-> background: where capture is on ----

/**
 * The relay asks for its frame's hook configuration; the answer is a HookConfig. `origin` is
 * the frame's own (about:blank and srcdoc frames inherit their parent's, which sender.url hides).
 */
export type ConfigRequest = Envelope<"hook-config-request", { origin: string }>;
/** The background tells a tab's relays to ask again (DevTools opened or closed, settings). */
export type ScopeChanged = Envelope<"scope-changed", object>;

export const configRequest = (origin: string): ConfigRequest => envelope("hook-config-request", { origin });
export const scopeChanged = (): ScopeChanged => envelope("scope-changed", {});
export const isConfigRequest = (m: unknown): m is ConfigRequest => isEnvelope(m) && m.type === "hook-config-request";
export const isScopeChanged = (m: unknown): m is ScopeChanged => isEnvelope(m) && m.type === "scope-changed";

// The page hook checks the relay's config with this while page scripts run: the built-ins it
// uses are taken when the hook starts, not looked up then (docs/DESIGN.md, "Captured natives").
const isArray = Array.isArray;

export function isHookConfigValue(c: unknown): c is HookConfig {
  const v = c as Partial<HookConfig> | null;
  if (typeof v !== "object" || v === null || typeof v.enabled !== "boolean" || typeof v.bodyCap !== "number" || typeof v.bodies !== "boolean" || !isArray(v.capture)) return false;
  for (let i = 0; i < v.capture.length; i++) if (typeof v.capture[i] !== "string") return false;
  return true;
}

// ---- settings page -> background ----

/** Remove every trace, imported file and capture state (and the settings, if asked). */
export type ClearAllData = Envelope<"clear-all-data", { settings: boolean }>;
/** Recent captured calls, as text, for the redaction preview. Answer: Sample[]. */
export type SampleRequest = Envelope<"sample-request", object>;
export interface Sample {
  label: string;
  text: string;
}

export const clearAllData = (settings: boolean): ClearAllData => envelope("clear-all-data", { settings });
export const sampleRequest = (): SampleRequest => envelope("sample-request", {});
export const isClearAllData = (m: unknown): m is ClearAllData => isEnvelope(m) && m.type === "clear-all-data";
export const isSampleRequest = (m: unknown): m is SampleRequest => isEnvelope(m) && m.type === "sample-request";

// ---- panel <-> background (runtime Port named panelPortName(tabId)) ----

export const PANEL_PORT_PREFIX = "panel:";
export const panelPortName = (tabId: number): string => `${PANEL_PORT_PREFIX}${tabId}`;

export function tabIdOfPanelPort(name: string): number | undefined {
  if (!name.startsWith(PANEL_PORT_PREFIX)) return undefined;
  const id = Number(name.slice(PANEL_PORT_PREFIX.length));
  return Number.isInteger(id) && id >= 0 ? id : undefined;
}

/** An imported trace file, kept apart from live tabs. */
export interface SessionInfo {
  id: number;
  name: string;
  format: string;
  importedAt: number;
  spans: number;
}

/**
 * Calls the panel makes. Each is scoped to the tab its port was opened for, or, with `session`,
 * to an imported session (any panel may look at those).
 */
export interface PanelRpc {
  /** Oldest first. `newest`: only the latest N; `until`: only those started at or before it. */
  listSpans(params: { session?: number; newest?: number; until?: number }): SpanRecord[];
  getExchange(params: { id: string; session?: number }): Exchange | null;
  getExchanges(params: { ids: string[]; session?: number }): (Exchange | null)[];
  listSessions(params: Record<string, never>): SessionInfo[];
  importBatch(params: { session?: number; name: string; format: string; spans: SpanRecord[]; exchanges: Exchange[]; done: boolean }): { session: number };
  removeSession(params: { session: number }): { removed: boolean };
  clearTab(params: Record<string, never>): { removed: number };
  /** Whether capture is on for the tab (the panel's record button). */
  getRecording(params: Record<string, never>): { recording: boolean };
  /** Events of this tab that were dropped, and storage notices newer than `since`. */
  getHealth(params: { since?: number }): { dropped: { invalid: number; rateLimited: number; relayDropped: number }; notices: { at: number; message: string }[] };
  /** The inspected page's site and whether it is recorded always, never, or while DevTools is open. */
  getSiteState(params: Record<string, never>): { host: string; policy: "always" | "never" | "devtools"; recording: boolean };
  /** Always (true) or never (false) record the tab's site, or back to the default (null). */
  setSiteCapture(params: { capture: boolean | null }): { host: string; policy: "always" | "never" | "devtools"; recording: boolean };
  setRecording(params: { recording: boolean }): { recording: boolean };
}
export type RpcMethod = keyof PanelRpc;
export type RpcParams<M extends RpcMethod> = Parameters<PanelRpc[M]>[0];
export type RpcResult<M extends RpcMethod> = ReturnType<PanelRpc[M]>;

export type RpcRequest<M extends RpcMethod = RpcMethod> = Envelope<"rpc", { id: number; method: M; params: RpcParams<M> }>;
export type RpcResponse = Envelope<"rpc-result", { id: number; result?: unknown; error?: string }>;
/** Pushed to a tab's panels after each commit: the spans that changed, and ids of spans gone. */
export type SpansChanged = Envelope<"spans-changed", { spans: SpanRecord[]; removed: string[] }>;
export type TabCleared = Envelope<"tab-cleared", object>;
export type PanelPush = SpansChanged | TabCleared;

export const rpcRequest = <M extends RpcMethod>(id: number, method: M, params: RpcParams<M>): RpcRequest<M> =>
  envelope("rpc", { id, method, params }) as RpcRequest<M>;
export const rpcResponse = (id: number, outcome: { result?: unknown; error?: string }): RpcResponse =>
  envelope("rpc-result", { id, ...outcome });
export const spansChanged = (spans: SpanRecord[], removed: string[] = []): SpansChanged => envelope("spans-changed", { spans, removed });
export const tabCleared = (): TabCleared => envelope("tab-cleared", {});

const RPC_METHODS: readonly string[] = [
  "listSpans", "getExchange", "getExchanges", "clearTab", "getRecording", "setRecording", "getSiteState", "setSiteCapture", "getHealth",
  "listSessions", "importBatch", "removeSession",
] satisfies RpcMethod[];

export function isRpcRequest(m: unknown): m is RpcRequest {
  if (!isEnvelope(m) || m.type !== "rpc") return false;
  const r = m as { id?: unknown; method?: unknown; params?: unknown };
  return typeof r.id === "number" && typeof r.method === "string" && RPC_METHODS.includes(r.method) &&
    typeof r.params === "object" && r.params !== null;
}

export function isRpcResponse(m: unknown): m is RpcResponse {
  return isEnvelope(m) && m.type === "rpc-result" && typeof (m as { id?: unknown }).id === "number";
}

export function isPanelPush(m: unknown): m is PanelPush {
  return isEnvelope(m) && (m.type === "spans-changed" || m.type === "tab-cleared");
}
