/**
 * Streaming as the page sees it: a 300-token chat stream (first token after 100 ms, a fast
 * model; then one token every 2 ms) and a 5,000-event stream (10 events per write, one write
 * per millisecond: about 500 network reads), read with a reader and a TextDecoder as SDKs do.
 * Time to first chunk, total time, and the page's main-thread task time.
 */
import { closeSubjects, drain, openSubjects, eachRun, taskTime, type Condition, type Env } from "../lib/env";
import { readStream, type StreamResult } from "../lib/page-fns";
import { compared, judge, single, type Row } from "../lib/report";

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
  const burst = `${env.server.origin}/v1/chat/completions?tokens=5000&delay=1&per=10&first=100`;
  const m = {
    chatTtfc: series(), chatTotal: series(), burstTtfc: series(), burstTotal: series(), burstTask: series(),
    burstChunks: series(), lag: [] as number[],
  };
  const notes: string[] = [];
  try {
    await eachRun(env, subjects, reps, async (s, cond, r) => {
      const a: StreamResult = await s.page.evaluate(readStream, { url: chat, body: BODY });
      if (a.events !== 303) notes.push(`${cond} rep ${r}: chat stream had ${a.events} events`);
      if (cond === "on") await drain(env.ext, { ended: 1 });
      const before = await taskTime(s.cdp);
      const b: StreamResult = await s.page.evaluate(readStream, { url: burst, body: BODY });
      if (cond === "on") {
        const d = await drain(env.ext, { ended: 2 });
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
      env.log(`  streaming rep ${r + 1}/${reps} ${cond}: chat ttfc ${a.ttfc.toFixed(1)} total ${a.total.toFixed(0)} ms; 5,000 events ttfc ${b.ttfc.toFixed(1)} total ${b.total.toFixed(0)} ms in ${b.chunks} chunks`);
    });
    const ratio = { text: "ratio <= 1.02", on: "ratio", limit: 1.02 } as const;
    const rows: Row[] = [
      judge(compared("stream.chat.ttfc", "Streaming", "300-token chat: time to first chunk", "ms", m.chatTtfc), ratio),
      judge(compared("stream.chat.total", "Streaming", "300-token chat: total", "ms", m.chatTotal), ratio),
      judge(compared("stream.burst.ttfc", "Streaming", "5,000-event stream: time to first chunk", "ms", m.burstTtfc), ratio),
      judge(compared("stream.burst.total", "Streaming", "5,000-event stream: total", "ms", m.burstTotal), ratio),
      compared("stream.burst.task", "Streaming", "5,000-event stream: page main-thread time", "ms", m.burstTask),
      compared("stream.burst.chunks", "Streaming", "5,000-event stream: chunks the page read", "count", m.burstChunks),
      single("stream.burst.lag", "Streaming", "5,000-event stream: end to stored", "ms", m.lag),
    ];
    return { rows, details: { notes } };
  } finally {
    await closeSubjects(subjects);
  }
}
