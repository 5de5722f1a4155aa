/**
 * One part of a chat message, by type: text, reasoning (collapsed), refusal (highlighted),
 * tool call and tool result (linked to each other), media (described, never loaded), and
 * anything else as JSON. All captured strings are text nodes.
 */
import { useMemo } from "preact/hooks";
import { callKey, decodeJsonText, partText, resultKey } from "../../detail-model/messages";
import type { Part } from "../../detail-model/messages";
import { formatCount } from "../../detail-model/numbers";
import { callAnchor, callOf, executionOf, resultAnchor, resultOf } from "../../detail-model/tool-links";
import { JsonTree } from "./JsonTree";
import { spanName, useToolNav } from "./tool-nav";
import { TruncatedText } from "./TruncatedText";

/** Arguments or a result: a tree when structured (or JSON text), text otherwise. */
function Payload({ value }: { value: unknown }) {
  const decoded = useMemo(() => decodeJsonText(value), [value]);
  if (decoded === undefined) return null;
  if (typeof decoded === "string") return <TruncatedText text={decoded} class="dt-code" />;
  return <JsonTree value={decoded} expandDepth={2} flat class="dt-code" />;
}

/** Links of a tool call: to its result (here or in a later span) and its execute_tool span. */
function CallLinks({ id, inInput }: { id: string; inInput: boolean }) {
  const nav = useToolNav();
  if (!nav) return null;
  const result = resultOf(id, nav.span, nav.spans, inInput);
  const exec = executionOf(id, nav.spans);
  return (
    <span class="dt-part-links">
      {result && (
        <button type="button" class="dt-link" onClick={() => nav.go(result)} title={result.spanId === nav.span.spanId ? "Show the result below" : `Open ${spanName(nav.spans, result.spanId)} at the result`}>
          {result.spanId === nav.span.spanId ? "↓ Result" : `Result in ${spanName(nav.spans, result.spanId)} ›`}
        </button>
      )}
      {exec && (
        <button type="button" class="dt-link" onClick={() => nav.select(exec.spanId)} title="Open the execute_tool span">
          Execution ›
        </button>
      )}
      {!result && !exec && <span class="dt-muted">no result in this trace</span>}
    </span>
  );
}

function ResultLinks({ id }: { id: string }) {
  const nav = useToolNav();
  if (!nav) return null;
  const call = callOf(id, nav.span, nav.spans);
  const exec = executionOf(id, nav.spans);
  return (
    <span class="dt-part-links">
      {call && (
        <button type="button" class="dt-link" onClick={() => nav.go(call)} title={call.spanId === nav.span.spanId ? "Show the call above" : `Open ${spanName(nav.spans, call.spanId)} at the call`}>
          {call.spanId === nav.span.spanId ? "↑ Call" : `‹ Call in ${spanName(nav.spans, call.spanId)}`}
        </button>
      )}
      {exec && (
        <button type="button" class="dt-link" onClick={() => nav.select(exec.spanId)} title="Open the execute_tool span">
          Execution ›
        </button>
      )}
    </span>
  );
}

function ToolCallPart({ part, inInput }: { part: Part; inInput: boolean }) {
  const key = callKey(part);
  return (
    <div class="dt-tool dt-tool-call" data-anchor={key !== undefined ? callAnchor(key) : undefined} tabIndex={-1}>
      <div class="dt-tool-head">
        <span class="dt-tool-kind">Tool call</span>
        <span class="dt-mono dt-tool-name">{typeof part.name === "string" && part.name !== "" ? part.name : "(unnamed)"}</span>
        {typeof part.id === "string" && <span class="dt-mono dt-muted">{part.id}</span>}
        {key !== undefined && <CallLinks id={key} inInput={inInput} />}
      </div>
      <Payload value={part.arguments} />
    </div>
  );
}

function ToolResultPart({ part }: { part: Part }) {
  const key = resultKey(part);
  const error = typeof part.response === "object" && part.response !== null && "error" in part.response;
  return (
    <div class={`dt-tool dt-tool-result ${error ? "is-error" : ""}`} data-anchor={key !== undefined ? resultAnchor(key) : undefined} tabIndex={-1}>
      <div class="dt-tool-head">
        <span class="dt-tool-kind">{error ? "Tool error" : "Tool result"}</span>
        {key !== undefined && <span class="dt-mono dt-muted">{key}</span>}
        {key !== undefined && <ResultLinks id={key} />}
      </div>
      <Payload value={part.response} />
    </div>
  );
}

function MediaPart({ part }: { part: Part }) {
  const where = [part.uri, part.file_id, part.content].find((v): v is string => typeof v === "string");
  return (
    <div class="dt-media">
      <span class="dt-tool-kind">{String(part.modality ?? part.type)}</span>
      {typeof part.mime_type === "string" && <span class="dt-mono dt-muted">{part.mime_type}</span>}
      {where !== undefined && <span class="dt-mono dt-media-ref">{where.length > 200 ? `${where.slice(0, 200)}…` : where}</span>}
    </div>
  );
}

export function PartView({ part, inInput }: { part: Part; inInput: boolean }) {
  const text = partText(part);
  switch (part.type) {
    case "text":
      return <TruncatedText text={text ?? ""} />;
    case "reasoning":
      return (
        <details class="dt-reasoning">
          <summary>Reasoning{text !== undefined ? ` · ${formatCount(text.length)} characters` : ""}</summary>
          <TruncatedText text={text ?? ""} />
        </details>
      );
    case "redacted_reasoning":
      return <div class="dt-reasoning dt-muted">Reasoning, encrypted by the provider (not readable)</div>;
    case "refusal":
      return (
        <div class="dt-refusal" role="note">
          <span class="dt-tool-kind">Refusal</span>
          <TruncatedText text={text ?? ""} />
        </div>
      );
    case "tool_call":
      return <ToolCallPart part={part} inInput={inInput} />;
    case "tool_call_response":
      return <ToolResultPart part={part} />;
    case "uri":
    case "blob":
    case "file":
      return <MediaPart part={part} />;
    default:
      return (
        <div class="dt-generic-part">
          <span class="dt-tool-kind">{part.type}</span>
          <JsonTree value={part} expandDepth={1} class="dt-code" />
        </div>
      );
  }
}
