/**
 * "Copy as cURL" and "Copy as fetch" of a stored request. Pure, so the quoting is unit-tested.
 *
 * The request is the one stored: secrets were already replaced by `[REDACTED:reason]` at
 * capture, and those placeholders stay in the copy so it is obvious what to fill in.
 * The body is copied byte for byte (not re-formatted): a replay should send what the page sent.
 */
import type { CapturedBody, Header } from "../../core/contract";
import { isMediaType } from "../../core/capture";

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

const OMITTED: Record<NonNullable<CapturedBody["omitted"]>, string> = { binary: "binary", stream: "streamed", policy: "left out by the capture settings", "fast-path": "not recorded (metadata only)" };

/**
 * Why the copy cannot carry the body as the page sent it, if so. Built only from words of ours
 * and values checked to be what they claim: the note is a line of the copied code, and the body
 * came from a page or a shared file (a "media type" of `x/y\ntouch /tmp/pwned #` is a command).
 */
function bodyWarning(body: CapturedBody | undefined): string | undefined {
  if (!body) return undefined;
  const size = Number.isSafeInteger(body.size) && body.size! >= 0 ? body.size : undefined;
  if (body.omitted) {
    const what = [Object.hasOwn(OMITTED, body.omitted) ? OMITTED[body.omitted] : "not captured", isMediaType(body.mimeType) ? body.mimeType : undefined];
    return `the request body (${what.filter(Boolean).join(", ")}) was not recorded and is missing here`;
  }
  if (body.truncated) return `the request body was cut at the capture limit${size !== undefined ? ` (it had ${size} bytes)` : ""}; this copy is incomplete`;
  return undefined;
}

/**
 * The text of a comment line: the checks above keep line ends out, and this keeps them out of
 * whatever is added later (a line end would end the comment and start a command).
 */
const commentText = (text: string): string => text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, " ");

const hasBody = (body: CapturedBody | undefined): body is CapturedBody & { text: string } => typeof body?.text === "string" && body.text !== "";

/**
 * Characters that are written as escapes rather than as themselves: controls (C0, DEL, C1),
 * the JavaScript line separators, and the invisible ones that reorder or hide text (bidi
 * controls, zero-width characters). A copied command shows what it sends and stays on its lines.
 */
const ESCAPED = /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const hex2 = (n: number): string => n.toString(16).padStart(2, "0");
const utf8 = new TextEncoder();

/**
 * One bash word for `value`: single quotes when possible; ANSI-C $'...' when the value holds a
 * character of ESCAPED, each written as its UTF-8 bytes, so a pasted command never spans lines
 * unexpectedly or carries invisible bytes (and the bytes sent are those of the original). A NUL
 * byte cannot be passed to a program at all; it is written as \x00 and bash stops the word
 * there, as any shell would.
 */
export function shellQuote(value: string): string {
  if (value.search(ESCAPED) < 0) return `'${value.replace(/'/g, `'\\''`)}'`;
  let out = "$'";
  for (const ch of value) {
    if (ch === "\\") out += "\\\\";
    else if (ch === "'") out += "\\'";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch.search(ESCAPED) === 0) for (const byte of utf8.encode(ch)) out += `\\x${hex2(byte)}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A JavaScript string literal: JSON's, with the characters of ESCAPED written as \\u escapes too. */
function jsString(value: string): string {
  return JSON.stringify(value).replace(ESCAPED, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A property name in an object literal; `__proto__: v` would set the prototype, not a property. */
const jsKey = (name: string): string => (name === "__proto__" ? `[${jsString(name)}]` : jsString(name));

/** curl would read a URL that starts with "-" as an option, and expands [] and {} in URLs. */
function curlUrl(url: string): string {
  const options = [...(/[[\]{}]/.test(url) ? ["--globoff"] : []), ...(url.startsWith("-") ? ["--url"] : [])];
  return [...options, shellQuote(url)].join(" ");
}

export function toCurl(request: StoredRequest): string {
  const method = request.method.toUpperCase();
  const body = hasBody(request.body) ? request.body.text : undefined;
  const args = [`curl ${curlUrl(request.url)}`];
  // curl sends GET without a body and POST with one; any other combination needs -X.
  if (!(method === "GET" && body === undefined) && !(method === "POST" && body !== undefined)) args.push(`-X ${shellQuote(method)}`);
  for (const [name, value] of copiedHeaders(request.headers)) args.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (body !== undefined) args.push(`--data-raw ${shellQuote(body)}`);
  const warning = bodyWarning(request.body);
  return `${warning ? `# Note: ${commentText(warning)}.\n` : ""}${args.join(" \\\n  ")}`;
}

export function toFetch(request: StoredRequest): string {
  const method = request.method.toUpperCase();
  // fetch() joins repeated headers with ", " itself; an object literal cannot repeat a key.
  const headers = new Map<string, string>();
  for (const [name, value] of copiedHeaders(request.headers)) headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  const fields: string[] = [];
  if (method !== "GET") fields.push(`  "method": ${jsString(method)},`);
  if (headers.size > 0) fields.push(`  "headers": {\n${[...headers].map(([name, value]) => `    ${jsKey(name)}: ${jsString(value)},`).join("\n")}\n  },`);
  if (hasBody(request.body) && method !== "GET" && method !== "HEAD") fields.push(`  "body": ${jsString(request.body.text)},`);
  const warning = bodyWarning(request.body);
  const args = fields.length > 0 ? `${jsString(request.url)}, {\n${fields.join("\n")}\n}` : jsString(request.url);
  return `${warning ? `// Note: ${commentText(warning)}.\n` : ""}await fetch(${args});`;
}
