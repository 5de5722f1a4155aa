/**
 * The background's ingest over IndexedDB (fake-indexeddb and an in-memory extension API in
 * Node): an exchange its code cannot process is counted and skipped while the rest of the batch
 * is stored, so the batch can be acknowledged rather than retried forever; records the hook
 * could not have produced as claimed are marked unverified; a batch delivered again or split
 * over a worker restart stores the same; spans of a large batch are stored in their traces at
 * once; and memory never writes back what was deleted.
 */
import "./support/fake-browser";
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { describe, it, test } from "node:test";
import { assembleLive } from "../../src/background/assembly";
import { forgetAll, ingestBatch } from "../../src/background/ingest";
import { deleteSpans, openStore, readExchanges, spanIdsOfTab } from "../../src/background/store";
import type { CaptureEvent, ChunkRecord, SpanRecord } from "../../src/core/contract";

const T = Date.now();
let n = 0;
const newId = () => (0x1000 + ++n).toString(16).padStart(16, "0");

function exchange(id: string, url: string): CaptureEvent[] {
  return [
    { t: "request", id, transport: "fetch", time: T, method: "GET", url, headers: [], pageUrl: "http://localhost/" },
    { t: "response", id, time: T + 5, status: 200, statusText: "OK", headers: [["content-type", "application/json"]] },
    { t: "chunks", id, seq: 0, times: [T + 6], texts: ['{"ok":true}'] },
    { t: "end", id, time: T + 7, outcome: { state: "ok" }, chunks: 1 },
  ];
}

const stored = async (id: string) => (await readExchanges([id]))[0]?.record;
const spanOf = async (id: string) => (await openStore()).get("spans", id);

describe("ingesting a batch", () => {
  it("an exchange that cannot be processed is skipped and counted; the rest of the batch is stored", async () => {
    const good = newId();
    const bad = newId();
    // What validation now stops at the door (a response URL that is an object) made the
    // redactor throw: the whole batch failed on every retry, after the good exchange had
    // already been committed.
    const poison = { t: "response", id: bad, time: T, status: 200, statusText: "", headers: [], url: {} } as unknown as CaptureEvent;
    const batch = [...exchange(good, "http://localhost/good"), poison];
    const result = await ingestBatch(1, 0, batch);
    assert.equal(result.rejected, 1);
    assert.equal((await stored(good))?.outcome?.state, "ok");
    assert.ok(await spanOf(good));
    // Delivered again (the relay's retry), it gives the same answer rather than an error.
    assert.equal((await ingestBatch(1, 0, batch)).rejected, 1);
  });

  it("a live session's span, placed like any call's before its messages said what it is, then stands where its session puts it", async () => {
    const id = newId();
    const line = (dir: string, e: object) => `${dir}1 ${JSON.stringify(JSON.stringify(e))}\n`;
    await ingestBatch(1, 0, [{ t: "request", id, transport: "webrtc", time: T, method: "GET", url: "webrtc:oai-events", headers: [], pageUrl: "http://localhost/" }]);
    await assembleLive(1);
    const first = await spanOf(id);
    assert.ok(first);
    const texts = [
      line("r", { type: "session.created", session: { model: "gpt-realtime" } }),
      line("s", { type: "response.create" }),
      line("r", { type: "response.created", response: { id: "r1" } }),
      line("r", { type: "response.output_text.delta", response_id: "r1", delta: "Hi" }),
      line("r", { type: "response.done", response: { id: "r1", status: "completed", output: [], usage: { input_tokens: 3, output_tokens: 1 } } }),
    ];
    await ingestBatch(1, 0, [
      { t: "response", id, time: T + 1, status: 200, statusText: "open", headers: [] },
      { t: "chunks", id, seq: 0, times: texts.map((_, i) => T + 2 + i), texts },
      { t: "end", id, time: T + 10, outcome: { state: "ok" }, chunks: texts.length },
    ]);
    const root = await spanOf(id);
    assert.equal(root?.name, "OpenAI Realtime gpt-realtime");
    assert.equal(root?.parentSpanId, undefined, "a session is a trace of its own");
    const spans = await (await openStore()).getAllFromIndex("spans", "traceId", root!.traceId);
    assert.ok(spans.some((s) => s.kind === "llm" && s.parentSpanId === id), "its response is in the session's trace");
  });

  it("events naming another tab's exchange are rejected and counted", async () => {
    const id = newId();
    await ingestBatch(1, 0, exchange(id, "http://localhost/mine"));
    const forged: CaptureEvent = { t: "chunks", id, seq: 1, times: [T], texts: ["FORGED"] };
    const result = await ingestBatch(2, 0, [forged]);
    assert.equal(result.rejected, 1);
    assert.equal((await stored(id))?.tabId, 1);
  });

  it("marks what the hook could not have produced as claimed: another frame, clamped times, no request", async () => {
    const id = newId();
    const [request, response, chunks, end] = exchange(id, "http://localhost/framed");
    await ingestBatch(1, 0, [request!, response!]);
    assert.equal((await spanOf(id))?.attributes["llm_trace.unverified"], undefined);
    // The rest of its events come from another frame of the tab.
    await ingestBatch(1, 3, [chunks!]);
    assert.deepEqual((await spanOf(id))?.attributes["llm_trace.unverified"], ["frame"]);
    await ingestBatch(1, 0, [end!], { clamped: new Set([id]) });
    assert.deepEqual((await spanOf(id))?.attributes["llm_trace.unverified"], ["frame", "time"]);

    const headless = newId();
    await ingestBatch(1, 0, exchange(headless, "").slice(1));
    assert.deepEqual((await spanOf(headless))?.attributes["llm_trace.unverified"], ["no-request"]);
  });
});

