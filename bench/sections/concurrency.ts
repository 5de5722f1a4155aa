/**
 * Throughput under load: 200 chat streams at once (50 tokens each, first after 20 ms, then one
 * every 10 ms), spread over the server's ports so all 200 really are concurrent (Chromium
 * opens 6 HTTP/1.1 connections per host:port). Page timings with/without capture, and with
 * capture on, whether all 200 reached IndexedDB as finished model spans.
 */
import { closeSubjects, drain, openSubjects, eachRun, taskTime, type Condition, type Env } from "../lib/env";
import { concurrentStreams, type ConcurrentResult } from "../lib/page-fns";
import { againstNone, compared, judge, single, type Row } from "../lib/report";
import { quantile } from "../lib/stats";

const STREAMS = 200;
type Series = Record<Condition, number[]>;
const series = (): Series => ({ on: [], off: [], plain: [] });

const BODY = JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Say something short." }] });

export async function concurrency(env: Env): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const reps = env.quick ? 2 : 4;
  const subjects = await openSubjects(env);
  const m = { wall: series(), ttfc: series(), p95: series(), task: series(), captured: [] as number[], lag: [] as number[] };
  const notes: string[] = [];
  try {
    await eachRun(env, subjects, reps, async (s, cond, r) => {
      const before = await taskTime(s.cdp);
      const res: ConcurrentResult = await s.page.evaluate(concurrentStreams, { origins: env.server.origins, n: STREAMS, query: "tokens=50&delay=10&first=20", body: BODY });
      if (res.failed) notes.push(`${cond} rep ${r}: ${res.failed} streams failed`);
      if (cond === "on") {
        const d = await drain(env.ext, { ended: STREAMS, llmOk: STREAMS }, 60_000);
        m.captured.push(d.counts.llmOk);
        m.lag.push(d.ms);
      }
      const after = await taskTime(s.cdp);
      m.wall[cond].push(res.wall);
      m.ttfc[cond].push(quantile(res.ttfc, 0.5));
      m.p95[cond].push(quantile(res.total, 0.95));
      m.task[cond].push(after.task - before.task);
      env.log(`  200 streams rep ${r + 1}/${reps} ${cond}: wall ${res.wall.toFixed(0)} ms, ttfc p50 ${quantile(res.ttfc, 0.5).toFixed(0)} ms${cond === "on" ? `, stored ${m.captured.at(-1)}/${STREAMS} in ${m.lag.at(-1)!.toFixed(0)} ms` : ""}`);
    });
    const ratio = againstNone(1.05, 1.15);
    const rows: Row[] = [
      judge(compared("load.wall", "Load", "200 concurrent streams: first call to last end", "ms", m.wall), ratio),
      judge(compared("load.ttfc", "Load", "200 concurrent streams: median time to first chunk", "ms", m.ttfc), ratio),
      judge(compared("load.p95", "Load", "200 concurrent streams: p95 stream duration", "ms", m.p95), ratio),
      judge(compared("load.task", "Load", "200 concurrent streams: page main-thread time", "ms", m.task), againstNone(1.1, 1.25)),
      judge(single("load.captured", "Load", "200 concurrent streams: finished model spans stored (worst run)", "spans", Math.min(...m.captured)), { text: "all 200", on: "value", kind: "min", limit: STREAMS }),
      single("load.lag", "Load", "200 concurrent streams: last end to all stored", "ms", m.lag),
    ];
    return { rows, details: { notes } };
  } finally {
    await closeSubjects(subjects);
  }
}
