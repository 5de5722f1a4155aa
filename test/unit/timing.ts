/**
 * Timing assertions for code that reads hostile text: a budget in milliseconds that a machine
 * shared with other work must not make flaky.
 */
import assert from "node:assert/strict";

/** What 2 MB (the default body cap) of hostile text may cost one pattern or parser. */
export const BUDGET_MS = 50;

/**
 * Past this, a run is not tried again: a pattern that slow is the code, not the machine (a
 * superlinear one takes seconds on 2 MB). Below it, a loaded machine has been seen to make a
 * linear 25 ms pattern take 260 ms once (process CPU time counts the GC's and compiler's
 * threads too), so the next runs decide.
 */
const RETRY_BELOW_MS = 20 * BUDGET_MS;

/**
 * Milliseconds one run takes: the best of up to five, each the smaller of wall and CPU time.
 * The machine is shared: a run that waited for a core shows in the wall clock only.
 */
export function cost(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 5 && best > BUDGET_MS && (i === 0 || best < RETRY_BELOW_MS); i++) {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    run();
    const { user, system } = process.cpuUsage(cpu);
    best = Math.min(best, performance.now() - wall, (user + system) / 1000);
  }
  return best;
}

/** A fixed linear workload (2 MB scanned, 400,000 short strings made and dropped), and what it costs on a quiet machine here. */
const REFERENCE = "ab,c;".repeat(400_000);
const QUIET_REFERENCE_MS = 15;
function reference(): void {
  let n = 0;
  for (const part of REFERENCE.split(",")) n += part.length;
  for (let i = 0; i < REFERENCE.length; i++) if (REFERENCE.charCodeAt(i) === 59) n++;
  assert.ok(n > 0);
}

/**
 * How much slower than quiet the machine is right now (at least 1): the reference workload's
 * best of three against its quiet cost. A busy machine slows the code under test and the
 * reference alike; a superlinear pattern is slower by orders of magnitude, not by the load.
 */
export function slowdown(): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    reference();
    const { user, system } = process.cpuUsage(cpu);
    best = Math.min(best, performance.now() - wall, (user + system) / 1000);
  }
  return Math.max(1, best / QUIET_REFERENCE_MS);
}

/**
 * `run` within `budget`, on a quiet machine; on a busy one, within the budget times how much
 * slower than quiet the reference workload runs now (measured only when the budget was missed).
 */
export function assertFast(run: () => void, what: string, budget = BUDGET_MS): void {
  const ms = cost(run);
  if (ms <= budget) return;
  const factor = slowdown();
  assert.ok(ms <= budget * factor, `${what} took ${ms.toFixed(0)} ms (budget ${budget} ms, ${(budget * factor).toFixed(0)} ms on this machine now: ${factor.toFixed(1)}x slower than quiet)`);
}
