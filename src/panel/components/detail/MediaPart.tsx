/**
 * An image, audio or file part of a message: what it is and how large, then the thing itself
 * when the panel holds it. Inline images are thumbnails that open full size in the panel; audio
 * plays in an <audio> element. Both come from bytes whose type the panel checked, through a
 * blob: URL (the panel's CSP allows blob: and data: images and media, nothing remote). A remote
 * image is an address: shown, and opened in a new browser tab only when the user asks.
 */
import { createContext } from "preact";
import { useContext, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Exchange } from "../../../core/contract";
import { decodeBase64, formatBytes, mediaOf, payloadOf, pcmDuration, playable } from "../../detail-model/media";
import type { MediaView, Playable } from "../../detail-model/media";
import type { Part } from "../../detail-model/messages";
import { TruncatedText } from "./TruncatedText";

/**
 * The exchange of the span whose messages are shown, where shortened payloads are found again.
 * Absent in views of several spans (the conversation), where a part says to open its span.
 */
export const SpanExchange = createContext<{ exchange: Exchange | null | undefined } | undefined>(undefined);

const KIND_LABEL: Record<string, string> = { image: "Image", audio: "Audio", video: "Video", document: "File" };

function useObjectUrl(media: Playable | undefined): string | undefined {
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!media || media.as === "none") return setUrl(undefined);
    const made = URL.createObjectURL(new Blob([media.bytes as BlobPart], { type: media.mime }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [media]);
  return url;
}

function ImageView({ url, alt }: { url: string; alt: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [size, setSize] = useState<string | undefined>(undefined);
  return (
    <>
      <button type="button" class="dt-thumb" title="Show full size" onClick={() => dialog.current?.showModal()}>
        <img src={url} alt={alt} onLoad={(e) => setSize(`${e.currentTarget.naturalWidth}×${e.currentTarget.naturalHeight}`)} />
      </button>
      {size !== undefined && <span class="dt-muted dt-media-dims">{size}</span>}
      <dialog ref={dialog} class="dt-lightbox" aria-label="Image, full size" onClick={() => dialog.current?.close()}>
        <img src={url} alt={alt} />
        <span class="dt-muted">Click or press Esc to close</span>
      </dialog>
    </>
  );
}

/** The payload on screen, once it is known to be an image or audio the panel may show. */
function Inline({ view, data }: { view: MediaView; data: string | Uint8Array }) {
  const media = useMemo<Playable>(() => {
    const bytes = typeof data === "string" ? decodeBase64(data) : data;
    return bytes ? playable(view, bytes) : { as: "none", why: "the payload is not valid base64" };
  }, [view, data]);
  const url = useObjectUrl(media);
  if (media.as === "none") return <span class="dt-muted">Not shown: {media.why}.</span>;
  if (!url) return null;
  if (media.as === "image") return <ImageView url={url} alt={`${view.kind} (${media.mime})`} />;
  return <audio class="dt-audio" controls preload="metadata" src={url} aria-label={`Audio (${media.mime})`} />;
}

const MISSING: Record<string, string> = {
  cap: "Not shown: the body holding it was larger than the body cap and was cut (Settings → Storage).",
  "not-recorded": "Not shown: the body holding it was not recorded.",
  "not-found": "Not shown: its data was not found in the recorded body.",
};

function Payload({ view, inInput }: { view: MediaView; inInput: boolean }) {
  const source = useContext(SpanExchange);
  const exchange = source?.exchange;
  // Searching a body of megabytes: once per exchange, not on every render.
  const result = useMemo(() => (source ? payloadOf(view, exchange, inInput) : undefined), [view, exchange, inInput, source !== undefined]);
  if (view.data !== undefined) return <Inline view={view} data={view.data} />;
  if (!result) return <span class="dt-muted">Open this call's span to see it.</span>;
  if (result.state === "loading") return <span class="dt-muted">Loading…</span>;
  if (result.state === "missing") return <span class="dt-muted">{MISSING[result.why]}</span>;
  return <Inline view={view} data={"bytes" in result ? result.bytes : result.data} />;
}

const isWeb = (url: string) => /^https?:\/\//i.test(url);

export function MediaPart({ part, inInput }: { part: Part; inInput: boolean }) {
  const view = useMemo(() => mediaOf(part), [part]);
  return (
    <div class={`dt-media dt-media-${view.kind}`}>
      <div class="dt-media-head">
        <span class="dt-tool-kind">{KIND_LABEL[view.kind] ?? view.kind}</span>
        {view.mime !== undefined && <span class="dt-mono dt-muted">{view.mime}</span>}
        {view.bytes !== undefined && <span class="dt-muted">{formatBytes(view.bytes)}</span>}
        {view.kind === "audio" && pcmDuration(view.mime, view.bytes) !== undefined && <span class="dt-muted">{pcmDuration(view.mime, view.bytes)}</span>}
        {view.source === "remote" && <span class="dt-muted">at a remote address, not loaded</span>}
        {view.source === "file" && <span class="dt-muted">uploaded file</span>}
      </div>
      {view.source === "inline" && (view.kind === "image" || view.kind === "audio") && <Payload view={view} inInput={inInput} />}
      {view.source === "inline" && view.kind !== "image" && view.kind !== "audio" && <span class="dt-muted">Inline data, not shown.</span>}
      {view.url !== undefined && (
        <span class="dt-media-url">
          <span class="dt-mono dt-media-ref">{view.url.length > 300 ? `${view.url.slice(0, 300)}…` : view.url}</span>
          {isWeb(view.url) && (
            <button type="button" class="dt-link" onClick={() => window.open(view.url, "_blank", "noopener,noreferrer")} title="Opens the address in a new browser tab">
              Open in a new tab
            </button>
          )}
        </span>
      )}
      {view.fileId !== undefined && <span class="dt-mono dt-media-ref">{view.fileId}</span>}
      {view.transcript !== undefined && (
        <div class="dt-transcript-text">
          <span class="dt-tool-kind">Transcript</span>
          <TruncatedText text={view.transcript} />
        </div>
      )}
    </div>
  );
}
