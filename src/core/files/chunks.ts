/**
 * The `_chunkTimes` field of a HAR entry: when each piece of the response body reached the page and
 * how long it was, so that import restores the exact chunks (and with them time to first chunk
 * and the streaming waterfall) from the body text that `response.content.text` already holds.
 *
 * Encoding: one string, `"<ms>:<length> <ms>:<length> ..."`, where <ms> is the arrival time minus
 * the exchange start and <length> counts UTF-16 code units (JavaScript string length), which
 * splits the text exactly even where a chunk boundary falls inside a surrogate pair. A string is
 * used rather than an array of objects because a long stream has thousands of chunks and an
 * indented array would take several lines for each.
 *
 * Exactness: both times are close together, so `time - start` is computed without rounding
 * (Sterbenz lemma) and `start + delta` gives back `time` bit for bit. The encoder checks this
 * anyway and writes the absolute time as `=<ms>:<length>` in the rare case it does not hold.
 */
import type { Chunk } from "../contract";

export function encodeChunks(chunks: readonly Chunk[], start: number): string {
  const parts: string[] = [];
  for (const c of chunks) {
    const delta = c.time - start;
    const exact = Number.isFinite(delta) && start + Number(String(delta)) === c.time;
    parts.push(`${exact ? String(delta) : `=${String(c.time)}`}:${c.text.length}`);
  }
  return parts.join(" ");
}

/** The chunks again, or a sentence saying why `encoded` does not fit `text`. */
export function decodeChunks(encoded: string, text: string, start: number): Chunk[] | string {
  if (encoded === "") return "empty chunk list";
  const chunks: Chunk[] = [];
  let offset = 0;
  for (const token of encoded.split(" ")) {
    const colon = token.lastIndexOf(":");
    const timePart = token.slice(0, colon);
    const lengthPart = token.slice(colon + 1);
    if (colon <= 0 || !/^\d+$/.test(lengthPart)) return `malformed chunk "${token.slice(0, 40)}"`;
    const absolute = timePart.startsWith("=");
    const t = Number(absolute ? timePart.slice(1) : timePart);
    if (!Number.isFinite(t) || timePart === "" || timePart === "=") return `malformed chunk time "${timePart.slice(0, 40)}"`;
    const length = Number(lengthPart);
    if (offset + length > text.length) return `chunk lengths exceed the body (${text.length} characters)`;
    chunks.push({ time: absolute ? t : start + t, text: text.slice(offset, offset + length) });
    offset += length;
  }
  if (offset !== text.length) return `chunk lengths cover ${offset} of ${text.length} body characters`;
  return chunks;
}
