/** Number formats of the detail pane: token counts, money, rates. */

export const formatCount = (n: number): string => n.toLocaleString("en-US");

/** USD with enough digits to tell small per-call costs apart ($0.000132), never in exponent form. */
export function formatUsd(usd: number): string {
  if (usd === 0) return "$0";
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  const digits = Math.min(10, Math.max(4, -Math.floor(Math.log10(usd)) + 2));
  return `$${usd.toFixed(digits).replace(/(?<!0)0+$/, "")}`;
}

/** A per-1M-token rate: $0.15 / 1M. */
export const formatRate = (usdPerMillion: number): string => `$${Number(usdPerMillion.toPrecision(6))} / 1M`;

export function formatRatePerSecond(n: number): string {
  return `${n >= 100 ? Math.round(n) : n.toFixed(1)} tokens/s`;
}
