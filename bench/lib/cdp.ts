/**
 * Chrome DevTools Protocol helpers: a session on a target Playwright has no handle for (the
 * extension's service worker), and the reading of CPU profiles.
 */
import type { BrowserContext } from "@playwright/test";
import { attach, targets, type NestedSession } from "../../test/e2e/support/devtools";

/**
 * A session on the first target of `type` whose URL starts with `urlPrefix`, reached through a
 * browser session of its own (detached with it).
 */
export async function attachTarget(context: BrowserContext, type: string, urlPrefix: string): Promise<NestedSession & { detach(): Promise<void> }> {
  const owner = context.browser();
  if (!owner) throw new Error("no Browser object for this context");
  const browser = await owner.newBrowserCDPSession();
  const target = (await targets(browser)).find((t) => t.type === type && t.url.startsWith(urlPrefix));
  if (!target) throw new Error(`no ${type} target at ${urlPrefix}`);
  return Object.assign(await attach(browser, target.targetId), { detach: () => browser.detach().catch(() => {}) });
}

/** Anything with a CDP-style send: Playwright's CDPSession or a NestedSession. */
export interface Sender {
  send(method: string, params?: object): Promise<unknown>;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export async function startProfiler(cdp: Sender, intervalUs: number): Promise<void> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: intervalUs });
  await cdp.send("Profiler.start");
}

export async function stopProfiler(cdp: Sender): Promise<CpuProfile> {
  const { profile } = (await cdp.send("Profiler.stop")) as { profile: CpuProfile };
  await cdp.send("Profiler.disable");
  return profile;
}

/** Duration of each sample in ms: the delta to the next sample (the last one gets the median delta). */
function sampleDurations(profile: CpuProfile): number[] {
  const d = profile.timeDeltas;
  const sorted = [...d].sort((a, b) => a - b);
  const typical = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return profile.samples.map((_, i) => (i + 1 < d.length ? d[i + 1]! : typical) / 1000);
}

/**
 * Main-thread time by whose code ran, from a sampled CPU profile. A sample is charged to the
 * script whose frame is nearest the top of the stack; natives and builtins (no URL) are
 * charged to the script that called them, except the browser APIs the hook wraps (fetch, XHR
 * send, Response.text...): those are the page's own work, which it would do without us.
 */
export function attributeProfile(profile: CpuProfile, buckets: Record<string, (url: string) => boolean>, pageApis: ReadonlySet<string>): Record<string, number> & { idle: number; total: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out: Record<string, number> = { idle: 0, total: 0, other: 0 };
  for (const name of Object.keys(buckets)) out[name] = 0;
  const cache = new Map<number, string>();
  const classify = (leaf: number): string => {
    const known = cache.get(leaf);
    if (known) return known;
    let id: number | undefined = leaf;
    let result = "other";
    let crossedPageApi = false;
    while (id !== undefined) {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === "(idle)") {
        result = "idle";
        break;
      }
      if (frame.url) {
        result = crossedPageApi ? "other" : Object.entries(buckets).find(([, test]) => test(frame.url))?.[0] ?? "other";
        break;
      }
      if (pageApis.has(frame.functionName)) crossedPageApi = true;
      id = parent.get(id);
    }
    cache.set(leaf, result);
    return result;
  };
  const durations = sampleDurations(profile);
  profile.samples.forEach((node, i) => {
    const bucket = classify(node);
    out[bucket] = (out[bucket] ?? 0) + durations[i]!;
    if (bucket !== "idle") out.total! += durations[i]!;
  });
  return out as Record<string, number> & { idle: number; total: number };
}

/** The functions with the most self time (ms), for "where does the time go". */
export function topSelfTime(profile: CpuProfile, limit = 15): { fn: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const durations = sampleDurations(profile);
  let total = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === "(idle)") return;
    const file = f.url ? f.url.slice(f.url.lastIndexOf("/") + 1) : "";
    const key = `${f.functionName || "(anonymous)"}${file ? ` ${file}:${f.lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + durations[i]!);
    total += durations[i]!;
  });
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit)
    .map(([fn, ms]) => ({ fn, ms: round(ms, 2), share: round(ms / total, 3) }));
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
