/** Small readers shared by both HAR import paths: the standard fields every HAR has. */
import type { Header } from "../contract";
import { isObj, type Obj } from "../providers";
import { redactHeaders } from "../redaction";

/**
 * HAR name/value headers as ours, secrets redacted (an imported file is stored like a capture,
 * and Chrome's own exports carry Authorization and cookies verbatim). HTTP/2 pseudo-headers
 * (":authority", ":path"...) are dropped: the page never sees them, so captures never have them.
 */
export function readHeaders(v: unknown): Header[] {
  if (!Array.isArray(v)) return [];
  const out: Header[] = [];
  for (const h of v) {
    if (!isObj(h) || typeof h.name !== "string" || h.name.startsWith(":")) continue;
    const value = typeof h.value === "string" ? h.value : typeof h.value === "number" || typeof h.value === "boolean" ? String(h.value) : undefined;
    if (value !== undefined) out.push([h.name, value]);
  }
  return redactHeaders(out);
}

export const objOr = (v: unknown): Obj => (isObj(v) ? v : {});
