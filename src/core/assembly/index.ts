/**
 * Assembly: one tab's spans, interactions and marks into traces (assemble.ts: pure and
 * deterministic, idempotent over its own output), and every model span into its conversation
 * (conversations.ts). The one owner of where a span stands (placement.ts): its first place as it
 * is derived (the app's traceparent adopted, else provisional), and the place it keeps between
 * runs. See docs/DESIGN.md, "Traces: how spans are grouped" and "Conversations".
 */
export { assembleTraces, isSynthesized, type AssemblyInput } from "./assemble";
export {
  TRACE_CONTEXT, isAdopted, isPlaced, parseTraceparent, placeFirst, provisionalTraceId, samePlace, withPlace,
} from "./placement";
export { CONVERSATION_DERIVED, CONVERSATION_ID, conversationOf, newConversationId } from "./conversations";
export { hashSpanId, traceIdFor } from "./ids";
