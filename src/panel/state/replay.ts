/**
 * Edit and resend (docs/DESIGN.md, "Compare and replay"): the model call being edited, the send
 * (through the background to the inspected page, which sends it with the original's headers,
 * kept only in the page's memory), and the new spans as they arrive. One send opens the compare
 * of original and replay; several show their spread.
 */
import { computed, effect, signal, type ReadonlySignal } from "@preact/signals";
import type { Exchange } from "../../core/contract";
import type { SpanRecord } from "../../core/contract";
import type { Connection } from "../connection";
import { buildBody, readRequest, type EditableRequest } from "../replay-model/request-edit";
import type { SpanStore } from "./spans";

export interface Editing {
  span: SpanRecord;
  request: EditableRequest;
}

export type SendState =
  | { phase: "idle" }
  | { phase: "sending"; count: number }
  | { phase: "running"; spanIds: string[] }
  | { phase: "done"; spanIds: string[] }
  | { phase: "error"; message: string; count: number; credentialsGone?: boolean };

export const MAX_RESENDS = 10;

/** `exchange`: the selected span's exchange as the panel loads it (undefined while loading). */
export function createReplayStore(connection: Connection, spans: SpanStore, exchange: ReadonlySignal<Exchange | null | undefined>, onDone: (original: SpanRecord, replays: SpanRecord[]) => void) {
  const editing = signal<Editing | undefined>(undefined);
  /** Why the selected call cannot be edited, when it cannot. */
  const unavailable = signal<string | undefined>(undefined);
  const state = signal<SendState>({ phase: "idle" });
  /** The replays of the last send, as stored (in flight until they end). */
  const replays = computed(() => {
    const s = state.value;
    if (s.phase !== "running" && s.phase !== "done") return [];
    return s.spanIds.map((id) => spans.byId.value.get(id)).filter((x): x is SpanRecord => x !== undefined);
  });

  // The send is over when every new span has ended.
  effect(() => {
    const s = state.value;
    const list = replays.value;
    if (s.phase !== "running" || list.length < s.spanIds.length || list.some((r) => r.endTime === undefined)) return;
    state.value = { phase: "done", spanIds: s.spanIds };
    const original = editing.value?.span;
    if (original) onDone(original, list);
  });

  /** The span asked for while its exchange was still loading. */
  const pending = signal<SpanRecord | undefined>(undefined);

  function fill(span: SpanRecord, ex: Exchange | null): void {
    pending.value = undefined;
    if (!ex || ex.id !== span.spanId) {
      editing.value = undefined;
      unavailable.value = "This call's request was not stored, so it cannot be sent again.";
      return;
    }
    const read = readRequest(ex);
    editing.value = read.ok ? { span, request: read.request } : undefined;
    unavailable.value = read.ok ? undefined : read.error;
  }

  // The request arrives after the click: fill the editor then.
  effect(() => {
    const span = pending.value;
    const ex = exchange.value;
    if (span && ex !== undefined) fill(span, ex);
  });

  /** Edit the selected span's request (its exchange loading or loaded). */
  function open(span: SpanRecord): void {
    state.value = { phase: "idle" };
    const ex = exchange.value;
    if (ex !== undefined && ex?.id === span.spanId) return fill(span, ex);
    editing.value = undefined;
    unavailable.value = "Loading the request…";
    pending.value = span;
  }

  function close(): void {
    pending.value = undefined;
    editing.value = undefined;
    unavailable.value = undefined;
    state.value = { phase: "idle" };
  }

  /** Replace the edited request (a field or a turn changed): a new object, so views update. */
  function update(change: (r: EditableRequest) => void): void {
    const e = editing.value;
    if (!e) return;
    const request: EditableRequest = { ...e.request, turns: e.request.turns.map((t) => ({ ...t })), params: e.request.params.map((p) => ({ ...p })) };
    change(request);
    editing.value = { ...e, request };
  }

  /** `headers`: for this send only, when the page no longer holds the original's. */
  async function send(count: number, headers?: [string, string][]): Promise<void> {
    const e = editing.value;
    if (!e) return;
    let body: string;
    try {
      body = buildBody(e.request);
    } catch (error) {
      state.value = { phase: "error", message: error instanceof Error ? error.message : String(error), count };
      return;
    }
    const n = Math.max(1, Math.min(MAX_RESENDS, Math.floor(count)));
    state.value = { phase: "sending", count: n };
    try {
      const result = await connection.call("replay", { spanId: e.span.spanId, body, count: n, ...(headers?.length ? { headers } : {}) });
      state.value = result.ok ? { phase: "running", spanIds: result.spanIds }
        : { phase: "error", message: result.message, count: n, ...(result.reason === "credentials-gone" ? { credentialsGone: true } : {}) };
    } catch (error) {
      state.value = { phase: "error", message: error instanceof Error ? error.message : String(error), count: n };
    }
  }

  /** The editor is showing (a call being edited, or why it cannot be). */
  const active = computed(() => editing.value !== undefined || unavailable.value !== undefined);

  return { editing, unavailable, state, replays, active, open, close, update, send };
}

export type ReplayStore = ReturnType<typeof createReplayStore>;
