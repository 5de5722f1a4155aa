/**
 * The app a set of spans was recorded on, as `host[:port]`: what OTel's `service.name` names
 * (the service being traced, docs/DESIGN.md "Trace files") and what export file names start with.
 * Spans do not all carry their page: an interaction root does (`llm_trace.page.url`); otherwise
 * a request to a host that is no model provider's is taken to be the app's own backend.
 */
import { providerForUrl } from "../providers";
import type { Span } from "../contract";

function urlOf(value: unknown): URL | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  try {
    const url = new URL(value);
    return url.host ? url : undefined;
  } catch {
    return undefined;
  }
}

export function pageHostOf(spans: readonly Span[]): string | undefined {
  for (const s of spans) {
    const page = urlOf(s.attributes["llm_trace.page.url"]);
    if (page) return page.host;
  }
  for (const s of spans) {
    const url = urlOf(s.attributes["url.full"]);
    if (url && providerForUrl(url) === undefined) return url.host;
  }
  return undefined;
}