let counter = 0;
const newCallId = (): string => (0x1000_0000_0000 + ++counter).toString(16).padStart(16, "a");
const PAGE = "https://support.example.com/";

interface Call {
  id: string;
  events: CaptureEvent[];
}

/** One fetch: request, response, its body in `pieces` (one chunks event each), end. */
function call(t: number, method: string, url: string, pieces: string[], requestBody?: unknown): Call {
  const id = newCallId();
  const body = requestBody === undefined ? undefined : JSON.stringify(requestBody);
  const events: CaptureEvent[] = [
    { t: "request", id, transport: "fetch", time: t, method, url, headers: [["content-type", "application/json"]], pageUrl: PAGE, ...(body ? { body: { text: body, size: body.length, mimeType: "application/json" } } : {}) },
    { t: "response", id, time: t + 5, status: 200, statusText: "OK", headers: [["content-type", url.includes("/chat/") && method === "POST" && pieces.length > 1 ? "text/event-stream" : "application/json"]] },
    ...pieces.map((text, seq): CaptureEvent => ({ t: "chunks", id, seq, times: [t + 6 + seq], texts: [text] })),
    { t: "end", id, time: t + 7 + pieces.length, outcome: { state: "ok" }, chunks: pieces.length },
  ];
  return { id, events };
}

const sse = (delta: unknown, finish: string | null): string =>
  `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** The support bot's question: a click, a knowledge-base GET, a streamed answer calling a tool, the tool's GET, the final answer. */
function question(t: number, k: number): { events: CaptureEvent[]; calls: Call[] } {
  const messages = [{ role: "user", content: `Question ${k}` }];
  const kb = call(t + 5, "GET", `https://support.example.com/api/kb?q=${k}`, [JSON.stringify({ results: [{ id: `kb-${k}` }] })]);
  const stream = call(t + 20, "POST", "https://api.openai.com/v1/chat/completions", [
    sse({ role: "assistant", content: "Sure" }, null), sse({ content: ", here" }, null),
    sse({ tool_calls: [{ index: 0, id: `call_${k}`, type: "function", function: { name: "check_account", arguments: "" } }] }, null),
    sse({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify({ user: k }) } }] }, null),
    `${sse({}, "tool_calls")}data: [DONE]\n\n`,
  ], { model: "gpt-4o-mini", stream: true, messages });
  const tool = call(t + 60, "GET", `https://support.example.com/api/account?user=${k}`, [JSON.stringify({ active: true })]);
  const answer = call(t + 80, "POST", "https://api.openai.com/v1/chat/completions", [JSON.stringify({
    id: "chatcmpl-2", object: "chat.completion", created: 1, model: "gpt-4o-mini",
    choices: [{ index: 0, message: { role: "assistant", content: "Your account is active." }, finish_reason: "stop" }],
  })], { model: "gpt-4o-mini", messages: [...messages,
    { role: "assistant", content: "Sure, here", tool_calls: [{ id: `call_${k}`, type: "function", function: { name: "check_account", arguments: JSON.stringify({ user: k }) } }] },
    { role: "tool", tool_call_id: `call_${k}`, content: JSON.stringify({ active: true }) }] });
  const calls = [kb, stream, tool, answer];
  return { events: [{ t: "interaction", id: newCallId(), time: t, action: "click", target: 'button "Send"', pageUrl: PAGE }, ...calls.flatMap((c) => c.events)], calls };
}

