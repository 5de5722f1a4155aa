/** The Attributes tab: the span's identity and times, then every attribute, sorted by key. */
import { useMemo, useState } from "preact/hooks";
import type { AttributeValue, SpanRecord } from "../../../core/contract";
import { formatClock, formatDuration } from "../../format";
import { parseJsonContainer, preview } from "../../detail-model/json-preview";
import { JsonTree } from "./JsonTree";
import { RedactedText } from "./RedactedText";
import { KeyValues, Section } from "./Section";
import { useToolNav } from "./tool-nav";
import { TruncatedText } from "./TruncatedText";

/** A JSON-looking string value: a one-line preview that expands into a tree. */
function JsonAttr({ json }: { json: object }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="json-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span class="json-arrow" aria-hidden="true">{open ? "▾" : "▸"}</span>
        <span class="json-preview">{preview(json)}</span>
      </button>
      {open && <JsonTree value={json} expandDepth={2} />}
    </>
  );
}

function AttrValue({ value }: { value: AttributeValue }) {
  const json = useMemo(() => (typeof value === "string" ? parseJsonContainer(value) : undefined), [value]);
  if (json !== undefined) return <JsonAttr json={json} />;
  if (Array.isArray(value)) return <span>{JSON.stringify(value)}</span>;
  if (typeof value === "string") return value.length > 400 ? <TruncatedText text={value} limit={400} lines={6} /> : <RedactedText text={value} />;
  return <span class={typeof value === "number" ? "json-number" : "json-literal"}>{String(value)}</span>;
}

function SpanLink({ spanId }: { spanId: string }) {
  const nav = useToolNav();
  const target = nav?.spans.find((s) => s.spanId === spanId);
  if (!nav || !target) return <>{spanId}</>;
  return (
    <button type="button" class="dt-link dt-mono" onClick={() => nav.select(spanId)} title={`Select ${target.name}`}>
      {spanId} ({target.name}) ›
    </button>
  );
}

export function AttributesTab({ span }: { span: SpanRecord }) {
  const keys = useMemo(() => Object.keys(span.attributes).sort(), [span.attributes]);
  return (
    <>
      <Section title="Span">
        <KeyValues
          rows={[
            ["name", span.name],
            ["kind", span.kind],
            ["status", span.status],
            ["traceId", span.traceId],
            ["spanId", span.spanId],
            ["parentSpanId", span.parentSpanId !== undefined ? <SpanLink spanId={span.parentSpanId} /> : <span class="dt-muted">none (trace root)</span>],
            ["startTime", `${formatClock(span.startTime)} (${span.startTime})`],
            ["endTime", span.endTime !== undefined ? `${formatClock(span.endTime)} (${span.endTime})` : <span class="dt-muted">in flight</span>],
            span.endTime !== undefined && ["duration", formatDuration(span.endTime - span.startTime)],
            ["tabId", String(span.tabId)],
            span.frameId !== undefined && ["frameId", String(span.frameId)],
            span.exchangeId !== undefined && ["exchangeId", span.exchangeId],
          ]}
        />
      </Section>
      <Section title="Attributes" aside={keys.length}>
        <KeyValues rows={keys.map((k) => [k, <AttrValue value={span.attributes[k]!} />])} />
      </Section>
      {span.events && span.events.length > 0 && (
        <Section title="Events" aside={span.events.length}>
          <KeyValues
            rows={span.events.map((e) => [
              `+${formatDuration(e.time - span.startTime)} ${e.name}`,
              e.attributes ? <JsonTree value={e.attributes} expandDepth={1} /> : <span class="dt-muted">no attributes</span>,
            ])}
          />
        </Section>
      )}
    </>
  );
}
