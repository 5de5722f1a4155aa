/**
 * Synthetic capture traffic, sent to the background exactly as the relay sends it: capture
 * messages (src/shared/messages.ts captureMessage) of up to 2,000 events, each awaited until the
 * background acknowledges the IndexedDB commit. It runs in the extension's content-script world
 * of a real tab (the background accepts capture only from a tab), as one self-contained
 * function serialised into that world.
 *
 * A trace is what the support-bot demo does per question: a click, a knowledge-base GET, a
 * streamed chat completion that calls a tool, the tool's GET, and a non-streamed chat completion
 * with the tool's result. Stored, that is 6 spans: the interaction, 4 exchange spans and the
 * execute_tool span that assembly adds (19 + streamChunks events).
 */

export interface DriveArgs {
  /** Stop after this many traces... */
  traces?: number;
  /** ...or after this long. */
  durationMs?: number;
  origin: string;
  pageUrl: string;
  /** Events per capture message (the relay's MAX_BATCH_EVENTS). */
  maxBatchEvents: number;
  /** Messages awaiting their ack at once (the relay: 1). */
  inflight: number;
  streamChunks: number;
  /** The trace whose final answer is a 1 MB JSON body (its model is "gpt-4o-bigbody"). */
  bigBodyAt?: number;
  /** Virtual time of trace k: start + k * spacingMs (the session's spans are spread over time). */
  startTime: number;
  spacingMs: number;
  /** Every delay inside a trace multiplied by this (default 1): short traces, packed close. */
  timeScale?: number;
  /** Pace new exchanges under the background's per-tab rate limit (src/background/health.ts). */
  maxExchangesPerSec?: number;
}

export interface DriveResult {
  traces: number;
  exchangeSpans: number;
  events: number;
  messages: number;
  elapsedMs: number;
  /** Each acknowledged message: ms since the start, exchange spans it carried. */
  acks: [number, number][];
  /** Round trip of each capture message (send to ack), ms. */
  ackMs: number[];
  failures: number;
  firstError?: string;
}

