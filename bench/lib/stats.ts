/** Small statistics for the benchmark: medians and quartiles over repetitions. */

export interface Summary {
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
  n: number;
}

/** Linear-interpolated quantile of already sorted values. */
function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted([...values].sort((a, b) => a - b), q);
}

export function summarize(values: readonly number[]): Summary {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return {
    median: quantileSorted(xs, 0.5),
    p25: quantileSorted(xs, 0.25),
    p75: quantileSorted(xs, 0.75),
    min: xs[0] ?? NaN,
    max: xs[xs.length - 1] ?? NaN,
    n: xs.length,
  };
}

/** Ratios of paired repetitions (a[i] / b[i]): pairs share the machine's drift, so they are tighter than a ratio of medians. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (b[i]! > 0 && Number.isFinite(a[i]!)) out.push(a[i]! / b[i]!);
  return out;
}

export function pairedDiffs(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) out.push(a[i]! - b[i]!);
  return out;
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);
