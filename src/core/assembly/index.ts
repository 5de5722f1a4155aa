/**
 * Assembly: one tab's spans, interactions and marks into traces (assemble.ts: pure and
 * deterministic, idempotent over its own output), and every model span into its conversation
 * (conversations.ts). See docs/DESIGN.md, "Traces: how spans are grouped" and "Conversations".
 */
export { assembleTraces, isAdopted, isSynthesized, type AssemblyInput } from "./assemble";
export { CONVERSATION_DERIVED, CONVERSATION_ID, carryConversation, conversationOf, newConversationId } from "./conversations";