/** Runs in the content-script world: `chrome` is the extension API there. */
export async function drive(args: DriveArgs): Promise<DriveResult> {
  const c = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome;
  const pool = new Uint8Array(4096);
  let poolAt = pool.length;
  const hex: string[] = [];
  for (let i = 0; i < 256; i++) hex.push((i < 16 ? "0" : "") + i.toString(16));
  const newId = () => {
    if (poolAt + 8 > pool.length) {
      crypto.getRandomValues(pool);
      poolAt = 0;
    }
    let id = "";
    for (let i = 0; i < 8; i++) id += hex[pool[poolAt++]!];
    return id;
  };
  const TOPICS = ["reset my password", "refund policy for annual plans", "shipping times to Canada", "change the invoice address",
    "cancel my subscription", "export my data", "two-factor codes not arriving", "upgrade to the team plan", "delete a workspace",
    "the weather in Paris"];
  const words = ["Sure", ",", " here", " is", " how", " you", " can", " do", " that", "."];
  const json = (v: unknown) => JSON.stringify(v);
  const o = args.origin;

  type Ev = Record<string, unknown>;
  const scale = args.timeScale ?? 1;
  function exchange(out: Ev[], t: number, method: string, url: string, reqHeaders: [string, string][], reqBody: string | undefined,
    resHeaders: [string, string][], chunks: string[], dtHeadersMs: number, dtChunkMs: number): number {
    const dtHeaders = dtHeadersMs * scale;
    const dtChunk = dtChunkMs * scale;
    const id = newId();
    out.push({ t: "request", id, transport: "fetch", time: t, method, url, headers: reqHeaders, pageUrl: args.pageUrl,
      ...(reqBody !== undefined ? { body: { text: reqBody, size: reqBody.length, mimeType: "application/json" } } : {}) });
    out.push({ t: "response", id, time: t + dtHeaders, status: 200, statusText: "OK", headers: resHeaders, url, redirected: false, type: "basic" });
    let size = 0;
    chunks.forEach((text, seq) => {
      size += text.length;
      out.push({ t: "chunks", id, seq, times: [t + dtHeaders + scale + seq * dtChunk], texts: [text] });
    });
    const end = t + dtHeaders + 2 * scale + chunks.length * dtChunk;
    out.push({ t: "end", id, time: end, outcome: { state: "ok" }, size, chunks: chunks.length });
    return end;
  }

  function trace(k: number, t0: number): Ev[] {
    const out: Ev[] = [];
    const topic = TOPICS[k % TOPICS.length]!;
    const question = `Question #${k}: how do I ${topic}?`;
    const big = k === args.bigBodyAt;
    out.push({ t: "interaction", id: newId(), time: t0, action: "click", target: 'button "Send"', pageUrl: args.pageUrl });
    const jsonH: [string, string][] = [["content-type", "application/json"]];
    const auth: [string, string][] = [["content-type", "application/json"], ["authorization", "Bearer sk-bench-not-a-real-key"]];
    let t = exchange(out, t0 + 5 * scale, "GET", `${o}/api/kb/search?q=${encodeURIComponent(topic)}&k=3`, [["accept", "application/json"]], undefined, jsonH,
      [json({ results: [1, 2, 3].map((i) => ({ id: `kb-${k}-${i}`, score: 0.9 - i / 10, text: `Article ${i} about ${topic}.` })) })], 8, 1);
    const messages = [{ role: "system", content: "You are the support bot of Example Inc. Answer briefly." }, { role: "user", content: question }];
    // The streamed answer says a few words, then calls the account tool.
    const callId = `call_${k}`;
    const chunk = (delta: unknown, finish: string | null, usage?: unknown) =>
      `data: ${json({ id: `chatcmpl-${k}`, object: "chat.completion.chunk", created: 1_700_000_000, model: "gpt-4o-mini-2024-07-18", choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < args.streamChunks; i++) chunks.push(chunk(i === 0 ? { role: "assistant", content: words[0] } : { content: words[i % words.length] }, null));
    chunks.push(chunk({ tool_calls: [{ index: 0, id: callId, type: "function", function: { name: "check_account_status", arguments: "" } }] }, null));
    chunks.push(chunk({ tool_calls: [{ index: 0, function: { arguments: json({ user: k }) } }] }, null));
    chunks.push(`${chunk({}, "tool_calls", { prompt_tokens: 31, completion_tokens: args.streamChunks + 8, total_tokens: 39 + args.streamChunks })}data: [DONE]\n\n`);
    t = exchange(out, t + 3 * scale, "POST", `${o}/v1/chat/completions`, auth, json({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages }),
      [["content-type", "text/event-stream; charset=utf-8"]], chunks, 40, 3);
    t = exchange(out, t + 2 * scale, "GET", `${o}/api/account/status?user=${k}`, [["accept", "application/json"]], undefined, jsonH,
      [json({ user: k, active: true, locked: false })], 6, 1);
    const model = big ? "gpt-4o-bigbody" : "gpt-4o-mini";
    const content = big ? "bigbody ".repeat(131_072) : `To ${topic}, open Settings and follow the steps. Anything else?`;
    const answer = json({ id: `chatcmpl-${k}b`, object: "chat.completion", created: 1_700_000_000, model, choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage: { prompt_tokens: 80, completion_tokens: big ? 131_072 : 14, total_tokens: big ? 131_152 : 94 } });
    // A big body arrives as the network delivers it: 64 KB reads.
    const pieces: string[] = [];
    for (let at = 0; at < answer.length; at += 65_536) pieces.push(answer.slice(at, at + 65_536));
    const followUp = [...messages,
      { role: "assistant", content: "Sure, here", tool_calls: [{ id: callId, type: "function", function: { name: "check_account_status", arguments: json({ user: k }) } }] },
      { role: "tool", tool_call_id: callId, content: json({ user: k, active: true, locked: false }) }];
    exchange(out, t + 2 * scale, "POST", `${o}/v1/chat/completions`, auth, json({ model, messages: followUp }), jsonH, pieces, 60, 1);
    return out;
  }

  const result: DriveResult = { traces: 0, exchangeSpans: 0, events: 0, messages: 0, elapsedMs: 0, acks: [], ackMs: [], failures: 0 };
  const start = performance.now();
  const deadline = args.durationMs !== undefined ? start + args.durationMs : Infinity;
  let k = 0;
  let pending: Ev[] = [];
  const more = () => (args.traces === undefined || k < args.traces) && performance.now() < deadline;

  /** The next message: whole traces, up to maxBatchEvents (a trace larger than that goes alone). */
  function nextBatch(): { events: Ev[]; spans: number } | undefined {
    const events: Ev[] = [];
    let spans = 0;
    for (;;) {
      if (pending.length === 0) {
        if (!more()) break;
        pending = trace(k, args.startTime + k * args.spacingMs);
        k++;
      }
      if (events.length > 0 && events.length + pending.length > args.maxBatchEvents) break;
      for (const e of pending) {
        events.push(e);
        if (e.t === "request") spans++;
      }
      pending = [];
    }
    return events.length ? { events, spans } : undefined;
  }

  async function send(batch: { events: Ev[]; spans: number }): Promise<void> {
    const message = { source: "llm-trace", v: 1, type: "capture", events: batch.events, dropped: 0 };
    for (let attempt = 0; ; attempt++) {
      const sent = performance.now();
      let ack: unknown;
      try {
        ack = await c.runtime.sendMessage(message);
      } catch (e) {
        ack = undefined;
        result.firstError ??= String(e);
      }
      result.messages++;
      if ((ack as { ok?: boolean } | undefined)?.ok === true) {
        const now = performance.now();
        result.ackMs.push(now - sent);
        result.acks.push([now - start, batch.spans]);
        result.exchangeSpans += batch.spans;
        result.events += batch.events.length;
        return;
      }
      result.failures++;
      result.firstError ??= JSON.stringify(ack);
      if (attempt > 20) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const running = new Set<Promise<void>>();
  let paced = 0;
  for (;;) {
    while (running.size < args.inflight) {
      const batch = nextBatch();
      if (!batch) break;
      if (args.maxExchangesPerSec) {
        paced += batch.spans;
        const due = start + (paced / args.maxExchangesPerSec) * 1000;
        if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
      }
      const p: Promise<void> = send(batch).then(() => void running.delete(p));
      running.add(p);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  result.traces = k;
  result.elapsedMs = performance.now() - start;
  return result;
}

/** `drive(args)` as an expression for Runtime.evaluate in the content-script world. */
export function driveExpression(args: DriveArgs): string {
  return `(${drive.toString()})(${JSON.stringify(args)})`;
}
