/**
 * Page cost: 1,000 sequential small non-LLM fetches, then 1,000 XHRs, in the same page with
 * capture on, with capture off, and in a browser without the extension; the page's main-thread
 * task time around each loop; long tasks; and a CPU profile that charges main-thread time to
 * the hook and the relay.
 */
import { attributeProfile, startProfiler, stopProfiler, topSelfTime } from "../lib/cdp";
import { clearStore, drain, openSubjects, closeSubjects, prepare, eachRun, storeCounts, taskTime, type Condition, type Env } from "../lib/env";
import { requestLoop, type LoopResult } from "../lib/page-fns";
import { againstNone, compared, judge, single, type Row } from "../lib/report";
import { pairedDiffs } from "../lib/stats";

const N = 1000;
const WARM = 50;
/** Requests per profiled loop (the profile's split per request does not need all 1,000). */
const PROFILED = 500;
/** Browser APIs the hook wraps: time inside them is the page's own, not the hook's. */
const PAGE_APIS = new Set(["fetch", "open", "send", "setRequestHeader", "text", "json", "arrayBuffer", "blob", "formData", "bytes", "clone"]);

type Series = Record<Condition, number[]>;
const series = (): Series => ({ on: [], off: [], plain: [] });

export async function pageCost(env: Env): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const reps = env.quick ? 2 : 5;
  const subjects = await openSubjects(env);
  const url = `${env.server.origin}/small`;
  const m = {
    fetch: { total: series(), sync: series(), task: series(), longTasks: series(), loafExt: series(), lag: [] as number[] },
    xhr: { total: series(), sync: series(), task: series(), longTasks: series(), loafExt: series(), lag: [] as number[] },
  };
  const notes: string[] = [];
  let resolution = NaN;
  try {
    await eachRun(env, subjects, reps, async (s, cond, r) => {
      let expected = 0;
      for (const kind of ["fetch", "xhr"] as const) {
        await s.page.evaluate(requestLoop, { url, n: 0, warm: WARM, transport: kind });
        const before = await taskTime(s.cdp);
        const res: LoopResult = await s.page.evaluate(requestLoop, { url, n: N, warm: 0, transport: kind });
        expected += WARM + N;
        if (cond === "on") {
          // Everything stored before the next measurement starts (and the lag is a figure of its own).
          const d = await drain(env.ext, { ended: expected });
          if (!d.complete) notes.push(`${kind} rep ${r}: only ${d.counts.ended} of ${expected} requests stored`);
          m[kind].lag.push(d.ms);
        }
        const after = await taskTime(s.cdp);
        if (kind === "fetch" && Number.isFinite(res.resolution)) resolution = res.resolution;
        m[kind].total[cond].push(res.total);
        m[kind].sync[cond].push((res.sync / N) * 1000);
        m[kind].task[cond].push(((after.task - before.task) / N) * 1000);
        m[kind].longTasks[cond].push(res.longTasks.length);
        m[kind].loafExt[cond].push(res.loaf.flatMap((f) => f.scripts).filter((sc) => sc.url.startsWith("chrome-extension://")).reduce((a, sc) => a + sc.d, 0));
      }
      if (cond === "off") {
        const leaked = (await storeCounts(env.ext)).spans;
        if (leaked > 0) notes.push(`rep ${r}: ${leaked} spans stored with capture off`);
      }
      env.log(`  page cost rep ${r + 1}/${reps} ${cond}: fetch ${m.fetch.total[cond].at(-1)!.toFixed(0)} ms, xhr ${m.xhr.total[cond].at(-1)!.toFixed(0)} ms`);
    });

    // CPU profiles (not timed: the profiler slows everything): who ran on the main thread.
    const profiles: Record<string, Record<string, number>> = {};
    const tops: Record<string, unknown> = {};
    for (const cond of ["on", "off"] as const) {
      const s = subjects[cond];
      await clearStore(env.ext);
      await prepare(env, s);
      for (const kind of ["fetch", "xhr"] as const) {
        await s.page.evaluate(requestLoop, { url, n: 0, warm: WARM, transport: kind });
        await startProfiler(s.cdp, 100);
        await s.page.evaluate(requestLoop, { url, n: PROFILED, warm: 0, transport: kind });
        const profile = await stopProfiler(s.cdp);
        const ext = `chrome-extension://${env.ext.extensionId}/`;
        const split = attributeProfile(profile, {
          hook: (u) => u === `${ext}page-hook.js`,
          relay: (u) => u === `${ext}relay.js`,
        }, PAGE_APIS);
        profiles[`${kind}.${cond}`] = split;
        if (cond === "on") tops[kind] = topSelfTime(profile, 12);
        if (cond === "on") await drain(env.ext, { ended: (kind === "fetch" ? 1 : 2) * (WARM + PROFILED) });
      }
    }
    env.log(`  profiles: ${JSON.stringify(profiles, (_, v) => (typeof v === "number" ? Math.round(v * 10) / 10 : v))}`);

    const rows: Row[] = [];
    for (const kind of ["fetch", "xhr"] as const) {
      const k = m[kind];
      const name = kind === "fetch" ? "1,000 fetches" : "1,000 XHRs";
      rows.push(judge(compared(`page.${kind}.total`, "Page", `${name}, sequential (total)`, "ms", k.total), againstNone(1.02, 1.08)));
      rows.push(compared(`page.${kind}.sync`, "Page", `${kind === "fetch" ? "fetch()" : "open()+send()"} call itself, per request`, "µs", k.sync));
      rows.push(judge(compared(`page.${kind}.task`, "Page", `main-thread task time per request (${kind})`, "µs", k.task), againstNone(1.1, 1.25)));
      rows.push(judge(single(`page.${kind}.extension`, "Page", `extension main-thread work per ${kind} (on − off task time)`, "µs", pairedDiffs(k.task.on, k.task.off)),
        { text: "<= 20 µs", on: "value", limit: 20 }));
      const hookUs = (profiles[`${kind}.on`]!.hook! / PROFILED) * 1000;
      const relayUs = (profiles[`${kind}.on`]!.relay! / PROFILED) * 1000;
      rows.push(judge(single(`page.${kind}.hook`, "Page", `hook's own time per ${kind} (page-hook.js, under the CPU profiler)`, "µs", hookUs, {
        note: `capture off: ${((profiles[`${kind}.off`]!.hook! / PROFILED) * 1000).toFixed(1)} µs`,
      }), { text: "<= 20 µs", on: "value", limit: 20 }));
      rows.push(single(`page.${kind}.relay`, "Page", `relay's time per ${kind} (relay.js, under the CPU profiler)`, "µs", relayUs));
      // The profile's extra main-thread time with capture on, split by who caused it.
      const on = profiles[`${kind}.on`]!;
      const off = profiles[`${kind}.off`]!;
      const extra = on.total! - off.total!;
      const share = (x: number) => `${Math.round((x / extra) * 100)}%`;
      rows.push(single(`page.${kind}.split`, "Page", `extra main-thread time (profile) per ${kind}: hook ${share(on.hook! - off.hook!)}, relay ${share(on.relay! - off.relay!)}, browser internals, GC & CPU contention ${share(on.other! - off.other!)}`, "µs", (extra / PROFILED) * 1000));
      rows.push(compared(`page.${kind}.longtasks`, "Page", `long tasks (> 50 ms) during ${name}`, "count", k.longTasks));
      rows.push(single(`page.${kind}.loaf`, "Page", `long-frame script time in extension scripts (${kind})`, "ms", k.loafExt.on));
      rows.push(single(`page.${kind}.lag`, "Page", `capture lag: loop end to all ${N + WARM} stored (${kind})`, "ms", k.lag));
    }
    return { rows, details: { resolutionMs: resolution, notes, profiles, topSelfTime: tops } };
  } finally {
    await closeSubjects(subjects);
  }
}
