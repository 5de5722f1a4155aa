/** Which span is selected, and its exchange (request/response/body), fetched on demand. */
import { effect, signal } from "@preact/signals";
import type { Exchange } from "../../core/exchange";
import type { Connection } from "../connection";
import type { SpanStore } from "./spans";

export function createSelection(connection: Connection, spans: SpanStore) {
  const selectedId = signal<string | undefined>(undefined);
  const exchange = signal<Exchange | null | undefined>(undefined);
  let request = 0;

  // Reload the exchange when the selection changes or the selected span is updated (a stream
  // still arriving), dropping answers that a newer request overtook.
  const dispose = effect(() => {
    const id = selectedId.value;
    const span = id ? spans.byId.value.get(id) : undefined;
    const mine = ++request;
    if (!id || !span?.exchangeId) {
      exchange.value = undefined;
      return;
    }
    void span.updatedAt;
    connection.call("getExchange", { id: span.exchangeId }).then(
      (ex) => { if (mine === request) exchange.value = ex; },
      () => { if (mine === request) exchange.value = null; },
    );
  });

  return { selectedId, exchange, dispose };
}

export type Selection = ReturnType<typeof createSelection>;
