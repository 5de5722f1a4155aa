/**
 * Following a tool call to its result and back. Within the span on screen it reveals the
 * element; in another span it selects that span on its Messages tab and reveals it there.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { SpanRecord } from "../../../core/contract";
import type { LinkTarget } from "../../detail-model/tool-links";
import type { DetailStore } from "../../state/detail";

export interface ToolNav {
  span: SpanRecord;
  /** The spans of the trace (the span itself included). */
  spans: readonly SpanRecord[];
  go(target: LinkTarget): void;
  select(spanId: string): void;
}

export const ToolNavContext = createContext<ToolNav | undefined>(undefined);

export const useToolNav = () => useContext(ToolNavContext);

export function makeToolNav(span: SpanRecord, spans: readonly SpanRecord[], onSelectSpan: (id: string) => void, { pendingAnchor, rememberedTab }: DetailStore): ToolNav {
  return {
    span,
    spans,
    go(target) {
      pendingAnchor.value = target;
      if (target.spanId !== span.spanId) {
        rememberedTab.value = "messages";
        onSelectSpan(target.spanId);
      }
    },
    select: onSelectSpan,
  };
}

/** The short name of a span for link text: "chat gpt-4o-mini". */
export function spanName(spans: readonly SpanRecord[], spanId: string): string {
  return spans.find((s) => s.spanId === spanId)?.name ?? "another span";
}
