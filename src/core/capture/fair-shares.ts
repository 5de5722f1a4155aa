/**
 * Who gives up what when storage must shrink: the tabs holding the most, first. Tabs above a
 * level give up everything above it (water-filling), so a tab that floods storage evicts its own
 * records before any other tab loses one, and tabs far below the level lose nothing.
 */

/** How many records each tab gives up so that `total` go (tabs not listed give up none). */
export function fairShares(sizes: ReadonlyMap<number, number>, total: number): Map<number, number> {
  const shares = new Map<number, number>();
  let all = 0;
  let largest = 0;
  for (const n of sizes.values()) {
    all += n;
    largest = Math.max(largest, n);
  }
  if (total <= 0) return shares;
  if (total >= all) {
    for (const [tab, n] of sizes) if (n > 0) shares.set(tab, n);
    return shares;
  }
  const need = (level: number): number => {
    let sum = 0;
    for (const n of sizes.values()) sum += Math.max(0, n - level);
    return sum;
  };
  // The highest level whose excess covers `total`: need(lo) >= total > need(hi).
  let lo = 0;
  let hi = largest;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (need(mid) >= total) lo = mid;
    else hi = mid;
  }
  // Cutting every tab down to `lo` removes `extra` too many (fewer than the tabs above it):
  // the smallest of those keep one more each, so the largest bear the most.
  let extra = need(lo) - total;
  const above = [...sizes].filter(([, n]) => n > lo).sort(([ta, a], [tb, b]) => a - b || ta - tb);
  for (const [tab, n] of above) {
    const keepOne = extra > 0 ? 1 : 0;
    extra -= keepOne;
    if (n - lo - keepOne > 0) shares.set(tab, n - lo - keepOne);
  }
  return shares;
}
