/**
 * A live session as the page sees it (docs/DESIGN.md, "Other transports"): a WebSocket to a
 * realtime endpoint receiving 5,000 text-delta events at 5,000 a second, handled by a page
 * listener that parses each as a realtime client does. The page's main-thread task time for
 * the session, against the same page without the extension (target: at most 1.05x), and the
 * time from the socket's close until the session is stored.
 */
import { closeSubjects, drain, eachRun, openSubjects, taskTime, type Condition, type Env } from "../lib/env";
import { againstNone, compared, judge, single, type Row } from "../lib/report";

type Series = Record<Condition, number[]>;
const series = (): Series => ({ on: [], off: [], plain: [] });

/** In the page: open the socket, parse every message, resolve at the close with the count. */
function session(url: string): Promise<{ messages: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const ws = new WebSocket(url);
    let messages = 0;
    let text = "";
    ws.onmessage = (e) => {
      const event = JSON.parse(e.data as string) as { delta?: string };
      text += event.delta ?? "";
      messages++;
    };
    ws.onerror = () => reject(new Error("socket failed"));
    // The text is used, as a client would use it, so the parsing is not optimised away.
    ws.onclose = () => resolve({ messages: text.length > 0 ? messages : 0, ms: performance.now() - t0 });
  });
}

export async function websocket(env: Env): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const reps = env.quick ? 2 : 6;
  const subjects = await openSubjects(env);
  const url = `${env.server.origin.replace("http:", "ws:")}/v1/realtime?n=5000&rate=5000`;
  const m = { task: series(), total: series(), lag: [] as number[] };
  const notes: string[] = [];
  try {
    await eachRun(env, subjects, reps, async (s, cond, r) => {
      const before = await taskTime(s.cdp);
      const out = await s.page.evaluate(session, url);
      const after = await taskTime(s.cdp);
      if (out.messages !== 5000) notes.push(`${cond} rep ${r}: ${out.messages} messages`);
      if (cond === "on") {
        const d = await drain(env.ext, { ended: 1 });
        m.lag.push(d.ms);
        if (!d.complete) notes.push(`rep ${r}: the session was not stored`);
      }
      m.task[cond].push(after.task - before.task);
      m.total[cond].push(out.ms);
      env.log(`  websocket rep ${r + 1}/${reps} ${cond}: ${out.messages} messages in ${out.ms.toFixed(0)} ms, main thread ${(after.task - before.task).toFixed(1)} ms`);
    });
    const rows: Row[] = [
      judge(compared("ws.realtime.task", "WebSocket", "5,000 messages/s realtime session: page main-thread time", "ms", m.task), againstNone(1.05, 1.15)),
      compared("ws.realtime.total", "WebSocket", "5,000 messages/s realtime session: open to close", "ms", m.total),
      single("ws.realtime.lag", "WebSocket", "5,000-message session: close to stored", "ms", m.lag),
    ];
    return { rows, details: { notes } };
  } finally {
    await closeSubjects(subjects);
  }
}
