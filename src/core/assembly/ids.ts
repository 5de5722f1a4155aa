/**
 * Deterministic ids for spans the assembler synthesizes. Assembly runs again on every commit
 * over its own previous output, so a synthesized span must get the same id every time: ids are
 * hashes of the source ids they stand for (an interaction, a mark, a tool call, the first span
 * of a group), never random. 64-bit FNV-1a over the UTF-8 bytes, in two 32-bit halves so it
 * stays in plain number arithmetic.
 */
import { isSpanId } from "../contract";

const encoder = new TextEncoder();

/** FNV-1a 64-bit of `text`, as 16 lowercase hex digits. */
export function fnv1a64(text: string): string {
  // offset basis 0xcbf29ce484222325
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  // Keys are ASCII ids in practice: hash their code units directly, UTF-8 encode anything else.
  const bytes: ArrayLike<number> = /^[\x00-\x7f]*$/.test(text) ? { length: text.length } : encoder.encode(text);
  const ascii = !(bytes instanceof Uint8Array);
  for (let i = 0; i < bytes.length; i++) {
    const byte = ascii ? text.charCodeAt(i) : bytes[i]!;
    lo = (lo ^ byte) >>> 0;
    // multiply by the FNV prime 0x100000001b3 = 2^40 + 0x1b3, modulo 2^64
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = newLo;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

/** Assembly hashes the same ids on every run over a window: the recent ones are remembered. */
const MAX_REMEMBERED = 50_000;
const hashes = new Map<string, string>();

/**
 * FNV-1a mixes the last bytes of its input into few high bits, so keys differing only at the end
 * (ids from one counter) would give ids with the same first digits. Hashing the key followed by
 * its reverse spreads every byte over all digits.
 */
function hashKey(key: string): string {
  let id = hashes.get(key);
  if (id === undefined) {
    id = fnv1a64(`${key}\u0000${[...key].reverse().join("")}`);
    if (hashes.size >= MAX_REMEMBERED) hashes.clear();
    hashes.set(key, id);
  }
  return id;
}

/** A valid (non-zero) 16-hex span id derived from `key`. */
export function hashSpanId(key: string): string {
  const id = hashKey(key);
  return isSpanId(id) ? id : hashKey(`${key}#`);
}

/** The span id of a synthesized span standing for a source record: the record's id when it is one. */
export function sourceSpanId(kind: string, sourceId: string): string {
  return isSpanId(sourceId) ? sourceId : hashSpanId(`${kind}:${sourceId}`);
}

/** The 32-hex trace id of the trace rooted at `rootSpanId`. */
export function traceIdFor(rootSpanId: string): string {
  return hashKey(`trace:${rootSpanId}`) + hashKey(`trace-low:${rootSpanId}`);
}
