/** The Request and Response tabs: the stored HTTP exchange behind a span. */
import type { ComponentChildren } from "preact";
import { useMemo } from "preact/hooks";
import { responseText, type CapturedBody, type Exchange } from "../../../core/contract";
import { formatBytes, formatClock } from "../../format";
import { streamView } from "../../detail-model/stream";
import { BodyView } from "./BodyView";
import { HeadersTable } from "./HeadersTable";
import { RedactedText } from "./RedactedText";
import { KeyValues, Note, Section } from "./Section";
import { StreamEventsView } from "./StreamEventsView";

/** Loading and "not stored" states shared by both tabs; the exchange otherwise. */
function WithExchange({ exchange, render }: { exchange: Exchange | null | undefined; render(ex: Exchange): ComponentChildren }) {
  if (exchange === undefined) return <Note>Loading the request data…</Note>;
  if (exchange === null) return <Note>The HTTP data of this span is not stored (it was removed by retention, or never recorded).</Note>;
  return <>{render(exchange)}</>;
}

/** What the body text does not show: cut at the cap, not recorded at all, a content type dropped. */
function BodyNotes({ body }: { body: CapturedBody | undefined }) {
  if (!body) return null;
  return (
    <>
      {body.mimeTypeDropped && <Note tone="warn">The content type given for this body was not a valid media type and was dropped.</Note>}
      <CaptureNote body={body} />
    </>
  );
}

function CaptureNote({ body }: { body: CapturedBody }) {
  if (body.omitted) {
    const why = { binary: "binary content", stream: "a streamed request body, which cannot be read without consuming it", policy: "capture settings", "fast-path": "a request that did not look like model, retrieval or tool work (metadata only)" }[body.omitted];
    const what = [body.mimeType, body.size !== undefined ? formatBytes(body.size) : undefined].filter(Boolean).join(", ");
    return <Note tone="warn">Body not recorded: {why}{what ? ` (${what})` : ""}.</Note>;
  }
  if (body.truncated) return <Note tone="warn">Truncated at the capture limit: showing the first part of a {formatBytes(body.size)} body.</Note>;
  return null;
}

function statusText(ex: Exchange): string {
  if (ex.response) return `${ex.response.status} ${ex.response.statusText}`.trim();
  if (ex.outcome && ex.outcome.state !== "ok") return `${ex.outcome.state}${ex.outcome.errorName ? `: ${ex.outcome.errorName}` : ""}`;
  return "pending";
}

const SENT_WITH: Record<Exchange["transport"], string> = { fetch: "fetch()", xhr: "XMLHttpRequest", websocket: "WebSocket", eventsource: "EventSource", webrtc: "an RTCDataChannel" };

function General({ ex }: { ex: Exchange }) {
  return (
    <KeyValues
      rows={[
        ["Request URL", <RedactedText text={ex.request.url} />],
        ["Request method", ex.request.method],
        ["Status", <span class={ex.response && ex.response.status >= 400 ? "dt-error-text" : ""}>{statusText(ex)}</span>],
        ex.response?.url !== undefined && ex.response.url !== ex.request.url && ["Final URL", <RedactedText text={ex.response.url} />],
        ["Sent with", SENT_WITH[ex.transport], true],
        ["Started", formatClock(ex.timing.start)],
        ex.pageUrl !== undefined && ["Page", <RedactedText text={ex.pageUrl} />],
      ]}
    />
  );
}

export function RequestTab({ exchange }: { exchange: Exchange | null | undefined }) {
  return (
    <WithExchange
      exchange={exchange}
      render={(ex) => (
        <>
          <Section title="General">
            <General ex={ex} />
          </Section>
          <Section title="Request headers" aside={ex.request.headers.length}>
            <HeadersTable headers={ex.request.headers} />
          </Section>
          <Section title="Request body" aside={ex.request.body?.size !== undefined ? formatBytes(ex.request.body.size) : undefined}>
            <BodyNotes body={ex.request.body} />
            {ex.request.body?.text ? <BodyView text={ex.request.body.text} /> : !ex.request.body?.omitted && <Note>No body.</Note>}
          </Section>
        </>
      )}
    />
  );
}

function ResponseBody({ ex }: { ex: Exchange }) {
  const stream = useMemo(() => streamView(ex), [ex]);
  const text = useMemo(() => (stream ? "" : responseText(ex)), [ex, stream]);
  if (stream) return <StreamEventsView exchange={ex} view={stream} />;
  if (text !== "") return <BodyView text={text} />;
  return ex.response?.body?.omitted ? null : <Note>{ex.outcome ? "Empty body." : "No body received yet."}</Note>;
}

export function ResponseTab({ exchange }: { exchange: Exchange | null | undefined }) {
  return (
    <WithExchange
      exchange={exchange}
      render={(ex) => (
        <>
          {ex.outcome && ex.outcome.state !== "ok" && (
            <Note tone="error">
              The call ended with {ex.outcome.state === "abort" ? "an abort" : ex.outcome.state === "timeout" ? "a timeout" : "an error"}
              {ex.outcome.errorName ? `: ${ex.outcome.errorName}` : ""}
              {ex.outcome.errorMessage ? ` — ${ex.outcome.errorMessage}` : ""}
            </Note>
          )}
          {!ex.response ? (
            <Note>{ex.outcome ? "No response was received." : "Waiting for the response headers…"}</Note>
          ) : (
            <>
              <Section title="Response headers" aside={`${ex.response.status} ${ex.response.statusText}`.trim()}>
                <HeadersTable headers={ex.response.headers} />
              </Section>
              <Section title="Response body" aside={ex.response.body?.size !== undefined ? formatBytes(ex.response.body.size) : undefined}>
                <BodyNotes body={ex.response.body} />
                <ResponseBody ex={ex} />
              </Section>
            </>
          )}
        </>
      )}
    />
  );
}
