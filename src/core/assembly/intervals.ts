/**
 * "Which windows contain this instant?" for tool-execution windows and mark windows. Sorted by
 * start with a running maximum of ends, so a lookup is a binary search plus a walk back over
 * only the windows that can still be open: O(log n + k) for k overlapping windows.
 */

export interface Interval<T> {
  start: number;
  /** Inclusive; Infinity for a window still open. */
  end: number;
  value: T;
}

export class IntervalIndex<T> {
  private readonly items: Interval<T>[];
  private readonly maxEnd: number[];

  constructor(items: Iterable<Interval<T>>) {
    this.items = [...items].sort((a, b) => a.start - b.start);
    this.maxEnd = [];
    let max = -Infinity;
    for (const it of this.items) {
      max = Math.max(max, it.end);
      this.maxEnd.push(max);
    }
  }

  /** Values of the windows containing `t`, latest start first. */
  containing(t: number): T[] {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid]!.start <= t) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    for (let i = lo - 1; i >= 0 && this.maxEnd[i]! >= t; i--) {
      const it = this.items[i]!;
      if (it.end >= t) out.push(it.value);
    }
    return out;
  }
}

/** Index of the last element of sorted `values` that is <= t, or -1. */
export function lastAtOrBefore(values: readonly number[], t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
