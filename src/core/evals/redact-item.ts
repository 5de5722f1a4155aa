/**
 * An item redacted before it is stored (docs/DESIGN.md, "Datasets"), as an imported trace file
 * is: items made from stored spans were redacted at capture already, but an imported dataset
 * file is anyone's text. The request goes through the exchange rules (URL parameters, JSON
 * fields named like secrets, key shapes, the user's patterns); every other string of the item
 * through the body rules.
 */
import type { Exchange } from "../contract";
import type { Redactor } from "../redaction";
import type { DatasetItem } from "./item";

function strings<T>(value: T, redact: (s: string) => string, depth = 0): T {
  if (typeof value === "string") return redact(value) as T;
  if (depth > 64 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => strings(v, redact, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = strings(v, redact, depth + 1);
  return out as T;
}

export function redactItem(item: DatasetItem, redactor: Redactor): DatasetItem {
  const text = (s: string) => redactor.text(s, "bodies");
  let request = item.request;
  if (request) {
    const ex: Exchange = {
      id: item.id, transport: "fetch", timing: { start: 0 }, chunks: [],
      request: { url: request.url, method: request.method, headers: [["content-type", "application/json"]], body: { text: request.body, size: request.body.length, mimeType: "application/json" } },
    };
    const redacted = redactor.exchange(ex).request;
    request = { ...request, url: redacted.url, body: redacted.body?.text ?? "" };
  }
  return {
    id: item.id,
    input: strings(item.input, text),
    expected: strings(item.expected, text),
    metadata: strings(item.metadata, text),
    ...(request ? { request } : {}),
  };
}
