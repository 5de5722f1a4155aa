/** One chat message: its role, optional name and finish reason, and its parts. */
import { Fragment, type ComponentChildren } from "preact";
import type { ChatMessage, Part } from "../../detail-model/messages";
import { Lazy } from "./Lazy";
import { PartView } from "./PartView";

/** Messages rendered at once; later ones as they scroll into view (a 500-message history). */
const EAGER = 30;

/** A rough height of a message not rendered yet. */
function estimate(m: ChatMessage): number {
  let chars = 0;
  for (const p of m.parts) chars += typeof p.content === "string" ? Math.min(p.content.length, 12_000) : 80;
  return 28 + (chars / 90) * 17;
}

/** `aside`: more under the role (the chat view's link to the span the message came from). */
export function MessageView({ role, parts, name, finish, inInput, aside }: { role: string; parts: readonly Part[]; name?: string; finish?: string; inInput: boolean; aside?: ComponentChildren }) {
  const roleClass = /^[a-z_]+$/.test(role) ? `dt-role-${role}` : "";
  return (
    <div class={`dt-message ${roleClass}`}>
      <div class="dt-message-role">
        {role}
        {name !== undefined && <span class="dt-muted"> · {name}</span>}
        {finish !== undefined && <span class="dt-finish">{finish}</span>}
        {aside}
      </div>
      <div class="dt-message-parts">
        {parts.length === 0 ? <span class="dt-muted">(no content)</span> : parts.map((p, i) => <PartView key={i} part={p} inInput={inInput} />)}
      </div>
    </div>
  );
}

/** `all`: render every message now (a link is about to scroll to one of them). */
export function MessageList({ messages, inInput, all = false }: { messages: readonly ChatMessage[]; inInput: boolean; all?: boolean }) {
  return (
    <>
      {messages.map((m, i) => {
        const view = () => <MessageView role={m.role} parts={m.parts} inInput={inInput} {...(m.name !== undefined && { name: m.name })} {...(m.finish_reason !== undefined && { finish: m.finish_reason })} />;
        return all || i < EAGER ? <Fragment key={i}>{view()}</Fragment> : <Lazy key={i} estimate={estimate(m)}>{view}</Lazy>;
      })}
    </>
  );
}
