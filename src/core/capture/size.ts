/**
 * About how many bytes a JSON-like value weighs: a byte per character of its strings (what
 * dominates: bodies, URLs, headers) and a few for every other value. Cheap (no serialisation),
 * for limits and budgets, not for accounting. Recursive: for values of bounded depth only.
 */
export function approximateBytes(v: unknown): number {
  if (typeof v === "string") return v.length;
  if (Array.isArray(v)) {
    let n = 8;
    for (let i = 0; i < v.length; i++) n += approximateBytes(v[i]);
    return n;
  }
  if (typeof v === "object" && v !== null) {
    let n = 8;
    for (const [key, value] of Object.entries(v)) n += key.length + approximateBytes(value);
    return n;
  }
  return 8;
}
