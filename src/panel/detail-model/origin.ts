/**
 * What a span without an HTTP exchange is, in the user's words: the roots and tool runs trace
 * assembly adds (docs/DESIGN.md, "Traces: how spans are grouped") are not data loss, and a span
 * whose exchange is gone is said to be gone.
 */
import type { Exchange } from "../../core/contract";
import type { SpanRecord } from "../../core/contract";

const ACTIONS: Record<string, string> = { click: "click", submit: "form submission", keydown: "Enter key press" };

/** Why a span has no request of its own, when the extension made it; undefined for a span from the wire. */
export function originNote(span: SpanRecord): string | undefined {
  const a = span.attributes;
  if (a["llm_trace.synthesized"] !== true) return undefined;
  switch (a["llm_trace.root.source"]) {
    case "requests":
      return "A trace root the extension adds to group requests the page made with no user action and no model call (assets, polls, its own API calls). It makes no request itself; the requests are the spans under it.";
    case "activity":
      return "A trace root the extension adds for work the page started with no user action (a timer, a poll, a script's own model call). It makes no request itself; the work is the spans under it.";
    case "interaction": {
      const action = ACTIONS[String(a["llm_trace.interaction.action"])] ?? "user action";
      const target = a["llm_trace.interaction.target"];
      return `The ${action}${typeof target === "string" && target ? ` on ${target}` : ""} that started this trace, seen in the page. It makes no request itself; the work it caused is the spans under it.`;
    }
    case "mark":
      return "A unit of work the page marked with performance.mark(\"llm-trace:start\") and \"llm-trace:end\". It makes no request itself; the work is the spans under it.";
    default:
      break;
  }
  if (span.kind === "tool") {
    return "The run of a tool the model asked for, from its call in one model response to its result in the next request. The requests the page made meanwhile are the spans under it.";
  }
  return "Added by the extension when it assembled the trace; it makes no request itself.";
}

/** The Timing tab's word on missing header and chunk times, if any. */
export function missingTimesNote(span: SpanRecord, exchange: Exchange | null | undefined): string | undefined {
  if (!span.exchangeId) return originNote(span) ?? "This span has no HTTP request of its own, so it has no header or chunk times.";
  if (exchange === null) return "Header and chunk times are not available: this span's HTTP data is no longer stored (removed by retention) or was never recorded.";
  return undefined;
}
