/**
 * "Copy as cURL" and "Copy as fetch" of a stored request. Pure, so the quoting is unit-tested.
 *
 * The request is the one stored: secrets were already replaced by `[REDACTED:reason]` at
 * capture, and those placeholders stay in the copy so it is obvious what to fill in.
 * The body is copied byte for byte (not re-formatted): a replay should send what the page sent.
 */
import type { CapturedBody, Header } from "../../core/exchange";

export interface StoredRequest {
  method: string;
  url: string;
  headers: readonly Header[];
  body?: CapturedBody;
}

/** Headers the HTTP client sets itself: copying them would only produce wrong values. */
const CLIENT_HEADERS = new Set(["content-length", "host", "connection", "transfer-encoding"]);

function copiedHeaders(headers: readonly Header[]): Header[] {
  return headers.filter(([name]) => !name.startsWith(":") && !CLIENT_HEADERS.has(name.toLowerCase()));
}

/** Why the copy cannot carry the body as the page sent it, if so. */
function bodyWarning(body: CapturedBody | undefined): string | undefined {
  if (!body) return undefined;
  if (body.omitted) return `the request body (${body.omitted}${body.mimeType ? `, ${body.mimeType}` : ""}) was not recorded and is missing here`;
  if (body.truncated) return `the request body was cut at the capture limit${body.size !== undefined ? ` (it had ${body.size} bytes)` : ""}; this copy is incomplete`;
  return undefined;
}

const hasBody = (body: CapturedBody | undefined): body is CapturedBody & { text: string } => typeof body?.text === "string" && body.text !== "";

/**
 * One bash word for `value`: single quotes when possible; ANSI-C $'...' when the value holds
 * control characters (newlines included), so a pasted command never spans lines
 * unexpectedly or carries invisible bytes. A NUL byte cannot be passed to a program at all;
 * it is written as \x00 and bash stops the word there, as any shell would.
 */
export function shellQuote(value: string): string {
  if (!/[\x00-\x1f\x7f]/.test(value)) return `'${value.replace(/'/g, `'\\''`)}'`;
  let out = "$'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === "'") out += "\\'";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}'`;
}

export function toCurl(request: StoredRequest): string {
  const method = request.method.toUpperCase();
  const body = hasBody(request.body) ? request.body.text : undefined;
  const args = [`curl ${shellQuote(request.url)}`];
  // curl sends GET without a body and POST with one; any other combination needs -X.
  if (!(method === "GET" && body === undefined) && !(method === "POST" && body !== undefined)) args.push(`-X ${shellQuote(method)}`);
  for (const [name, value] of copiedHeaders(request.headers)) args.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (body !== undefined) args.push(`--data-raw ${shellQuote(body)}`);
  const warning = bodyWarning(request.body);
  return `${warning ? `# Note: ${warning}.\n` : ""}${args.join(" \\\n  ")}`;
}

export function toFetch(request: StoredRequest): string {
  const method = request.method.toUpperCase();
  // fetch() joins repeated headers with ", " itself; an object literal cannot repeat a key.
  const headers: Record<string, string> = {};
  for (const [name, value] of copiedHeaders(request.headers)) headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  const init: Record<string, unknown> = {};
  if (method !== "GET") init.method = method;
  if (Object.keys(headers).length > 0) init.headers = headers;
  if (hasBody(request.body) && method !== "GET" && method !== "HEAD") init.body = request.body.text;
  const warning = bodyWarning(request.body);
  // JSON string literals are valid JavaScript string literals (ES2019+), escapes included.
  const args = Object.keys(init).length > 0 ? `${JSON.stringify(request.url)}, ${JSON.stringify(init, null, 2)}` : JSON.stringify(request.url);
  return `${warning ? `// Note: ${warning}.\n` : ""}await fetch(${args});`;
}