async function storedOf(tabId: number) {
  const db = await openStore();
  const spans = (await db.getAllFromIndex("spans", "tabId", tabId)).sort((a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1));
  // Exchanges a batch brought whole are in blocks, the others in the exchanges store: read as the panel reads them.
  const ids = new Set(await db.getAllKeysFromIndex("exchanges", "tabId", tabId));
  for (const block of await db.getAll("exchangeBlocks")) for (const e of block.exchanges) if (e.tabId === tabId) ids.add(e.id);
  const read = (await readExchanges([...ids].sort())).filter((e) => e !== undefined);
  const exchanges = read.map((e) => e.record);
  const chunks = new Map<string, ChunkRecord[]>(read.map((e) => [e.record.id, e.chunks]));
  return { spans, exchanges, chunks };
}

const withoutTimes = (spans: SpanRecord[]) => spans.map(({ updatedAt: _u, ...s }) => s);

test("a batch delivered again after a worker restart stores each exchange, chunk and span once, and the same", async () => {
  const tab = 11;
  const batch = [question(1_750_000_000_000, 1), question(1_750_000_003_000, 2)].flatMap((q) => q.events);
  await ingestBatch(tab, 0, batch);
  const first = await storedOf(tab);
  forgetAll();
  await ingestBatch(tab, 0, batch);
  const again = await storedOf(tab);
  assert.equal(first.exchanges.length, 8);
  assert.deepEqual(again.exchanges, first.exchanges);
  assert.deepEqual([...again.chunks], [...first.chunks]);
  assert.deepEqual(withoutTimes(again.spans), withoutTimes(first.spans));
  const stream = batch.find((e) => e.t === "request" && e.method === "POST")!.id;
  const body = first.chunks.get(stream)!;
  assert.deepEqual(body.map((c) => c.seq), [...body.keys()]);
  assert.equal(body.map((c) => c.text).join(""), batch.flatMap((e) => (e.t === "chunks" && e.id === stream ? e.texts : [])).join(""));
});

test("a stream split over batches, the worker restarted in between, is stored whole and in order", async () => {
  const tab = 12;
  const q = question(1_750_000_100_000, 3);
  const stream = q.calls[1]!;
  const [request, response, ...rest] = stream.events;
  const pieces = rest.filter((e) => e.t === "chunks");
  const end = rest.find((e) => e.t === "end")!;
  await ingestBatch(tab, 0, [request!, response!, ...pieces.slice(0, 2)]);
  await ingestBatch(tab, 0, pieces.slice(2, 4));
  forgetAll();
  await ingestBatch(tab, 0, [...pieces.slice(3), end]);
  const { exchanges, chunks, spans } = await storedOf(tab);
  assert.equal(exchanges.length, 1);
  const text = chunks.get(stream.id)!.map((c) => c.text).join("");
  assert.equal(text, pieces.map((e) => (e.t === "chunks" ? e.texts.join("") : "")).join(""));
  assert.deepEqual(chunks.get(stream.id)!.map((c) => c.seq), [...chunks.get(stream.id)!.keys()]);
  const span = spans.find((s) => s.spanId === stream.id)!;
  assert.equal(span.kind, "llm");
  assert.notEqual(span.endTime, undefined);
});

