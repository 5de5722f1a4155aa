/** The head of the detail: what the span is, how it ended, how long it took, and the copy actions. */
import type { ComponentChildren } from "preact";
import type { Exchange, SpanRecord } from "../../../core/contract";
import { providerLabel } from "../../../core/query";
import { formatClock, formatDuration } from "../../format";
import { CopyActions } from "./CopyActions";
import { Note } from "./Section";

function statusLabel(span: SpanRecord): string {
  if (span.endTime === undefined) return "in flight";
  const code = span.attributes["http.response.status_code"];
  return code !== undefined ? `${span.status} · ${code}` : span.status;
}

function ErrorLine({ span }: { span: SpanRecord }) {
  const type = span.attributes["error.type"];
  const message = span.attributes["llm_trace.error.message"];
  if (span.status !== "error" && type === undefined) return null;
  return (
    <div class="dt-error" role="alert">
      <strong>{type !== undefined ? String(type) : "Error"}</strong>
      {message !== undefined && <span>{String(message)}</span>}
    </div>
  );
}

/** What each reason of llm_trace.unverified means (core/capture/fold.ts UnverifiedReason). */
const UNVERIFIED: Record<string, string> = {
  "no-request": "no request was seen for this response",
  frame: "some of its events came from another frame of the tab",
  time: "the page gave times outside the tab's lifetime (clamped)",
};

/** A record the page's own hook could not have produced as it claims: possibly forged by the page. */
function UnverifiedLine({ span }: { span: SpanRecord }) {
  const reasons = span.attributes["llm_trace.unverified"];
  if (!Array.isArray(reasons) || reasons.length === 0) return null;
  const say = (r: unknown) => (Object.hasOwn(UNVERIFIED, String(r)) ? UNVERIFIED[String(r)] : String(r));
  return <Note tone="warn">Unverified: {reasons.map(say).join("; ")}.</Note>;
}

/** A call read from the network log (a worker's): where it came from, and what it cannot show. */
function NetworkLine({ span }: { span: SpanRecord }) {
  if (span.attributes["llm_trace.capture.source"] !== "network") return null;
  const initiator = span.attributes["llm_trace.initiator.url"];
  return (
    <Note>
      From {typeof initiator === "string" && initiator ? <code>{initiator}</code> : "a worker"}, read from the browser's network log (DevTools was open):
      its body arrived whole, so it has no time to first token.
    </Note>
  );
}

export function DetailHeader({ span, exchange, children }: { span: SpanRecord; exchange: Exchange | null | undefined; children?: ComponentChildren }) {
  const a = span.attributes;
  const model = a["gen_ai.response.model"] ?? a["gen_ai.request.model"];
  // A plain http span's server is already in its name and URL: only recognised work names one here.
  const provider = span.kind === "http" ? undefined : providerLabel(a);
  const meta = [model, provider, formatClock(span.startTime)].filter((v) => v !== undefined).map(String);
  return (
    <header class="dt-head">
      <div class="dt-head-main">
        <span class={`dt-kind dt-kind-${span.kind}`}>{span.kind}</span>
        <h2 class="dt-title" title={span.name}>
          {span.name}
        </h2>
        <span class={`dt-status dt-status-${span.endTime === undefined ? "pending" : span.status}`}>{statusLabel(span)}</span>
        <span class="dt-duration">{span.endTime !== undefined ? formatDuration(span.endTime - span.startTime) : ""}</span>
        {/* Keyed: a "Copied" confirmation belongs to the span it was given for. */}
        <CopyActions key={span.spanId} span={span} exchange={exchange} />
        {children}
      </div>
      <div class="dt-head-meta dt-muted">{meta.join(" · ")}</div>
      <ErrorLine span={span} />
      <UnverifiedLine span={span} />
      <NetworkLine span={span} />
    </header>
  );
}
