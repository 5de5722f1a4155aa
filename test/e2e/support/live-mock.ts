/**
 * Live model APIs over WebSockets for the transports specs, spoken well enough for the official
 * browser clients: OpenAI Realtime (openai/realtime/websocket, GA event names) at /v1/realtime
 * and Gemini Live (@google/genai ai.live.connect) at .../BidiGenerateContent, which, like
 * Google's server, sends its JSON in binary frames. Also a plain echo socket and two server-sent
 * events streams for a native EventSource: chat-completion chunks as plain messages, and the same
 * chunks as named events (`event: delta`, then `event: done`) as app backends often send them. Each response waits FIRST_DELTA_MS before its first
 * delta, so a span's time to first delta must be at least that.
 *
 * A user message that mentions the weather gets a tool call (get_weather) first; the answer
 * after the tool's result quotes it. One that asks to say it "out loud" is answered in speech:
 * 16-bit PCM at 24 kHz (a tone) in chunks, each base64 of its own, with its transcript.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";

export const FIRST_DELTA_MS = 150;
export const REALTIME_MODEL = "gpt-realtime-2025-08-28";
export const LIVE_MODEL = "gemini-live-2.5-flash-preview";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A reply in a few deltas, as the APIs stream them. */
const pieces = (text: string): string[] => text.match(/.{1,6}/gs) ?? [text];
const tokens = (text: string): number => Math.ceil(text.length / 4);

/** Half a second of a 440 Hz tone, 16-bit little-endian PCM at 24 kHz. */
export const SPOKEN_BYTES = 24_000;
/** Not a multiple of 3: every chunk's base64 ends in padding, as real servers' chunks do. */
const AUDIO_CHUNK = 4_802;
function spokenChunks(): string[] {
  const pcm = Buffer.alloc(SPOKEN_BYTES);
  for (let i = 0; i < SPOKEN_BYTES / 2; i++) pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / 24_000) * 8000), i * 2);
  const out: string[] = [];
  for (let at = 0; at < pcm.length; at += AUDIO_CHUNK) out.push(pcm.subarray(at, at + AUDIO_CHUNK).toString("base64"));
  return out;
}
const SPOKEN_TEXT = "This answer is spoken.";

export interface LiveMock {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Handles the EventSource stream; false for any other request. */
  route(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

export function createLiveMock(): LiveMock {
  const wss = new WebSocketServer({ noServer: true });
  return {
    upgrade(req, socket, head) {
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (url.pathname.endsWith("/realtime")) openaiRealtime(ws);
        else if (url.pathname.includes("BidiGenerateContent")) geminiLive(ws);
        else echo(ws);
      });
    },
    route(req, res, url) {
      if (req.method !== "GET") return false;
      if (url.pathname === "/live/events") void eventStream(res, url.searchParams.get("q") ?? "");
      else if (url.pathname === "/live/named-events") void namedEventStream(res, url.searchParams.get("q") ?? "");
      else return false;
      return true;
    },
  };
}

function echo(ws: WebSocket): void {
  ws.on("message", (data: RawData, binary: boolean) => ws.send(binary ? data : `echo: ${data.toString()}`, { binary }));
}

