/**
 * Chrome DevTools Protocol helpers: a session on a target Playwright has no handle for (the
 * extension's service worker), and the reading of CPU profiles.
 */
import type { BrowserContext, CDPSession } from "@playwright/test";

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

/** A target reached through the browser session without flattening (Target.sendMessageToTarget). */
export class TargetSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  private constructor(private readonly browser: CDPSession, private readonly sessionId: string) {
    browser.on("Target.receivedMessageFromTarget", (event: { sessionId: string; message: string }) => {
      if (event.sessionId !== this.sessionId) return;
      const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
      const call = message.id !== undefined ? this.pending.get(message.id) : undefined;
      if (!call) return;
      this.pending.delete(message.id!);
      if (message.error) call.reject(new Error(message.error.message));
      else call.resolve(message.result);
    });
  }

  /** Attach to the first target of `type` whose URL starts with `urlPrefix`. */
  static async attach(context: BrowserContext, type: string, urlPrefix: string): Promise<TargetSession> {
    const owner = context.browser();
    if (!owner) throw new Error("no Browser object for this context");
    const browser = await owner.newBrowserCDPSession();
    const { targetInfos } = (await browser.send("Target.getTargets")) as { targetInfos: TargetInfo[] };
    const target = targetInfos.find((t) => t.type === type && t.url.startsWith(urlPrefix));
    if (!target) throw new Error(`no ${type} target at ${urlPrefix}`);
    const { sessionId } = (await browser.send("Target.attachToTarget", { targetId: target.targetId, flatten: false })) as { sessionId: string };
    return new TargetSession(browser, sessionId);
  }

  send<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      void this.browser.send("Target.sendMessageToTarget", { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) })
        .catch((e: Error) => reject(e));
    });
  }

  async detach(): Promise<void> {
    await this.browser.detach().catch(() => {});
  }
}

/** Anything with a CDP-style send: Playwright's CDPSession or a TargetSession. */
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
