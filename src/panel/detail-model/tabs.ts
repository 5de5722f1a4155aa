/** Which detail tabs a span gets, in order, and which one opens. */
import type { SpanRecord } from "../../core/contract";

export type TabId = "summary" | "chat" | "messages" | "output" | "tools" | "documents" | "call" | "usage" | "timing" | "request" | "response" | "attributes";

export const TAB_LABELS: Record<TabId, string> = {
  summary: "Summary",
  chat: "Chat",
  messages: "Messages",
  output: "Output",
  tools: "Tools",
  documents: "Documents",
  call: "Tool call",
  usage: "Usage & cost",
  timing: "Timing",
  request: "Request",
  response: "Response",
  attributes: "Attributes",
};

export function tabsFor(span: SpanRecord): TabId[] {
  const a = span.attributes;
  const has = (key: string) => a[key] !== undefined;
  const http: TabId[] = span.exchangeId ? ["request", "response"] : [];
  switch (span.kind) {
    // An agent run (AG-UI) has messages, output and tools as a model call does.
    case "agent":
    case "llm": {
      const tabs: TabId[] = [];
      if (has("gen_ai.input.messages") || has("gen_ai.system_instructions") || has("gen_ai.output.messages")) tabs.push("messages");
      if (has("gen_ai.output.messages") || has("gen_ai.response.finish_reasons")) tabs.push("output");
      if (has("gen_ai.tool.definitions")) tabs.push("tools");
      if (span.kind === "llm" || has("gen_ai.usage.input_tokens")) tabs.push("usage");
      return [...tabs, "timing", ...http, "attributes"];
    }
    case "embedding":
      return ["usage", "timing", ...http, "attributes"];
    case "retrieval":
      return [...(has("gen_ai.retrieval.documents") || has("gen_ai.retrieval.query.text") ? (["documents"] as TabId[]) : []), "timing", ...http, "attributes"];
    case "tool":
      return ["call", "timing", ...http, "attributes"];
    case "http":
      // An MCP tools/list answer lists the server's tools.
      return [...(has("gen_ai.tool.definitions") ? (["tools"] as TabId[]) : []), ...http, "timing", "attributes"];
    default:
      return ["timing", ...http, "attributes"];
  }
}

/**
 * A trace root's tabs: the trace's summary and its chat (the model calls' messages as one
 * conversation) before its own. `chat`: the trace has model calls with messages, or is a turn of
 * a conversation.
 */
export function rootTabs(span: SpanRecord, own: readonly TabId[], spanCount: number, chat: boolean): TabId[] {
  const extra: TabId[] = [];
  if (spanCount > 1) extra.push("summary");
  if (chat && (span.kind !== "llm" || spanCount > 1)) extra.push("chat");
  return [...extra, ...own];
}

/** The remembered tab when this span has it, else the span's first. */
export function chooseTab(tabs: readonly TabId[], remembered: TabId | undefined): TabId {
  return remembered !== undefined && tabs.includes(remembered) ? remembered : tabs[0] ?? "attributes";
}
