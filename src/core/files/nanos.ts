/**
 * Milliseconds (fractional, as spans keep them) <-> OTLP's nanoseconds since the epoch as a
 * decimal string. Multiplying by 1e6 in floating point would not do: epoch nanoseconds (~1.7e18)
 * are far above 2^53, so `ms * 1e6` rounds to a multiple of 256 ns and prints digits the clock
 * never produced. Instead the decimal digits of the ms value (its shortest round-trip form, the
 * one a person reads) are shifted by six places, so 1700000000300.123 ms is exactly
 * "1700000000300123000" ns, and parsing that back yields the very same double.
 */

/** OTLP times are fixed64: the largest value, reached at ~2554 AD. */
const MAX_UNIX_NANOS = "18446744073709551615";
const MAX_MS = 18446744073709.551615;

/** ns since the epoch, as an unsigned decimal integer string (out-of-range times are clamped). */
export function msToUnixNanos(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "0";
  if (ms >= MAX_MS) return MAX_UNIX_NANOS;
  // String(ms) is either plain decimal or, for very large/small values, d.ddde±x.
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(ms));
  if (!m) return "0";
  let digits = m[1]! + (m[2] ?? "");
  // Position of the decimal point in `digits`, then moved 6 places right for ms -> ns.
  let point = m[1]!.length + Number(m[3] ?? 0) + 6;
  if (point <= 0) return point === 0 && digits[0]! >= "5" ? "1" : "0";
  if (point >= digits.length) digits = digits.padEnd(point, "0");
  const integer = digits.slice(0, point);
  const roundUp = (digits[point] ?? "0") >= "5";
  const ns = roundUp ? incrementDecimal(integer) : integer;
  return ns.replace(/^0+(?=\d)/, "");
}

function incrementDecimal(s: string): string {
  const d = s.split("");
  let i = d.length - 1;
  while (i >= 0 && d[i] === "9") d[i--] = "0";
  if (i < 0) return "1" + d.join("");
  d[i] = String(Number(d[i]) + 1);
  return d.join("");
}

/** ms since the epoch from an OTLP time: a decimal string (or a number, as some exporters write). */
export function unixNanosToMs(ns: unknown): number | undefined {
  if (typeof ns === "number") return Number.isFinite(ns) && ns >= 0 ? ns / 1e6 : undefined;
  if (typeof ns !== "string" || !/^\d{1,30}$/.test(ns)) return undefined;
  const padded = ns.padStart(7, "0");
  return Number(`${padded.slice(0, -6)}.${padded.slice(-6)}`);
}
