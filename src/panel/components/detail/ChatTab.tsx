/**
 * A trace root's Chat tab: the trace's model calls read as one conversation (each message once,
 * where it first appeared), with its retrieval and tool steps in order; for a turn of a
 * conversation, the whole conversation too. Every entry names the span it came from and selects
 * it on click. Later entries render as they scroll into view (a 500-message chat).
 */
import { Fragment } from "preact";
import { useMemo } from "preact/hooks";
import type { SpanRecord } from "../../../core/contract";
import type { Trace } from "../../../core/query";
import { chatOfConversation, chatOfTrace, type ChatEntry } from "../../detail-model/chat";
import { useDetail } from "./detail-context";
import { Lazy } from "./Lazy";
import { SpanExchange } from "./MediaPart";
import { MessageView } from "./MessageView";
import { Note } from "./Section";
import { TextViewToggle } from "./TextViewToggle";
import { ViewToggle } from "./ViewToggle";

export interface ChatConversation {
  turns: { traceId: string; spans: readonly SpanRecord[]; question?: string }[];
  /** 1-based: which of them is the selected trace. */
  turn: number;
}

/** This trace only, or its whole conversation; remembered across selections. */

const EAGER = 30;

function estimate(e: ChatEntry): number {
  if (e.type !== "message") return 24;
  let chars = 0;
  for (const p of e.message.parts) chars += typeof p.content === "string" ? Math.min(p.content.length, 12_000) : 80;
  return 28 + (chars / 90) * 17;
}

function Entry({ entry, onSelectSpan }: { entry: ChatEntry; onSelectSpan(spanId: string): void }) {
  if (entry.type === "turn") {
    return (
      <div class="chat-turn" role="heading" aria-level={3}>
        Turn {entry.turn} of {entry.of}
        {entry.question !== undefined && <span class="dt-muted"> · {entry.question}</span>}
      </div>
    );
  }
  const link = (
    <button type="button" class="dt-link chat-span-link" onClick={() => onSelectSpan(entry.spanId)} title={`Select the span ${entry.spanName}`}>
      {entry.spanName} ›
    </button>
  );
  if (entry.type === "step") {
    return (
      <div class={`chat-step ${entry.error ? "is-error" : ""}`}>
        <span class={`dt-kind dt-kind-${entry.kind}`}>{entry.kind}</span>
        <span class={entry.error ? "dt-error-text" : ""}>{entry.text}</span>
        {link}
      </div>
    );
  }
  const m = entry.message;
  return (
    <div class={`chat-message ${entry.output ? "is-output" : ""}`}>
      <MessageView role={m.role} parts={m.parts} inInput={!entry.output} aside={link} {...(m.name !== undefined && { name: m.name })} {...(m.finish_reason !== undefined && { finish: m.finish_reason })} />
    </div>
  );
}

export function ChatTab({ trace, conversation, onSelectSpan }: { trace: Trace<SpanRecord>; conversation: ChatConversation | undefined; onSelectSpan(spanId: string): void }) {
  const scope = useDetail().chatScope;
  const whole = conversation !== undefined && scope.value === "conversation";
  const entries = useMemo(
    () => (whole ? chatOfConversation(conversation.turns) : chatOfTrace(trace.spans)),
    [whole, whole ? conversation : trace],
  );
  const messages = entries.filter((e) => e.type === "message").length;
  return (
    <div class="dt-transcript chat">
      <div class="chat-bar">
        {conversation !== undefined && (
          <ViewToggle label="Chat scope" options={[["trace", `This turn (${conversation.turn} of ${conversation.turns.length})`], ["conversation", `Whole conversation (${conversation.turns.length} turns)`]]} value={scope.value} onChange={(v) => (scope.value = v)} />
        )}
        <span class="dt-muted">{messages} messages</span>
        <TextViewToggle />
      </div>
      {/* Payloads are found in each span's own exchange: open the span to see them. */}
      <SpanExchange.Provider value={undefined}>
        {entries.length === 0 ? (
          <Note>No model call of this trace recorded messages.</Note>
        ) : (
          entries.map((e, i) =>
            i < EAGER ? <Fragment key={i}><Entry entry={e} onSelectSpan={onSelectSpan} /></Fragment> : <Lazy key={i} estimate={estimate(e)}>{() => <Entry entry={e} onSelectSpan={onSelectSpan} />}</Lazy>,
          )
        )}
      </SpanExchange.Provider>
    </div>
  );
}
