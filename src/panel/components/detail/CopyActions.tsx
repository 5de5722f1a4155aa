/** Copy as cURL / as fetch / the span as JSON, with a short "Copied" confirmation. */
import { useEffect, useState } from "preact/hooks";
import type { Exchange, SpanRecord } from "../../../core/contract";
import { toCurl, toFetch } from "../../detail-model/curl";
import { copyText } from "./clipboard";

type What = "curl" | "fetch" | "json";

function CopyButton({ label, title, text, disabled }: { label: string; title: string; text: () => string; disabled?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), 1500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button type="button" class="dt-copy" aria-label={title} title={disabled ?? title} disabled={disabled !== undefined} onClick={async () => setState((await copyText(text())) ? "copied" : "failed")}>
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}
    </button>
  );
}

export function CopyActions({ span, exchange }: { span: SpanRecord; exchange: Exchange | null | undefined }) {
  const noRequest = !span.exchangeId ? "This span has no HTTP request of its own"
    : exchange === undefined ? "Loading the request…" : exchange === null ? "The request data is no longer stored" : undefined;
  const build = (what: What) => () => (what === "json" ? JSON.stringify(span, null, 2) : what === "curl" ? toCurl(exchange!.request) : toFetch(exchange!.request));
  return (
    <span class="dt-actions" role="group" aria-label="Copy">
      <span class="dt-muted" aria-hidden="true">Copy</span>
      <CopyButton label="cURL" title="Copy as cURL for bash (secrets stay redacted)" text={build("curl")} {...(noRequest !== undefined && { disabled: noRequest })} />
      <CopyButton label="fetch" title="Copy as fetch (secrets stay redacted)" text={build("fetch")} {...(noRequest !== undefined && { disabled: noRequest })} />
      <CopyButton label="JSON" title="Copy the span as JSON" text={build("json")} />
    </span>
  );
}