/** Chat-completion chunks, as an app backend streams them to an EventSource. */
async function eventStream(res: ServerResponse, q: string): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const answer = `You asked: ${q}. Here is a streamed answer.`;
  await sleep(FIRST_DELTA_MS);
  const chunk = (delta: object, extra: object = {}) =>
    `data: ${JSON.stringify({ id: "chatcmpl-es1", object: "chat.completion.chunk", created: 1, model: EVENT_SOURCE_MODEL, choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }));
  for (const p of pieces(answer)) {
    res.write(chunk({ content: p }));
    await sleep(5);
  }
  res.write(`data: ${JSON.stringify({ id: "chatcmpl-es1", object: "chat.completion.chunk", created: 1, model: EVENT_SOURCE_MODEL, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 9, completion_tokens: tokens(answer), total_tokens: 9 + tokens(answer) } })}\n\n`);
  res.write("data: [DONE]\n\n");
  res.end();
}

/** The model the EventSource streams name. */
export const EVENT_SOURCE_MODEL = "gpt-4o-mini-2024-07-18";
/** Events of this name are sent, but the page never listens for them. */
export const UNHEARD_EVENT = "heartbeat";

/**
 * Chat-completion chunks as named events, with ids, as a backend proxying a model sends them:
 * `event: delta` for each chunk, plain messages (no `event:`) for progress notes between them,
 * a `heartbeat` nobody listens for, a named `tool` event, and `event: done` with [DONE].
 */
async function namedEventStream(res: ServerResponse, q: string): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const answer = `Named events for: ${q}. Each delta is its own event.`;
  await sleep(FIRST_DELTA_MS);
  const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
    JSON.stringify({ id: "chatcmpl-es2", object: "chat.completion.chunk", created: 1, model: EVENT_SOURCE_MODEL, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
  let id = 0;
  const send = (event: string | undefined, data: string) => res.write(`${event ? `event: ${event}\n` : ""}id: ${++id}\ndata: ${data}\n\n`);
  send("delta", chunk({ role: "assistant", content: "" }));
  send(undefined, "progress: started");
  pieces(answer).forEach((p, i) => {
    send("delta", chunk({ content: p }));
    if (i === 2) send(UNHEARD_EVENT, "{}");
    if (i === 3) send(undefined, "progress: halfway\nstill going");
  });
  await sleep(5);
  send("tool", JSON.stringify({ name: "lookup", arguments: { q } }));
  send("delta", chunk({}, "stop", { usage: { prompt_tokens: 11, completion_tokens: tokens(answer), total_tokens: 11 + tokens(answer) } }));
  send("done", "[DONE]");
  res.end();
}

function openaiRealtime(ws: WebSocket): void {
  let n = 0;
  const session: Record<string, unknown> = { id: "sess_mock", object: "realtime.session", type: "realtime", model: REALTIME_MODEL, instructions: "", tools: [] };
  const items: { type: string; role?: string; text?: string; output?: string }[] = [];
  const send = (e: object) => ws.send(JSON.stringify({ event_id: `event_${++n}`, ...e }));
  send({ type: "session.created", session });
  ws.on("message", (raw: RawData) => {
    const e = JSON.parse(raw.toString()) as { type: string; session?: object; item?: { type: string; role?: string; content?: { text?: string }[]; output?: string } };
    if (e.type === "session.update") {
      Object.assign(session, e.session);
      send({ type: "session.updated", session });
    } else if (e.type === "conversation.item.create" && e.item) {
      const item = { type: e.item.type, role: e.item.role, text: e.item.content?.map((c) => c.text ?? "").join(""), output: e.item.output };
      items.push(item);
      const added = { id: `item_${++n}`, ...e.item, status: "completed" };
      send({ type: "conversation.item.added", previous_item_id: null, item: added });
      send({ type: "conversation.item.done", previous_item_id: null, item: added });
    } else if (e.type === "response.create") void respond();
  });

  async function respond(): Promise<void> {
    const id = `resp_${++n}`;
    const last = items[items.length - 1];
    const input = items.reduce((sum, i) => sum + tokens(i.text ?? i.output ?? ""), 20);
    send({ type: "response.created", response: { id, object: "realtime.response", status: "in_progress", output: [] } });
    await sleep(FIRST_DELTA_MS);
    if (last?.type === "message" && /weather/i.test(last.text ?? "")) {
      const callId = `call_${++n}`;
      const args = JSON.stringify({ city: "Paris" });
      const item = { id: `item_${++n}`, type: "function_call", status: "completed", name: "get_weather", call_id: callId, arguments: args };
      send({ type: "response.output_item.added", response_id: id, output_index: 0, item: { ...item, arguments: "", status: "in_progress" } });
      send({ type: "response.function_call_arguments.delta", response_id: id, item_id: item.id, output_index: 0, call_id: callId, delta: args.slice(0, 8) });
      send({ type: "response.function_call_arguments.delta", response_id: id, item_id: item.id, output_index: 0, call_id: callId, delta: args.slice(8) });
      send({ type: "response.function_call_arguments.done", response_id: id, item_id: item.id, output_index: 0, call_id: callId, name: "get_weather", arguments: args });
      send({ type: "response.output_item.done", response_id: id, output_index: 0, item });
      send({ type: "response.done", response: { id, object: "realtime.response", status: "completed", output: [item], usage: { total_tokens: input + 12, input_tokens: input, output_tokens: 12 } } });
      return;
    }
    if (last?.type === "message" && /out loud/i.test(last.text ?? "")) {
      const itemId = `item_${++n}`;
      send({ type: "response.output_item.added", response_id: id, output_index: 0, item: { id: itemId, type: "message", role: "assistant", status: "in_progress", content: [] } });
      send({ type: "response.content_part.added", response_id: id, item_id: itemId, output_index: 0, content_index: 0, part: { type: "output_audio", transcript: "" } });
      for (const delta of spokenChunks()) {
        send({ type: "response.output_audio.delta", response_id: id, item_id: itemId, output_index: 0, content_index: 0, delta });
        await sleep(5);
      }
      for (const p of pieces(SPOKEN_TEXT)) send({ type: "response.output_audio_transcript.delta", response_id: id, item_id: itemId, output_index: 0, content_index: 0, delta: p });
      send({ type: "response.output_audio.done", response_id: id, item_id: itemId, output_index: 0, content_index: 0 });
      send({ type: "response.output_audio_transcript.done", response_id: id, item_id: itemId, output_index: 0, content_index: 0, transcript: SPOKEN_TEXT });
      const item = { id: itemId, type: "message", role: "assistant", status: "completed", content: [{ type: "output_audio", transcript: SPOKEN_TEXT }] };
      send({ type: "response.output_item.done", response_id: id, output_index: 0, item });
      send({ type: "response.done", response: { id, object: "realtime.response", status: "completed", output: [item], usage: { total_tokens: input + 40, input_tokens: input, output_tokens: 40 } } });
      return;
    }
    const text = last?.type === "function_call_output" ? `The weather tool says: ${last.output}` : `Hello! You said: ${last?.text ?? ""}`;
    const itemId = `item_${++n}`;
    send({ type: "response.output_item.added", response_id: id, output_index: 0, item: { id: itemId, type: "message", role: "assistant", status: "in_progress", content: [] } });
    send({ type: "response.content_part.added", response_id: id, item_id: itemId, output_index: 0, content_index: 0, part: { type: "output_text", text: "" } });
    for (const p of pieces(text)) {
      send({ type: "response.output_text.delta", response_id: id, item_id: itemId, output_index: 0, content_index: 0, delta: p });
      await sleep(5);
    }
    send({ type: "response.output_text.done", response_id: id, item_id: itemId, output_index: 0, content_index: 0, text });
    const item = { id: itemId, type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text }] };
    send({ type: "response.output_item.done", response_id: id, output_index: 0, item });
    send({ type: "response.done", response: { id, object: "realtime.response", status: "completed", output: [item], usage: { total_tokens: input + tokens(text), input_tokens: input, output_tokens: tokens(text) } } });
  }
}

function geminiLive(ws: WebSocket): void {
  // Google's server sends JSON in binary frames; the client reads them as Blobs.
  const send = (m: object) => ws.send(Buffer.from(JSON.stringify(m)), { binary: true });
  let promptTokens = 30;
  ws.on("message", (raw: RawData) => {
    const m = JSON.parse(raw.toString()) as {
      setup?: object;
      clientContent?: { turns?: { parts?: { text?: string }[] }[]; turnComplete?: boolean };
      toolResponse?: { functionResponses?: { id?: string; name?: string; response?: unknown }[] };
    };
    if (m.setup) send({ setupComplete: {} });
    else if (m.clientContent?.turnComplete) {
      const said = (m.clientContent.turns ?? []).flatMap((t) => t.parts ?? []).map((p) => p.text ?? "").join("");
      promptTokens += tokens(said);
      void (/weather/i.test(said) ? toolCall() : /out loud/i.test(said) ? speak() : answer(`Hi from Gemini Live. You said: ${said}`));
    } else if (m.toolResponse) {
      const r = m.toolResponse.functionResponses?.[0];
      void answer(`The weather tool says: ${JSON.stringify(r?.response)}`);
    }
  });

  async function toolCall(): Promise<void> {
    await sleep(FIRST_DELTA_MS);
    send({ toolCall: { functionCalls: [{ id: "function-call-1", name: "get_weather", args: { city: "Paris" } }] }, usageMetadata: { promptTokenCount: promptTokens, responseTokenCount: 7, totalTokenCount: promptTokens + 7 } });
  }

  async function speak(): Promise<void> {
    await sleep(FIRST_DELTA_MS);
    for (const data of spokenChunks()) {
      send({ serverContent: { modelTurn: { role: "model", parts: [{ inlineData: { mimeType: "audio/pcm;rate=24000", data } }] } } });
      await sleep(5);
    }
    send({ serverContent: { outputTranscription: { text: SPOKEN_TEXT } } });
    send({ serverContent: { generationComplete: true } });
    send({ serverContent: { turnComplete: true }, usageMetadata: { promptTokenCount: promptTokens, responseTokenCount: 40, totalTokenCount: promptTokens + 40 } });
    promptTokens += 40;
  }

  async function answer(text: string): Promise<void> {
    await sleep(FIRST_DELTA_MS);
    for (const p of pieces(text)) {
      send({ serverContent: { modelTurn: { role: "model", parts: [{ text: p }] } } });
      await sleep(5);
    }
    send({ serverContent: { generationComplete: true } });
    send({ serverContent: { turnComplete: true }, usageMetadata: { promptTokenCount: promptTokens, responseTokenCount: tokens(text), totalTokenCount: promptTokens + tokens(text) } });
    promptTokens += tokens(text);
  }
}
