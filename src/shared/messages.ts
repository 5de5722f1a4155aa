/**
 * The one typed, versioned envelope between the extension's contexts, every message each side
 * may send, and the guards that are the only way in: anything that fails them is dropped at the
 * edge.
 *
 *   page hook --MessagePort--> relay --runtime.sendMessage--> background <--Port--> panel, settings
 *
 * Between the background and the extension's own pages, one map states every call (RpcMap:
 * method -> params -> result) and one every push (PushMap: type -> payload); the background's
 * handler table (RpcHandlers) and the pages' `call` are both typed from them, so a call without
 * a handler, or a handler or caller of the wrong shape, fails `npm run typecheck`.
 */
import type { CaptureEvent, Exchange, HookConfig, SpanRecord } from "../core/contract";
import type { CapturePolicy } from "../core/settings";
import type { DatasetItem, DatasetRun } from "../core/evals";

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

// ---- replay: background -> relay -> hook, and back (docs/DESIGN.md, "Compare and replay") ----

/**
 * Send a recorded call again from the page. The hook sends it with the headers it kept for
 * `originalId` (they never left the page), or with `headers` when it no longer has them; `url`
 * and `method` (as stored, possibly redacted) are used only then.
 */
export type ReplayCommand = Envelope<"replay", {
  requestId: string;
  originalId: string;
  url: string;
  method: string;
  body: string;
  count: number;
  /** Always present (empty: none given), so the hook never looks a missing key up the prototype chain. */
  headers: [string, string][];
}>;
/** What the hook did with a replay: the ids of the calls it started, or why it started none. */
export type ReplayOutcome = { ok: true; spanIds: string[] } | { ok: false; reason: "credentials-gone" | "refused"; message: string };
export type ReplayAnswer = Envelope<"replay-answer", { requestId: string } & ReplayOutcome>;

export const replayCommand = (c: Omit<ReplayCommand, "source" | "v" | "type" | "headers"> & { headers?: [string, string][] }): ReplayCommand =>
  envelope("replay", { ...c, headers: c.headers ?? [] });
export const replayAnswer = (requestId: string, outcome: ReplayOutcome): ReplayAnswer => envelope("replay-answer", { requestId, ...outcome });

/** Loops, not Array.prototype.every: the page hook checks commands with it, and the page may have patched that. */
function isStringPairs(v: unknown): v is [string, string][] {
  if (!Array.isArray(v) || v.length > 20) return false;
  for (let i = 0; i < v.length; i++) {
    const p: unknown = v[i];
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== "string" || typeof p[1] !== "string") return false;
  }
  return true;
}

export function isReplayCommand(m: unknown): m is ReplayCommand {
  if (!isEnvelope(m) || m.type !== "replay") return false;
  const c = m as Partial<ReplayCommand>;
  return typeof c.requestId === "string" && typeof c.originalId === "string" && typeof c.url === "string" && typeof c.method === "string"
    && typeof c.body === "string" && typeof c.count === "number" && Number.isInteger(c.count) && c.count >= 1 && c.count <= 10
    && isStringPairs(c.headers);
}

