/**
 * Traces by conversation (docs/DESIGN.md, "Conversations"): the trace list grouped by
 * conversation, and stepping through a conversation's turns. A trace is a turn of the
 * conversation of its first model call (TraceSummary.conversationId); a conversation of a single
 * trace is listed as a plain trace. Pure: the trace store computes these from its rows.
 */
import { parseMessages } from "../detail-model/messages";
import type { TraceRow } from "./trace-row";

export interface Conversation {
  id: string;
  /** The id was derived by the extension (message continuity), not named on the wire. */
  derived: boolean;
  /** Its traces, oldest first: turn n is turns[n - 1]. */
  turns: TraceRow[];
  /** What each turn asked (the last user text of its first model call in the conversation), by turn. */
  questions: (string | undefined)[];
  /** What the user asked first. */
  title: string;
}

export type ListItem =
  | { type: "trace"; row: TraceRow; turn?: number; of?: number; question?: string }
  | { type: "conversation"; conversation: Conversation; shown: number };

const MAX_TITLE = 80;

/** The last user message's text of a model span's input, on one line. */
function askedIn(value: unknown): string | undefined {
  const parsed = parseMessages(typeof value === "string" ? value : undefined);
  if (!parsed?.ok) return undefined;
  for (let i = parsed.value.length - 1; i >= 0; i--) {
    const m = parsed.value[i]!;
    if (m.role !== "user") continue;
    const text = m.parts.map((p) => (p.type === "text" && typeof p.content === "string" ? p.content : "")).join(" ").replace(/\s+/g, " ").trim();
    if (text) return text.length > MAX_TITLE ? `${text.slice(0, MAX_TITLE - 1)}…` : text;
  }
  return undefined;
}

function questionOf(turn: TraceRow): string | undefined {
  const model = turn.trace.spans.find((s) => s.kind === "llm" && s.attributes["gen_ai.conversation.id"] === turn.summary.conversationId);
  return askedIn(model?.attributes["gen_ai.input.messages"]);
}

/** Conversations of two turns or more, by id. */
export function conversationsOf(rows: readonly TraceRow[]): Map<string, Conversation> {
  const byId = new Map<string, TraceRow[]>();
  for (const row of rows) {
    const id = row.summary.conversationId;
    if (id === undefined) continue;
    const list = byId.get(id);
    if (list) list.push(row);
    else byId.set(id, [row]);
  }
  const out = new Map<string, Conversation>();
  for (const [id, list] of byId) {
    if (list.length < 2) continue;
    const turns = [...list].sort((a, b) => a.trace.startTime - b.trace.startTime || (a.trace.traceId < b.trace.traceId ? -1 : 1));
    const questions = turns.map(questionOf);
    out.set(id, { id, derived: turns[0]!.summary.conversationDerived === true, turns, questions, title: questions[0] ?? turns[0]!.summary.name });
  }
  return out;
}

/** The conversation `traceId` is a turn of, and its 1-based turn number. */
export function turnOf(traceId: string | undefined, rows: ReadonlyMap<string, TraceRow>, conversations: ReadonlyMap<string, Conversation>): { conversation: Conversation; turn: number } | undefined {
  const id = traceId ? rows.get(traceId)?.summary.conversationId : undefined;
  const conversation = id !== undefined ? conversations.get(id) : undefined;
  if (!conversation) return undefined;
  return { conversation, turn: conversation.turns.findIndex((t) => t.trace.traceId === traceId) + 1 };
}

/**
 * The trace list's rows. Ungrouped: the visible traces as they are (newest first). Grouped: a
 * conversation's visible turns together, oldest first, under a header placed where its newest
 * visible turn would be; other traces as they are.
 */
export function listItems(visible: readonly TraceRow[], conversations: ReadonlyMap<string, Conversation>, grouped: boolean): ListItem[] {
  if (!grouped) return visible.map((row) => ({ type: "trace", row }));
  const shown = new Map<string, TraceRow[]>();
  for (const row of visible) {
    const id = row.summary.conversationId;
    if (id === undefined || !conversations.has(id)) continue;
    const list = shown.get(id);
    if (list) list.push(row);
    else shown.set(id, [row]);
  }
  const out: ListItem[] = [];
  const done = new Set<string>();
  for (const row of visible) {
    const conversation = row.summary.conversationId !== undefined ? conversations.get(row.summary.conversationId) : undefined;
    if (!conversation) {
      out.push({ type: "trace", row });
      continue;
    }
    if (done.has(conversation.id)) continue;
    done.add(conversation.id);
    const own = shown.get(conversation.id)!;
    out.push({ type: "conversation", conversation, shown: own.length });
    for (const turn of [...own].reverse()) {
      const n = conversation.turns.indexOf(turn) + 1;
      const question = conversation.questions[n - 1];
      out.push({ type: "trace", row: turn, turn: n, of: conversation.turns.length, ...(question !== undefined ? { question } : {}) });
    }
  }
  return out;
}
