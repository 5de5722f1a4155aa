/** One chat message: its role, optional name and finish reason, and its parts. */
import type { ChatMessage, Part } from "../../detail-model/messages";
import { PartView } from "./PartView";

export function MessageView({ role, parts, name, finish, inInput }: { role: string; parts: readonly Part[]; name?: string; finish?: string; inInput: boolean }) {
  const roleClass = /^[a-z_]+$/.test(role) ? `dt-role-${role}` : "";
  return (
    <div class={`dt-message ${roleClass}`}>
      <div class="dt-message-role">
        {role}
        {name !== undefined && <span class="dt-muted"> · {name}</span>}
        {finish !== undefined && <span class="dt-finish">{finish}</span>}
      </div>
      <div class="dt-message-parts">
        {parts.length === 0 ? <span class="dt-muted">(no content)</span> : parts.map((p, i) => <PartView key={i} part={p} inInput={inInput} />)}
      </div>
    </div>
  );
}

export function MessageList({ messages, inInput }: { messages: readonly ChatMessage[]; inInput: boolean }) {
  return (
    <>
      {messages.map((m, i) => (
        <MessageView key={i} role={m.role} parts={m.parts} inInput={inInput} {...(m.name !== undefined && { name: m.name })} {...(m.finish_reason !== undefined && { finish: m.finish_reason })} />
      ))}
    </>
  );
}
