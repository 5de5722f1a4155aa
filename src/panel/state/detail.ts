/**
 * The little state the detail pane keeps across selections: it outlives any one span's detail
 * (each selection remounts the tab's content), and the rest of the panel has no business with it
 * beyond making it once.
 */
import { signal, type ReadonlySignal } from "@preact/signals";
import type { PriceTable } from "../../core/providers";
import type { TabId } from "../detail-model/tabs";
import type { LinkTarget } from "../detail-model/tool-links";

/** `prices`: the user's own prices, on top of the built-in table. */
export function createDetailStore(prices: ReadonlySignal<PriceTable | undefined>) {
  return {
    prices,
    /** The tab the user last chose; reopened for the next span that has it. */
    rememberedTab: signal<TabId | undefined>(undefined),
    /** An element to reveal once the Messages tab of `spanId` is showing (a tool call or result). */
    pendingAnchor: signal<LinkTarget | undefined>(undefined),
    /** Message text as read (Markdown rendered) or exactly as captured; one switch for every tab. */
    textView: signal<"rendered" | "raw">("rendered"),
    /** The root's chat: this turn only, or the whole conversation it is a turn of. */
    chatScope: signal<"trace" | "conversation">("trace"),
  };
}

export type DetailStore = ReturnType<typeof createDetailStore>;
