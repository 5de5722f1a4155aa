/**
 * Secrets are removed before anything is stored: credential headers, cookies and key-like
 * URL parameters. A redacted value reads `[REDACTED:reason]` so the panel can show that
 * something was there (an auth scheme such as "Bearer" is kept: it helps debugging and is
 * not secret).
 */
import type { Header } from "./exchange";
import type { ExchangeRecord } from "./ingest";

const SECRET_HEADERS = new Map<string, string>([
  ["authorization", "authorization"],
  ["proxy-authorization", "authorization"],
  ["x-api-key", "api-key"],
  ["api-key", "api-key"],
  ["x-goog-api-key", "api-key"],
  ["cookie", "cookie"],
  ["set-cookie", "cookie"],
]);

/** Query parameters that carry keys or tokens (Gemini's ?key=, OAuth access tokens...). */
const SECRET_PARAMS = new Set(["key", "api_key", "apikey", "api-key", "access_token", "token", "x-goog-api-key"]);

export const redactedMark = (reason: string): string => `[REDACTED:${reason}]`;

export function isRedacted(value: string): boolean {
  return value.includes("[REDACTED:");
}

export function redactHeaders(headers: readonly Header[]): Header[] {
  return headers.map(([name, value]): Header => {
    const reason = SECRET_HEADERS.get(name.toLowerCase());
    if (!reason || isRedacted(value)) return [name, value];
    const scheme = reason === "authorization" ? /^(\w+)\s+\S/.exec(value)?.[1] : undefined;
    return [name, scheme ? `${scheme} ${redactedMark(reason)}` : redactedMark(reason)];
  });
}

/** Redacts secret query parameters, keeping the rest of the URL byte for byte. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const hash = url.indexOf("#", q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  let changed = false;
  const parts = query.split("&").map((part) => {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, " "));
    } catch {
      // keep the raw name
    }
    if (eq < 0 || !SECRET_PARAMS.has(decoded.toLowerCase()) || isRedacted(decodeURIComponentSafe(part.slice(eq + 1)))) return part;
    changed = true;
    return `${name}=${encodeURIComponent(redactedMark("api-key"))}`;
  });
  if (!changed) return url;
  return url.slice(0, q + 1) + parts.join("&") + (hash < 0 ? "" : url.slice(hash));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The exchange as it may be stored. */
export function redactExchange(ex: ExchangeRecord): ExchangeRecord {
  return {
    ...ex,
    ...(ex.pageUrl !== undefined ? { pageUrl: redactUrl(ex.pageUrl) } : {}),
    request: { ...ex.request, url: redactUrl(ex.request.url), headers: redactHeaders(ex.request.headers) },
    ...(ex.response
      ? {
          response: {
            ...ex.response,
            headers: redactHeaders(ex.response.headers),
            ...(ex.response.url !== undefined ? { url: redactUrl(ex.response.url) } : {}),
          },
        }
      : {}),
  };
}
