/** Numbers as DevTools shows them. */

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A 24-hour local clock, as DevTools shows times: 17:06:05.713 (without `ms`: 17:06:05). */
export function formatClock(epochMs: number, ms = true): string {
  const d = new Date(epochMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return ms ? `${clock}.${pad(d.getMilliseconds(), 3)}` : clock;
}

/** "1 trace", "3 traces"; `plural` when adding an s is wrong. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Input → output tokens; a count the provider did not report is a dash (never a guess). */
export function formatTokens(input: number | undefined, output: number | undefined): string {
  if (input === undefined && output === undefined) return "";
  const f = (n: number | undefined) => (n === undefined ? "–" : n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n));
  return `${f(input)} → ${f(output)} tok`;
}

/** Tick spacing for a time axis: 1, 2 or 5 times a power of ten, about `count` ticks. */
export function tickStep(totalMs: number, count = 6): number {
  const raw = Math.max(totalMs, 1) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

export function formatOffset(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}
