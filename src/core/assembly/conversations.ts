/**
 * Conversations (docs/DESIGN.md, "Conversations"): every model span gets gen_ai.conversation.id.
 * - From the wire when the call names its conversation (parsers set it: the Responses API's
 *   `conversation`, AG-UI's and LangGraph's thread ids, the AI SDK's chat id in /api/chat
 *   bodies). Kept as it is.
 * - Else derived, and marked llm_trace.conversation.derived: the conversation of the call it
 *   continues (previous_response_id, or input messages that begin with that call's input and
 *   output: assembly/continuity.ts), of the call whose tool calls it answers, or of the failed
 *   call it retries; else the one it had (an earlier run saw the call it continues, which has
 *   since left the window); else a new conversation, named after the call.
 * Pure and deterministic: a new id is a hash of the span's id, the same on every run.
 */
import type { SpanRecord } from "../contract";
import { hashSpanId } from "./ids";

export const CONVERSATION_ID = "gen_ai.conversation.id";
export const CONVERSATION_DERIVED = "llm_trace.conversation.derived";

/** The conversation id the call's own request or response named. */
export function wireConversation(span: SpanRecord): string | undefined {
  const id = span.attributes[CONVERSATION_ID];
  return typeof id === "string" && id !== "" && span.attributes[CONVERSATION_DERIVED] !== true ? id : undefined;
}

/** The span's conversation id, wire or derived. */
export function conversationOf(span: SpanRecord): string | undefined {
  const id = span.attributes[CONVERSATION_ID];
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** A derived id for a conversation that begins with `span`. */
export function newConversationId(span: SpanRecord): string {
  return hashSpanId(`conversation:${span.spanId}`);
}

/**
 * Derived conversation ids of `models` (sorted by start) that name none on the wire.
 * `previous(span)`: the earlier call it continues (continuity, tool chain or retry); that call
 * may be one of `models` or a span from before the window, whose stored id is final.
 */
export function deriveConversations(models: readonly SpanRecord[], previous: (span: SpanRecord) => SpanRecord | undefined): Map<string, string> {
  const assigned = new Map<string, string>();
  const idOf = (span: SpanRecord): string | undefined => wireConversation(span) ?? assigned.get(span.spanId) ?? conversationOf(span);
  for (const span of models) {
    if (wireConversation(span) !== undefined) continue;
    const before = previous(span);
    const inherited = before ? idOf(before) : undefined;
    assigned.set(span.spanId, inherited ?? conversationOf(span) ?? newConversationId(span));
  }
  return assigned;
}

/** The span with its derived conversation id (the same object when it already has it). */
export function withConversation(span: SpanRecord, id: string | undefined): SpanRecord {
  const a = span.attributes;
  if (id === undefined) {
    if (a[CONVERSATION_DERIVED] !== true) return span;
    const { [CONVERSATION_ID]: _id, [CONVERSATION_DERIVED]: _derived, ...rest } = a;
    return { ...span, attributes: rest };
  }
  if (a[CONVERSATION_ID] === id && a[CONVERSATION_DERIVED] === true) return span;
  return { ...span, attributes: { ...a, [CONVERSATION_ID]: id, [CONVERSATION_DERIVED]: true } };
}
