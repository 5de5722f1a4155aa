/**
 * The little state the detail pane keeps across selections. Module signals, not props: it
 * outlives any one span's detail, and the rest of the panel has no business with it.
 */
import { signal } from "@preact/signals";
import type { PriceTable } from "../../../core/providers";
import type { TabId } from "../../detail-model/tabs";
import type { LinkTarget } from "../../detail-model/tool-links";

/** The tab the user last chose; reopened for the next span that has it. */
export const rememberedTab = signal<TabId | undefined>(undefined);

/** An element to reveal once the Messages tab of `spanId` is showing (a tool call or result). */
export const pendingAnchor = signal<LinkTarget | undefined>(undefined);

/**
 * The user's own prices (Settings), searched before the built-in table. Set by whoever loads
 * settings; the detail pane only reads it.
 */
export const userPrices = signal<PriceTable | undefined>(undefined);

/** Message text as read (Markdown rendered) or exactly as captured; one switch for every tab. */
export const textView = signal<"rendered" | "raw">("rendered");
