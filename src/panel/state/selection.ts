/** The exchange (request/response/body) of the selected span, fetched on demand. */
import { effect, signal } from "@preact/signals";
import type { Exchange } from "../../core/contract";
import type { ReadonlySignal } from "@preact/signals";
import type { Connection } from "../connection";
import type { TraceStore } from "./traces";

/** `session`: the imported session on show (its exchanges are in its own database), or undefined for the live tab. */
export function createExchangeLoader(connection: Connection, traces: TraceStore, session: ReadonlySignal<number | undefined>) {
  const exchange = signal<Exchange | null | undefined>(undefined);
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
    }
    if (!span?.exchangeId) {
      exchange.value = span ? null : undefined;
      return;
    }
    void span.updatedAt;
    const viewing = session.value;
    connection.call("getExchange", { id: span.exchangeId, ...(viewing !== undefined ? { session: viewing } : {}) }).then(
      (ex) => { if (mine === request) exchange.value = ex; },
      () => { if (mine === request) exchange.value = null; },
    );
  });

  return { exchange, dispose };
}

export type ExchangeLoader = ReturnType<typeof createExchangeLoader>;
