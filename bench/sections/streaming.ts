/**
 * Streaming as the page sees it, read with a reader and a TextDecoder as SDKs do: a 300-token
 * chat stream paced like a fast model (first token after 100 ms, then one every 2 ms), the same
 * with no server delay at all, and a 5,000-event stream with no delay (10 events per write,
 * writes as fast as the server's event loop turns). With no delay the extension's own cost is
 * all there is to see: a 100 ms first token would hide it. Time to first chunk, total time,
 * and the page's main-thread task time; judged against the same page without the extension.
 */
import { closeSubjects, drain, openSubjects, eachRun, taskTime, type Condition, type Env } from "../lib/env";
import { readStream, type StreamResult } from "../lib/page-fns";
import { againstNone, compared, judge, single, type Row } from "../lib/report";

type Series = Record<Condition, number[]>;
const series = (): Series => ({ on: [], off: [], plain: [] });

const BODY = JSON.stringify({
  model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true },
  messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "Tell me a long story about a fox." }],
});

export async function streaming(env: Env): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const reps = env.quick ? 2 : 6;
  const subjects = await openSubjects(env);
  const chat = `${env.server.origin}/v1/chat/completions?tokens=300&delay=2&first=100`;
  const fast = `${env.server.origin}/v1/chat/completions?tokens=300&delay=0&first=0`;
  const burst = `${env.server.origin}/v1/chat/completions?tokens=5000&delay=0&per=10&first=0`;
  const m = {
    chatTtfc: series(), chatTotal: series(), fastTtfc: series(), fastTotal: series(), fastTask: series(),
    burstTtfc: series(), burstTotal: series(), burstTask: series(), burstChunks: series(), lag: [] as number[],
  };
  const notes: string[] = [];
  try {
    await eachRun(env, subjects, reps, async (s, cond, r) => {
      const a: StreamResult = await s.page.evaluate(readStream, { url: chat, body: BODY });
      if (a.events !== 303) notes.push(`${cond} rep ${r}: chat stream had ${a.events} events`);
      if (cond === "on") await drain(env.ext, { ended: 1 });
      const beforeFast = await taskTime(s.cdp);
      const f: StreamResult = await s.page.evaluate(readStream, { url: fast, body: BODY });
      if (cond === "on") await drain(env.ext, { ended: 2 });
      const afterFast = await taskTime(s.cdp);
      m.fastTtfc[cond].push(f.ttfc);
      m.fastTotal[cond].push(f.total);
      m.fastTask[cond].push(afterFast.task - beforeFast.task);
      const before = await taskTime(s.cdp);
      const b: StreamResult = await s.page.evaluate(readStream, { url: burst, body: BODY });
      if (cond === "on") {
        const d = await drain(env.ext, { ended: 3 });
        m.lag.push(d.ms);
        if (!d.complete) notes.push(`rep ${r}: the 5,000-event stream was not stored`);
      }
      const after = await taskTime(s.cdp);
      m.chatTtfc[cond].push(a.ttfc);
      m.chatTotal[cond].push(a.total);
      m.burstTtfc[cond].push(b.ttfc);
      m.burstTotal[cond].push(b.total);
      m.burstTask[cond].push(after.task - before.task);
      m.burstChunks[cond].push(b.chunks);
      env.log(`  streaming rep ${r + 1}/${reps} ${cond}: chat ttfc ${a.ttfc.toFixed(1)} total ${a.total.toFixed(0)} ms; no-delay chat ttfc ${f.ttfc.toFixed(2)} total ${f.total.toFixed(1)} ms; 5,000 events ttfc ${b.ttfc.toFixed(2)} total ${b.total.toFixed(0)} ms in ${b.chunks} chunks`);
    });
    const ttfc = againstNone(1.05, 1.15);
    const total = againstNone(1.02, 1.08);
    const task = againstNone(1.1, 1.25);
    const rows: Row[] = [
      judge(compared("stream.chat.ttfc", "Streaming", "300-token chat, 100 ms first token: time to first chunk", "ms", m.chatTtfc), ttfc),
      judge(compared("stream.chat.total", "Streaming", "300-token chat, 100 ms first token: total", "ms", m.chatTotal), total),
      judge(compared("stream.fast.ttfc", "Streaming", "300-token chat, no server delay: time to first chunk", "ms", m.fastTtfc), ttfc),
      judge(compared("stream.fast.total", "Streaming", "300-token chat, no server delay: total", "ms", m.fastTotal), total),
      judge(compared("stream.fast.task", "Streaming", "300-token chat, no server delay: page main-thread time", "ms", m.fastTask), task),
      judge(compared("stream.burst.ttfc", "Streaming", "5,000-event stream, no server delay: time to first chunk", "ms", m.burstTtfc), ttfc),
      judge(compared("stream.burst.total", "Streaming", "5,000-event stream, no server delay: total", "ms", m.burstTotal), total),
      judge(compared("stream.burst.task", "Streaming", "5,000-event stream, no server delay: page main-thread time", "ms", m.burstTask), task),
      compared("stream.burst.chunks", "Streaming", "5,000-event stream: chunks the page read", "count", m.burstChunks),
      single("stream.burst.lag", "Streaming", "5,000-event stream: end to stored", "ms", m.lag),
    ];
    return { rows, details: { notes } };
  } finally {
    await closeSubjects(subjects);
  }
}
