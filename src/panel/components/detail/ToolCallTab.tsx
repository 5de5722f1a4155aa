/**
 * The Tool call tab of an execute_tool span: what the model asked the page to run, what came
 * back, and links to the model span that asked and the one that received the result.
 */
import type { SpanRecord } from "../../../core/contract";
import { callAnchor, modelSpansOfTool, resultAnchor } from "../../detail-model/tool-links";
import { decodeJsonText } from "../../detail-model/messages";
import { JsonTree } from "./JsonTree";
import { KeyValues, Note, Section } from "./Section";
import { useToolNav } from "./tool-nav";
import { TruncatedText } from "./TruncatedText";

function Value({ value, missing }: { value: unknown; missing: string }) {
  if (value === undefined) return <Note>{missing}</Note>;
  const decoded = decodeJsonText(value);
  if (typeof decoded === "string") return <TruncatedText text={decoded} class="dt-code" />;
  return <JsonTree value={decoded} expandDepth={3} flat class="dt-code" />;
}

export function ToolCallTab({ span }: { span: SpanRecord }) {
  const nav = useToolNav();
  const a = span.attributes;
  const id = typeof a["gen_ai.tool.call.id"] === "string" ? a["gen_ai.tool.call.id"] : undefined;
  const key = id ?? (typeof a["gen_ai.tool.name"] === "string" ? a["gen_ai.tool.name"] : undefined);
  const { caller, consumer } = nav ? modelSpansOfTool(span, nav.spans) : {};
  return (
    <>
      <Section title="Call">
        <KeyValues
          rows={[
            ["Tool", String(a["gen_ai.tool.name"] ?? "(unnamed)")],
            id !== undefined && ["Call id", id],
            a["gen_ai.tool.type"] !== undefined && ["Type", String(a["gen_ai.tool.type"])],
            caller && key !== undefined && [
              "Requested by",
              <button type="button" class="dt-link" onClick={() => nav!.go({ spanId: caller.spanId, anchor: callAnchor(key) })}>
                ‹ {caller.name}
              </button>,
              true,
            ],
            consumer && key !== undefined && [
              "Result sent in",
              <button type="button" class="dt-link" onClick={() => nav!.go({ spanId: consumer.spanId, anchor: resultAnchor(key) })}>
                {consumer.name} ›
              </button>,
              true,
            ],
          ]}
        />
      </Section>
      <Section title="Arguments">
        <Value value={a["gen_ai.tool.call.arguments"]} missing="No arguments were captured." />
      </Section>
      <Section title="Result">
        <Value value={a["gen_ai.tool.call.result"]} missing={span.endTime === undefined ? "Running…" : "No result was captured."} />
      </Section>
    </>
  );
}
