/** The Output tab: only what the model answered, with why it stopped. */
import { useMemo } from "preact/hooks";
import type { SpanRecord } from "../../../core/contract";
import { parseMessages } from "../../detail-model/messages";
import { MessageList } from "./MessageView";
import { ReasoningTokens } from "./PartView";
import { TextViewToggle } from "./TextViewToggle";
import { Unparsed } from "./Unparsed";
import { KeyValues, Note } from "./Section";

export function OutputTab({ span }: { span: SpanRecord }) {
  const a = span.attributes;
  const output = useMemo(() => parseMessages(a["gen_ai.output.messages"]), [a["gen_ai.output.messages"]]);
  const reasons = a["gen_ai.response.finish_reasons"];
  const reasoning = a["gen_ai.usage.reasoning.output_tokens"];
  const str = (k: string) => (typeof a[k] === "string" || typeof a[k] === "number" ? String(a[k]) : undefined);
  return (
    <div class="dt-transcript">
      <TextViewToggle />
      <KeyValues
        rows={[
          ["Finish reasons", Array.isArray(reasons) ? reasons.map((r) => <span class="dt-finish" key={String(r)}>{String(r)}</span>) : span.endTime === undefined ? "streaming…" : "not reported", true],
          str("gen_ai.response.model") !== undefined && ["Response model", str("gen_ai.response.model")],
          str("gen_ai.response.id") !== undefined && ["Response id", str("gen_ai.response.id")],
        ]}
      />
      {output === undefined ? (
        <Note>{span.endTime === undefined ? "Waiting for the response…" : "No output was captured."}</Note>
      ) : output.ok ? (
        <ReasoningTokens.Provider value={typeof reasoning === "number" && reasoning > 0 ? reasoning : undefined}>
          <MessageList messages={output.value} inInput={false} />
        </ReasoningTokens.Provider>
      ) : (
        <Unparsed what="gen_ai.output.messages" raw={output.raw} />
      )}
    </div>
  );
}