export function isReplayAnswer(m: unknown): m is ReplayAnswer {
  if (!isEnvelope(m) || m.type !== "replay-answer") return false;
  const a = m as { requestId?: unknown; ok?: unknown; spanIds?: unknown; reason?: unknown; message?: unknown };
  return typeof a.requestId === "string" && (a.ok === true ? Array.isArray(a.spanIds) && a.spanIds.every((x) => typeof x === "string")
    : a.ok === false && (a.reason === "credentials-gone" || a.reason === "refused") && typeof a.message === "string");
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

// ---- DevTools page -> background, over its port (docs/DESIGN.md, "Calls from workers") ----

/** A finished request from the browser's network log that the hook did not make, with its body as getContent gave it. */
export type NetworkEntryMessage = Envelope<"network-entry", { entry: unknown; content?: string; encoding?: string }>;

export const networkEntryMessage = (entry: unknown, content: string | undefined, encoding: string | undefined): NetworkEntryMessage =>
  envelope("network-entry", { entry, ...(typeof content === "string" ? { content } : {}), ...(encoding ? { encoding } : {}) });

export function isNetworkEntryMessage(m: unknown): m is NetworkEntryMessage {
  if (!isEnvelope(m) || m.type !== "network-entry") return false;
  const n = m as { entry?: unknown; content?: unknown; encoding?: unknown };
  return typeof n.entry === "object" && n.entry !== null && (n.content === undefined || typeof n.content === "string")
    && (n.encoding === undefined || typeof n.encoding === "string");
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

// ---- extension pages <-> background (a runtime Port each) ----

/** A panel's port: its calls are scoped to the tab it inspects. */
export const PANEL_PORT_PREFIX = "panel:";
export const panelPortName = (tabId: number): string => `${PANEL_PORT_PREFIX}${tabId}`;
/** The settings page's port: no tab, so no call scoped to one. */
export const SETTINGS_PORT = "settings";

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

/** One batch of an imported file, as the panel parsed it (the background redacts it again). */
export interface ImportBatch {
  /** Absent on the first batch: a new session is made and its id returned. */
  session?: number;
  name: string;
  format: string;
  spans: SpanRecord[];
  exchanges: Exchange[];
  /** The last batch (sent once the others are stored): the session is listed. */
  done: boolean;
}

/** The inspected page's site and whether it is recorded always, never, or while DevTools is open. */
export interface SiteState {
  host: string;
  policy: CapturePolicy;
  recording: boolean;
}

/** Events a tab sent that were dropped, by reason. */
export interface TabHealth {
  invalid: number;
  rateLimited: number;
  relayDropped: number;
}

/** Something the user should know about storage (an eviction, a database reset). */
export interface StorageNotice {
  at: number;
  message: string;
}

/** The OTLP push, as the settings page shows it. */
export interface PushStatus {
  lastSuccess?: number;
  lastError?: { at: number; message: string };
  pushedTraces: number;
  /** Traces waiting for a retry. */
  pending: number;
}

/** Recent captured calls, as text, for the redaction preview. */
export interface Sample {
  label: string;
  text: string;
}

type NoParams = Record<string, never>;
type Call<P, R> = { params: P; result: R };

/** Send a captured model call again from its page (docs/DESIGN.md, "Compare and replay"). */
export interface ReplayParams {
  /** The original call's span (= exchange) id, of the panel's tab. */
  spanId: string;
  /** The (edited) request body. */
  body: string;
  /** How many times, 1 to 10. */
  count: number;
  /** Headers for this send only (the page forgot the original's after a reload): never stored. */
  headers?: [string, string][];
}

export type ReplayResult =
  | { ok: true; spanIds: string[]; replayGroup: string }
  | { ok: false; reason: "credentials-gone" | "not-replayable" | "page-gone" | "refused"; message: string };

/** A dataset as listed (docs/DESIGN.md, "Datasets"). */
export interface DatasetInfo {
  id: string;
  name: string;
  items: number;
  runs: number;
  createdAt: number;
  updatedAt: number;
}

export interface DatasetContents {
  dataset: DatasetInfo;
  items: DatasetItem[];
  /** Oldest first. */
  runs: DatasetRun[];
}

/** One item of a regression run sent from the page (docs/DESIGN.md, "Regression runs"). */
export interface DatasetSendParams {
  datasetId: string;
  itemId: string;
  /** The item's request body with the run's override written in. */
  body: string;
  /** For this send only, when the page no longer holds the original call's headers: never stored. */
  headers?: [string, string][];
}

/**
 * Every call an extension page makes to the background. A panel's calls are scoped to the tab
 * its port was opened for or, with `session`, to an imported session (any panel may look at
 * those); the settings page's, marked so, reach no tab.
 */
export interface RpcMap {
  /** Oldest first. `newest`: only the latest N; `until`: only those started at or before it. */
  listSpans: Call<{ session?: number; newest?: number; until?: number }, SpanRecord[]>;
  getExchange: Call<{ id: string; session?: number }, Exchange | null>;
  getExchanges: Call<{ ids: string[]; session?: number }, (Exchange | null)[]>;
  listSessions: Call<NoParams, SessionInfo[]>;
  importBatch: Call<ImportBatch, { session: number }>;
  removeSession: Call<{ session: number }, { removed: boolean }>;
  clearTab: Call<NoParams, { removed: number }>;
  /** Whether capture is on for the tab (the panel's record button). */
  getRecording: Call<NoParams, { recording: boolean }>;
  setRecording: Call<{ recording: boolean }, { recording: boolean }>;
  /** Events of this tab that were dropped, and storage notices newer than `since`. */
  getHealth: Call<{ since?: number }, { dropped: TabHealth; notices: StorageNotice[] }>;
  getSiteState: Call<NoParams, SiteState>;
  /** Always (true) or never (false) record the tab's site, or back to the default (null). */
  setSiteCapture: Call<{ capture: boolean | null }, SiteState>;
  /** Settings page: remove every trace, imported file and capture state (and the settings, if asked). */
  clearAllData: Call<{ settings: boolean }, { removed: number }>;
  /** Settings page: recent captured calls for the redaction preview. */
  recentSamples: Call<NoParams, Sample[]>;
  /** Settings page: the OTLP push so far (null before the first); later changes are pushed. */
  getPushStatus: Call<NoParams, PushStatus | null>;
  /** Panel: send a model call of its tab again, from the page, edited; answers the new spans' ids. */
  replay: Call<ReplayParams, ReplayResult>;
  // Datasets belong to no tab: any panel may read and change them (docs/DESIGN.md, "Datasets").
  listDatasets: Call<NoParams, DatasetInfo[]>;
  /** An existing dataset of that name, or a new one. */
  createDataset: Call<{ name: string }, DatasetInfo>;
  getDataset: Call<{ datasetId: string }, DatasetContents>;
  /** All of them or, when one is malformed, none (the error names it). */
  addDatasetItems: Call<{ datasetId: string; items: DatasetItem[] }, { added: number }>;
  updateDatasetItem: Call<{ datasetId: string; item: DatasetItem }, { updated: boolean }>;
  removeDatasetItems: Call<{ datasetId: string; ids: string[] }, { removed: number }>;
  removeDataset: Call<{ datasetId: string }, { removed: boolean }>;
  saveDatasetRun: Call<{ run: DatasetRun }, { saved: boolean }>;
  removeDatasetRun: Call<{ runId: string }, { removed: boolean }>;
  /** Panel: send one item of a run from its tab's page; answers the new span's id. */
  sendDatasetItem: Call<DatasetSendParams, ReplayResult>;
  /**
   * Panel: review a span of its tab or of an imported session (null or an empty review: none);
   * answers the span as it now is, its review in its events (docs/DESIGN.md, "Review").
   */
  setReview: Call<{ spanId: string; session?: number; review: ReviewParams | null }, SpanRecord>;
  /** Panel: the labels reviews used before, live or imported, most used first (the label field's completion). */
  reviewLabels: Call<NoParams, string[]>;
}

/** A review as a panel sends it; the background checks each field (core/review reviewFromInput). */
export interface ReviewParams {
  thumbs?: "up" | "down" | null;
  score?: number | null;
  labels?: string[];
  note?: string | null;
}
export type RpcMethod = keyof RpcMap;
export type RpcParams<M extends RpcMethod> = RpcMap[M]["params"];
export type RpcResult<M extends RpcMethod> = RpcMap[M]["result"];
/** The background's answers: one per method of RpcMap, of its exact shape. */
export type RpcHandlers = { [M in RpcMethod]: (params: RpcParams<M>) => Promise<RpcResult<M>> };

/** What the background tells open pages unasked: type -> payload. */
export interface PushMap {
  /** To a tab's panels after each commit: the spans that changed, and ids of spans gone. */
  "spans-changed": { spans: SpanRecord[]; removed: string[] };
  /** To a tab's panels: its spans are gone. */
  "tab-cleared": NoParams;
  /** To every page: the OTLP push status changed (null: cleared with all data). */
  "push-status": { status: PushStatus | null };
  /** To every panel: spans of an imported session changed (a review), as they now are. */
  "session-spans-changed": { session: number; spans: SpanRecord[] };
}
export type PushType = keyof PushMap;
export type Push<T extends PushType = PushType> = { [K in T]: Envelope<K, PushMap[K]> }[T];

export type RpcRequest<M extends RpcMethod = RpcMethod> = Envelope<"rpc", { id: number; method: M; params: RpcParams<M> }>;
export type RpcResponse = Envelope<"rpc-result", { id: number; result?: unknown; error?: string }>;

export const rpcRequest = <M extends RpcMethod>(id: number, method: M, params: RpcParams<M>): RpcRequest<M> =>
  envelope("rpc", { id, method, params }) as RpcRequest<M>;
export const rpcResponse = (id: number, outcome: { result?: unknown; error?: string }): RpcResponse =>
  envelope("rpc-result", { id, ...outcome });
export const push = <T extends PushType>(type: T, payload: PushMap[T]): Push<T> => envelope(type, payload) as Push<T>;
export const spansChanged = (spans: SpanRecord[], removed: string[] = []): Push<"spans-changed"> => push("spans-changed", { spans, removed });
export const tabCleared = (): Push<"tab-cleared"> => push("tab-cleared", {});
export const pushStatusChanged = (status: PushStatus | null): Push<"push-status"> => push("push-status", { status });
export const sessionSpansChanged = (session: number, spans: SpanRecord[]): Push<"session-spans-changed"> => push("session-spans-changed", { session, spans });

/**
 * A call the receiver answers: `methods` is its own handler table, so only a method it has
 * passes (an own property: `constructor` or `__proto__` name no method).
 */
export function isRpcRequest(m: unknown, methods: Readonly<Record<RpcMethod, unknown>>): m is RpcRequest {
  if (!isEnvelope(m) || m.type !== "rpc") return false;
  const r = m as { id?: unknown; method?: unknown; params?: unknown };
  return typeof r.id === "number" && typeof r.method === "string" && Object.hasOwn(methods, r.method) &&
    typeof r.params === "object" && r.params !== null;
}

export function isRpcResponse(m: unknown): m is RpcResponse {
  return isEnvelope(m) && m.type === "rpc-result" && typeof (m as { id?: unknown }).id === "number";
}

/** Every push type, once: `satisfies` fails the typecheck when PushMap gains or loses one. */
const PUSH_TYPES = { "spans-changed": true, "tab-cleared": true, "push-status": true, "session-spans-changed": true } satisfies Record<PushType, true>;

export function isPush(m: unknown): m is Push {
  return isEnvelope(m) && Object.hasOwn(PUSH_TYPES, m.type);
}
