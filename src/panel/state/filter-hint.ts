/** A hint under the filter when it names a key the filter language does not have (pure). */
import { QUERY_KEYS, unknownKeys } from "../../core/query";

/** Edit distance, for keys of a few letters. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

/** The key a typo most likely meant: "models" model, "stat" status, "provder" provider. */
function meant(key: string): string | undefined {
  const close = QUERY_KEYS.filter((k) => (key.length >= 2 && (k.startsWith(key) || key.startsWith(k))) || distance(key, k) <= (k.length > 4 ? 2 : 1));
  return close.length === 1 ? close[0] : undefined;
}

export function filterHint(query: string): string | undefined {
  const unknown = unknownKeys(query);
  if (unknown.length === 0) return undefined;
  const keys = unknown.map((k) => `${k}:`).join(", ");
  const guess = unknown.length === 1 ? meant(unknown[0]!) : undefined;
  return `Unknown key${unknown.length > 1 ? "s" : ""} ${keys} (searched as text) — ${guess ? `did you mean ${guess}:? Keys:` : "try"} ${QUERY_KEYS.map((k) => `${k}:`).join(", ")}`;
}
