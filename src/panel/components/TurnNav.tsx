/**
 * Above the waterfall, when the selected trace is a turn of a conversation: which turn it is,
 * and the previous and next turns a click (or [ and ]) away.
 */
import type { TraceStore } from "../state/traces";

export function TurnNav({ traces }: { traces: TraceStore }) {
  const at = traces.selectedTurn.value;
  if (!at) return null;
  const { conversation, turn } = at;
  const count = conversation.turns.length;
  return (
    <div class="turn-nav" role="group" aria-label="Conversation turns"
      title={`Conversation ${conversation.id}${conversation.derived ? " (derived from the messages)" : ""}`}>
      <button type="button" class="icon-button" aria-label="Previous turn" title="Previous turn ( [ )" disabled={turn <= 1} onClick={() => traces.stepTurn(-1)}>‹</button>
      <span class="turn-position">Turn {turn} of {count}</span>
      <button type="button" class="icon-button" aria-label="Next turn" title="Next turn ( ] )" disabled={turn >= count} onClick={() => traces.stepTurn(1)}>›</button>
      <span class="turn-title">{conversation.questions[turn - 1] ?? conversation.title}</span>
    </div>
  );
}
