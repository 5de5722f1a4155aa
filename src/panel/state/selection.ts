/**
 * The exchange (request/response/body) of the selected span, fetched on demand; and the one its
 * media payloads are found in (`media`): its own, or for a response of a live session, which has
 * no HTTP exchange of its own, the session's (its messages hold the response's audio).
 */
import { effect, signal } from "@preact/signals";
import type { Exchange } from "../../core/contract";
import type { ReadonlySignal } from "@preact/signals";
import type { Connection } from "../connection";
import type { TraceStore } from "./traces";

/** `session`: the imported session on show (its exchanges are in its own database), or undefined for the live tab. */
export function createExchangeLoader(connection: Connection, traces: TraceStore, session: ReadonlySignal<number | undefined>) {
  const exchange = signal<Exchange | null | undefined>(undefined);
  const media = signal<Exchange | null | undefined>(undefined);
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
      exchange.value = undefined;
      media.value = undefined;
    }
    const sessionId = span?.attributes["llm_trace.live.session"];
    const id = span?.exchangeId ?? (typeof sessionId === "string" ? sessionId : undefined);
    if (!span || !id) {
      exchange.value = span ? null : undefined;
      media.value = exchange.value;
      return;
    }
    const own = span.exchangeId !== undefined;
    if (!own) exchange.value = null;
    void span.updatedAt;
    const viewing = session.value;
    connection.call("getExchange", { id, ...(viewing !== undefined ? { session: viewing } : {}) }).then(
      (ex) => {
        if (mine !== request) return;
        if (own) exchange.value = ex;
        media.value = ex;
      },
      () => {
        if (mine !== request) return;
        if (own) exchange.value = null;
        media.value = null;
      },
    );
  });

  return { exchange, media, dispose };
}

export type ExchangeLoader = ReturnType<typeof createExchangeLoader>;
