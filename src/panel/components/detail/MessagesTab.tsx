/**
 * The Messages tab: the conversation the model saw and what it answered — system
 * instructions, input messages, then the output — and the place tool links land.
 */
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import type { SpanRecord } from "../../../core/contract";
import { parseMessages, parseSystem } from "../../detail-model/messages";
import { useDetail } from "./detail-context";
import { MessageList, MessageView } from "./MessageView";
import { ReasoningTokens } from "./PartView";
import { Note } from "./Section";
import { TextViewToggle } from "./TextViewToggle";
import { Unparsed } from "./Unparsed";

/** Scroll to and flash the element a tool link asked for, once this span's messages are on screen. */
function useRevealAnchor(container: { current: HTMLElement | null }, spanId: string): void {
  const { pendingAnchor } = useDetail();
  const target = pendingAnchor.value;
  useLayoutEffect(() => {
    if (!target || target.spanId !== spanId || !container.current) return;
    pendingAnchor.value = undefined;
    if (!target.anchor) return;
    const el = container.current.querySelector<HTMLElement>(`[data-anchor="${CSS.escape(target.anchor)}"]`);
    if (!el) return;
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    el.classList.remove("dt-flash");
    void el.offsetWidth; // restart the animation when the same element is revealed twice
    el.classList.add("dt-flash");
    el.addEventListener("animationend", () => el.classList.remove("dt-flash"), { once: true });
  }, [target, spanId]);
}

export function MessagesTab({ span }: { span: SpanRecord }) {
  const a = span.attributes;
  const system = useMemo(() => parseSystem(a["gen_ai.system_instructions"]), [a["gen_ai.system_instructions"]]);
  const input = useMemo(() => parseMessages(a["gen_ai.input.messages"]), [a["gen_ai.input.messages"]]);
  const output = useMemo(() => parseMessages(a["gen_ai.output.messages"]), [a["gen_ai.output.messages"]]);
  const ref = useRef<HTMLDivElement>(null);
  const revealing = useDetail().pendingAnchor.value?.spanId === span.spanId;
  useRevealAnchor(ref, span.spanId);
  const reasoning = a["gen_ai.usage.reasoning.output_tokens"];
  return (
    <div class="dt-transcript" ref={ref}>
      <TextViewToggle />
      {system && (system.ok ? <MessageView role="system" parts={system.value} inInput /> : <Unparsed what="gen_ai.system_instructions" raw={system.raw} />)}
      {input === undefined ? (
        <Note>The input messages were not captured.</Note>
      ) : input.ok ? (
        <MessageList messages={input.value} inInput all={revealing} />
      ) : (
        <Unparsed what="gen_ai.input.messages" raw={input.raw} />
      )}
      <div class="dt-divider" role="separator">
        <span>Response</span>
      </div>
      {output === undefined ? (
        <Note>{span.endTime === undefined ? "Waiting for the response…" : span.status === "error" ? "No output: the call failed." : "No output was captured."}</Note>
      ) : output.ok ? (
        <ReasoningTokens.Provider value={typeof reasoning === "number" && reasoning > 0 ? reasoning : undefined}>
          <MessageList messages={output.value} inInput={false} all={revealing} />
        </ReasoningTokens.Provider>
      ) : (
        <Unparsed what="gen_ai.output.messages" raw={output.raw} />
      )}
    </div>
  );
}
