/** The Tools tab: the tools the request offered the model, with their parameter schemas. */
import { useMemo } from "preact/hooks";
import type { SpanRecord } from "../../../core/contract";
import { parseMessages, parseToolDefinitions } from "../../detail-model/messages";
import { JsonTree } from "./JsonTree";
import { Note } from "./Section";
import { TruncatedText } from "./TruncatedText";
import { Unparsed } from "./Unparsed";

/** Names of the tools this response called, to mark them in the list. */
function calledNames(span: SpanRecord): Set<string> {
  const out = parseMessages(span.attributes["gen_ai.output.messages"]);
  const names = new Set<string>();
  if (out?.ok) for (const m of out.value) for (const p of m.parts) if (p.type === "tool_call" && typeof p.name === "string") names.add(p.name);
  return names;
}

export function ToolsTab({ span }: { span: SpanRecord }) {
  const raw = span.attributes["gen_ai.tool.definitions"];
  const defs = useMemo(() => parseToolDefinitions(raw), [raw]);
  const called = useMemo(() => calledNames(span), [span.attributes["gen_ai.output.messages"]]);
  if (!defs) return <Note>The request offered no tools.</Note>;
  if (!defs.ok) return <Unparsed what="gen_ai.tool.definitions" raw={defs.raw} />;
  return (
    <div class="dt-tools">
      {defs.value.map((d, i) => (
        <details class="dt-tooldef" open={defs.value.length <= 6} key={d.name ?? i}>
          <summary>
            <span class="dt-mono dt-tool-name">{d.name ?? "(unnamed)"}</span>
            {d.type !== "function" && <span class="dt-chip">{d.type}</span>}
            {d.name !== undefined && called.has(d.name) && <span class="dt-chip dt-chip-accent" title="This response called it">called</span>}
          </summary>
          {d.description !== undefined && <TruncatedText text={d.description} limit={600} lines={8} class="dt-tool-desc" />}
          {d.parameters !== undefined ? <JsonTree value={d.parameters} expandDepth={3} flat class="dt-code" /> : <Note>No parameters.</Note>}
        </details>
      ))}
    </div>
  );
}
