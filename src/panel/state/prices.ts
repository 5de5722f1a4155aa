/**
 * The user's own prices (Settings), searched before the built-in table. Set from the settings as
 * they load and change; the detail pane and the compare view only read them.
 */
import { signal } from "@preact/signals";
import { parsePriceTable, type PriceTable } from "../../core/providers";

export function createPricesStore() {
  const table = signal<PriceTable | undefined>(undefined);
  return {
    table,
    /** `text`: the prices as written in Settings (JSON). */
    setFromSettings(text: string): void {
      table.value = parsePriceTable(text).table;
    },
  };
}

export type PricesStore = ReturnType<typeof createPricesStore>;
