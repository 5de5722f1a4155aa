/**
 * The exchange (request/response/body) of the selected span, fetched on demand; and the one its
 * media payloads are found in (`media`): its own, or for a response of a live session, which has
 * no HTTP exchange of its own, the session's (its messages hold the response's audio).
 */
import { computed, effect, signal } from "@preact/signals";
import type { Exchange, SpanRecord } from "../../core/contract";
import type { ReadonlySignal } from "@preact/signals";
import type { Connection } from "../connection";
import type { TraceStore } from "./traces";

/** The exchange a span's data is in: its own, or its live session's. */
function sourceId(span: SpanRecord): string | undefined {
  const session = span.attributes["llm_trace.live.session"];
  return span.exchangeId ?? (typeof session === "string" ? session : undefined);
}

/** `session`: the imported session on show (its exchanges are in its own database), or undefined for the live tab. */
export function createExchangeLoader(connection: Connection, traces: TraceStore, session: ReadonlySignal<number | undefined>) {
  /** What was fetched for the selected span: undefined while loading, null when there is none. */
  const media = signal<Exchange | null | undefined>(undefined);
  /** Only a span's own exchange is its HTTP data. */
  const exchange = computed(() => {
    const span = traces.selectedSpan.value;
    return span && span.exchangeId === undefined ? null : media.value;
  });
  let request = 0;
  let shownId: string | undefined;

  // Reload when the selection changes or the selected span is updated (a stream still
  // arriving); an answer overtaken by a newer request is dropped.
  const dispose = effect(() => {
    const span = traces.selectedSpan.value;
    const mine = ++request;
    // Another span: drop the old exchange at once rather than show it under the new header.
    if (span?.spanId !== shownId) {
      shownId = span?.spanId;
      media.value = undefined;
    }
    const id = span && sourceId(span);
    if (!id) {
      media.value = span ? null : undefined;
      return;
    }
    void span.updatedAt;
    const viewing = session.value;
    connection.call("getExchange", { id, ...(viewing !== undefined ? { session: viewing } : {}) }).then(
      (ex) => { if (mine === request) media.value = ex; },
      () => { if (mine === request) media.value = null; },
    );
  });

  return { exchange, media, dispose };
}

export type ExchangeLoader = ReturnType<typeof createExchangeLoader>;
