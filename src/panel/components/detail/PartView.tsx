/**
 * One part of a chat message, by type: text (with the sources it cites), reasoning (collapsed),
 * redacted reasoning, refusal (highlighted), tool call and tool result (linked to each other), a
 * tool call waiting for approval, a source, media (MediaPart: thumbnails and players of inline
 * data, remote addresses never loaded), and anything else as JSON. Text is read as Markdown
 * (Markdown.tsx) unless the raw switch is on. All captured strings are text nodes: URLs are
 * shown, never made into links.
 */
import { createContext } from "preact";
import { useContext, useMemo } from "preact/hooks";
import { callKey, citationsOf, decodeJsonText, partText, resultKey, sourceOf } from "../../detail-model/messages";
import type { Part } from "../../detail-model/messages";
import { formatCount } from "../../detail-model/numbers";
import { callAnchor, callOf, executionOf, resultAnchor, resultOf } from "../../detail-model/tool-links";
import { useDetail } from "./detail-context";
import { JsonTree } from "./JsonTree";
import { RichText } from "./Markdown";
import { MediaPart } from "./MediaPart";
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
        {typeof part.server === "string" && <span class="dt-muted">on {part.server}</span>}
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

/** The sources a text part cites, numbered, each with what it quotes and the range it supports. */
function Citations({ part }: { part: Part }) {
  const citations = useMemo(() => citationsOf(part), [part]);
  if (citations.length === 0) return null;
  return (
    <ol class="dt-citations" aria-label="Citations">
      {citations.map((c, i) => (
        <li key={i} class="dt-citation">
          <span class="dt-citation-label">{c.label}</span>
          {c.url !== undefined && c.url !== c.label && <span class="dt-mono dt-muted dt-media-ref">{c.url}</span>}
          {c.range !== undefined && <span class="dt-muted">{c.range}</span>}
          {c.quote !== undefined && <q class="dt-citation-quote">{c.quote}</q>}
        </li>
      ))}
    </ol>
  );
}

function SourcePart({ part }: { part: Part }) {
  const source = sourceOf(part);
  return (
    <div class="dt-media">
      <span class="dt-tool-kind">Source</span>
      <span>{source.label}</span>
      {source.where !== undefined && <span class="dt-mono dt-muted dt-media-ref">{source.where}</span>}
    </div>
  );
}

/** A call the provider or the app holds until the user approves it (MCP approval, AI SDK 6). */
function ApprovalPart({ part }: { part: Part }) {
  return (
    <div class="dt-tool dt-tool-approval">
      <div class="dt-tool-head">
        <span class="dt-tool-kind">Approval requested</span>
        {typeof part.name === "string" && part.name !== "" && <span class="dt-mono dt-tool-name">{part.name}</span>}
        {typeof part.id === "string" && <span class="dt-mono dt-muted">{part.id}</span>}
        {typeof part.server === "string" && <span class="dt-muted">on {part.server}</span>}
      </div>
      <Payload value={part.arguments} />
    </div>
  );
}

/**
 * The reasoning tokens the provider reported for the response whose output is shown (one count
 * for the whole response: shown on its reasoning block when it has one).
 */
export const ReasoningTokens = createContext<number | undefined>(undefined);

function ReasoningPart({ text }: { text: string }) {
  const tokens = useContext(ReasoningTokens);
  const raw = useDetail().textView.value === "raw";
  return (
    <details class="dt-reasoning">
      <summary>
        Reasoning
        {tokens !== undefined && ` · ${formatCount(tokens)} tokens`}
        {` · ${formatCount(text.length)} characters`}
      </summary>
      <div class="dt-reasoning-body">
        <RichText text={text} raw={raw} />
      </div>
    </details>
  );
}

export function PartView({ part, inInput }: { part: Part; inInput: boolean }) {
  const text = partText(part);
  const raw = useDetail().textView.value === "raw";
  switch (part.type) {
    case "text":
      return (
        <div class="dt-part-text">
          <RichText text={text ?? ""} raw={raw} />
          <Citations part={part} />
        </div>
      );
    case "reasoning":
      return <ReasoningPart text={text ?? ""} />;
    case "redacted_reasoning":
      return (
        <div class="dt-reasoning dt-reasoning-redacted">
          <span class="dt-tool-kind">Redacted reasoning</span> <span class="dt-muted">encrypted by the provider: not readable</span>
        </div>
      );
    case "refusal":
      return (
        <div class="dt-refusal" role="note">
          <span class="dt-tool-kind">Refusal</span>
          <RichText text={text ?? ""} raw={raw} />
        </div>
      );
    case "tool_call":
      return <ToolCallPart part={part} inInput={inInput} />;
    case "tool_call_response":
      return <ToolResultPart part={part} />;
    case "uri":
    case "blob":
    case "file":
      return <MediaPart part={part} inInput={inInput} />;
    case "source":
      return <SourcePart part={part} />;
    case "tool_approval_request":
      return <ApprovalPart part={part} />;
    default:
      return (
        <div class="dt-generic-part">
          <span class="dt-tool-kind">{part.type}</span>
          <JsonTree value={part} expandDepth={1} class="dt-code" />
        </div>
      );
  }
}