test("the spans of a large batch are stored in their traces at once: under their interaction, with the tool's span", async () => {
  const tab = 13;
  const qs = [question(1_750_000_200_000, 4), question(1_750_000_203_000, 5)];
  const result = await ingestBatch(tab, 0, qs.flatMap((q) => q.events));
  assert.equal(result.unplacedFrom, undefined);
  const { spans } = await storedOf(tab);
  for (const q of qs) {
    const click = q.events[0]!;
    const root = spans.find((s) => s.spanId === click.id)!;
    assert.equal(root.kind, "interaction");
    const models = spans.filter((s) => q.calls.some((c) => c.id === s.spanId) && s.kind === "llm");
    assert.equal(models.length, 2);
    for (const m of models) assert.deepEqual([m.traceId, m.parentSpanId], [root.traceId, root.spanId]);
    const tool = spans.find((s) => s.kind === "tool" && s.traceId === root.traceId)!;
    assert.equal(spans.find((s) => s.spanId === q.calls[2]!.id)!.parentSpanId, tool.spanId);
  }
  // What the panel is sent is what was stored.
  assert.deepEqual(withoutTimes([...result.spans].sort((a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1))), withoutTimes(spans));
});

test("a small batch soon after is stored at once and placed by the next run", async (t) => {
  // The clock stands still: "soon after" whatever this machine's speed.
  t.mock.timers.enable({ apis: ["Date"], now: Date.now() });
  const tab = 14;
  // Big enough a window that one more call is a small share of it.
  await ingestBatch(tab, 0, Array.from({ length: 10 }, (_, k) => question(1_750_000_300_000 + k * 1000, 6 + k).events).flat());
  const late = call(1_750_000_307_010, "GET", "https://support.example.com/api/kb?q=late", ["{}"]);
  const result = await ingestBatch(tab, 0, late.events);
  assert.notEqual(result.unplacedFrom, undefined);
  assert.equal((await storedOf(tab)).spans.find((s) => s.spanId === late.id)!.parentSpanId, undefined);
  const run = await assembleLive(tab);
  assert.ok(run.changed.some((s) => s.spanId === late.id));
  assert.notEqual((await storedOf(tab)).spans.find((s) => s.spanId === late.id)!.parentSpanId, undefined);
});

test("an exchange written without a read cannot take another tab's id", async () => {
  const victim = call(1_750_000_400_000, "GET", "https://bank.example/api/balance", ['{"balance": 1}']);
  await ingestBatch(15, 0, victim.events);
  const forged = call(1_750_000_400_100, "GET", "https://evil.example/", ["FORGED"]);
  await ingestBatch(16, 0, forged.events.map((e) => ({ ...e, id: victim.id })));
  const { exchanges, chunks } = await storedOf(15);
  assert.equal(exchanges[0]!.request.url, "https://bank.example/api/balance");
  assert.equal(chunks.get(victim.id)![0]!.text, '{"balance": 1}');
  assert.deepEqual((await storedOf(16)).exchanges, []);
});

test("spans deleted while their tab's window is in memory are not written back by the next batch", async () => {
  const tab = 17;
  // Two model calls with no interaction: a page-activity trace.
  const q = question(1_750_000_500_000, 20);
  await ingestBatch(tab, 0, q.events.slice(1));
  await deleteSpans(await spanIdsOfTab(tab));
  // A click before them would have moved them into its trace.
  await ingestBatch(tab, 0, [q.events[0]!, ...call(1_750_000_500_090, "GET", "https://support.example.com/api/next", ["{}"]).events]);
  const { spans } = await storedOf(tab);
  for (const c of q.calls) assert.equal(spans.find((s) => s.spanId === c.id), undefined);
});

test("a click stored before the worker restarted still opens the trace of the calls after it", async () => {
  const tab = 18;
  const q = question(1_750_000_600_000, 30);
  await ingestBatch(tab, 0, [q.events[0]!]);
  forgetAll();
  await ingestBatch(tab, 0, q.events.slice(1));
  const { spans } = await storedOf(tab);
  for (const c of [q.calls[1]!, q.calls[3]!]) assert.equal(spans.find((s) => s.spanId === c.id)!.parentSpanId, q.events[0]!.id);
});

test("an exchange derived again later (no new events) is not marked as coming from another frame", async () => {
  const tab = 19;
  const q = question(1_750_000_700_000, 40);
  const stream = q.calls[1]!;
  // In flight: no end yet.
  await ingestBatch(tab, 0, stream.events.filter((e) => e.t !== "end"));
  await ingestBatch(tab, undefined, [], { rederive: [stream.id] });
  const span = (await openStore()).get("spans", stream.id);
  assert.equal((await span)?.attributes["llm_trace.unverified"], undefined);
});
