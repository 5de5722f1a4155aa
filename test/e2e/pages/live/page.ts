/**
 * A page that talks to live model APIs the way real apps do: OpenAI Realtime through the
 * `openai` package's OpenAIRealtimeWebSocket and Gemini Live through `@google/genai`'s
 * ai.live.connect, each a session with a plain turn and a turn with a tool call; a plain
 * WebSocket; and a native EventSource, reading plain messages and, on a second stream, named
 * events (`event: delta`, `tool`, `done`) through addEventListener. Bundled by test/e2e/support/sdk-bundle.ts and driven by
 * the transports specs, which compare what the clients handed this page (window.live.run's
 * result) with the spans the extension recorded. Nothing here reads the wire format: values
 * come from the clients' own events.
 */
import { GoogleGenAI, Modality, Type, type LiveServerMessage } from "@google/genai";
import OpenAI from "openai";
import { OpenAIRealtimeWebSocket } from "openai/realtime/websocket";

export interface SeenResponse {
  text: string;
  inputTokens?: number;
  outputTokens?: number;
  toolCalls: { id?: string; name: string; arguments: unknown }[];
  /** Bytes of spoken output the client handed the page (each chunk decoded on its own). */
  audioBytes?: number;
}

const decodedBytes = (b64: string): number => atob(b64).length;

export interface SeenSession {
  api: "openai-realtime" | "gemini-live";
  model: string;
  responses: SeenResponse[];
}

export interface LiveResult {
  sessions: SeenSession[];
  echo: { sent: string[]; received: string[]; binaryBytes: number };
  eventSource: { url: string; data: string[]; text: string };
  namedEvents: NamedEventsSeen;
}

/** What the page's listeners saw of a stream of named events, in the order they saw it. */
export interface NamedEventsSeen {
  url: string;
  /** Each event once, as its first listener got it: name, data, last event id. */
  events: { type: string; data: string; lastEventId: string }[];
  text: string;
}

declare global {
  interface Window {
    live: { run(): Promise<LiveResult> };
  }
}

const WEATHER = { city: "Paris", forecast: "sunny", celsius: 21 };

async function openaiRealtime(): Promise<SeenSession> {
  const client = new OpenAI({ apiKey: "sk-test-not-a-real-key-realtime-000", dangerouslyAllowBrowser: true });
  const rt = new OpenAIRealtimeWebSocket({ model: "gpt-realtime", dangerouslyAllowBrowser: true }, client);
  const seen: SeenSession = { api: "openai-realtime", model: "", responses: [] };
  let current: SeenResponse | undefined;
  let done: (() => void) | undefined;
  rt.on("error", (e) => console.error("realtime error", e));
  rt.on("session.created", (e) => (seen.model = ("model" in e.session ? e.session.model : undefined) ?? ""));
  rt.on("response.created", () => {
    current = { text: "", toolCalls: [] };
    seen.responses.push(current);
  });
  rt.on("response.output_text.delta", (e) => current && (current.text += e.delta));
  rt.on("response.output_audio_transcript.delta", (e) => current && (current.text += e.delta));
  rt.on("response.output_audio.delta", (e) => current && (current.audioBytes = (current.audioBytes ?? 0) + decodedBytes(e.delta)));
  rt.on("response.function_call_arguments.done", (e) => current?.toolCalls.push({ id: e.call_id, name: e.name, arguments: JSON.parse(e.arguments) }));
  rt.on("response.done", (e) => {
    if (current) {
      current.inputTokens = e.response.usage?.input_tokens;
      current.outputTokens = e.response.usage?.output_tokens;
    }
    done?.();
  });
  const turn = () => new Promise<void>((resolve) => (done = resolve));
  await new Promise<void>((resolve, reject) => {
    rt.socket.addEventListener("open", () => resolve());
    rt.socket.addEventListener("error", () => reject(new Error("realtime socket failed")));
  });
  rt.send({
    type: "session.update",
    session: {
      type: "realtime", instructions: "You are a terse assistant.", output_modalities: ["text"],
      tools: [{ type: "function", name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } } } }],
    },
  });
  rt.send({ type: "conversation.item.create", item: { type: "message", role: "user", content: [{ type: "input_text", text: "Say hello." }] } });
  let finished = turn();
  rt.send({ type: "response.create" });
  await finished;
  rt.send({ type: "conversation.item.create", item: { type: "message", role: "user", content: [{ type: "input_text", text: "What is the weather in Paris?" }] } });
  finished = turn();
  rt.send({ type: "response.create" });
  await finished;
  const call = seen.responses[seen.responses.length - 1]!.toolCalls[0]!;
  rt.send({ type: "conversation.item.create", item: { type: "function_call_output", call_id: call.id!, output: JSON.stringify(WEATHER) } });
  finished = turn();
  rt.send({ type: "response.create" });
  await finished;
  rt.send({ type: "conversation.item.create", item: { type: "message", role: "user", content: [{ type: "input_text", text: "Now say it out loud." }] } });
  finished = turn();
  rt.send({ type: "response.create", response: { output_modalities: ["audio"] } });
  await finished;
  rt.close();
  return seen;
}

async function geminiLive(): Promise<SeenSession> {
  const ai = new GoogleGenAI({ apiKey: "AIzaSy-test-not-a-real-gemini-key-000" });
  const model = "gemini-live-2.5-flash-preview";
  const seen: SeenSession = { api: "gemini-live", model, responses: [] };
  let current: SeenResponse | undefined;
  let done: (() => void) | undefined;
  const onmessage = (m: LiveServerMessage): void => {
    const parts = m.serverContent?.modelTurn?.parts ?? [];
    if ((parts.length || m.toolCall) && !current) {
      current = { text: "", toolCalls: [] };
      seen.responses.push(current);
    }
    for (const p of parts) if (p.text && current) current.text += p.text;
    for (const p of parts) if (p.inlineData?.data && current) current.audioBytes = (current.audioBytes ?? 0) + decodedBytes(p.inlineData.data);
    const spoken = m.serverContent?.outputTranscription?.text;
    if (spoken && current) current.text += spoken;
    for (const f of m.toolCall?.functionCalls ?? []) current?.toolCalls.push({ id: f.id, name: f.name ?? "", arguments: f.args });
    if (m.usageMetadata && current) {
      current.inputTokens = m.usageMetadata.promptTokenCount;
      current.outputTokens = m.usageMetadata.responseTokenCount;
    }
    if (m.serverContent?.turnComplete || m.toolCall) {
      current = undefined;
      done?.();
    }
  };
  const session = await ai.live.connect({
    model,
    config: {
      responseModalities: [Modality.TEXT],
      systemInstruction: "You are a terse assistant.",
      tools: [{ functionDeclarations: [{ name: "get_weather", description: "Weather in a city", parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } } }] }],
    },
    callbacks: { onmessage, onerror: (e) => console.error("live error", e) },
  });
  const turn = () => new Promise<void>((resolve) => (done = resolve));
  let finished = turn();
  session.sendClientContent({ turns: [{ role: "user", parts: [{ text: "Say hello." }] }], turnComplete: true });
  await finished;
  finished = turn();
  session.sendClientContent({ turns: [{ role: "user", parts: [{ text: "What is the weather in Paris?" }] }], turnComplete: true });
  await finished;
  const call = seen.responses[seen.responses.length - 1]!.toolCalls[0]!;
  finished = turn();
  session.sendToolResponse({ functionResponses: [{ id: call.id, name: call.name, response: WEATHER }] });
  await finished;
  finished = turn();
  session.sendClientContent({ turns: [{ role: "user", parts: [{ text: "Now say it out loud." }] }], turnComplete: true });
  await finished;
  session.close();
  return seen;
}

/** A socket that is no model's: its messages are kept as a session. */
async function echo(): Promise<LiveResult["echo"]> {
  const ws = new WebSocket(`wss://${location.host}/live/echo`);
  ws.binaryType = "arraybuffer";
  const sent = ["ping 1", "ping 2", "ping 3"];
  const received: string[] = [];
  let binaryBytes = 0;
  await new Promise((r) => ws.addEventListener("open", r, { once: true }));
  const all = new Promise<void>((resolve) => {
    ws.addEventListener("message", (e) => {
      if (typeof e.data === "string") received.push(e.data);
      else binaryBytes += (e.data as ArrayBuffer).byteLength;
      if (received.length === sent.length && binaryBytes > 0) resolve();
    });
  });
  for (const s of sent) ws.send(s);
  ws.send(new Uint8Array([0, 1, 2, 3]));
  await all;
  const closed = new Promise((r) => ws.addEventListener("close", r, { once: true }));
  ws.close(1000, "done");
  await closed;
  return { sent, received, binaryBytes };
}

/** A native EventSource reading a chat-completion stream from an app backend. */
async function eventSource(): Promise<LiveResult["eventSource"]> {
  const url = `${location.origin}/live/events?q=${encodeURIComponent("what is an EventSource")}`;
  const es = new EventSource(url);
  const data: string[] = [];
  await new Promise<void>((resolve) => {
    es.onmessage = (e) => {
      data.push(e.data);
      if (e.data === "[DONE]") {
        es.close();
        resolve();
      }
    };
  });
  let text = "";
  for (const d of data) {
    if (d === "[DONE]") continue;
    text += (JSON.parse(d) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "";
  }
  return { url, data, text };
}

/**
 * A native EventSource whose backend names its events: the page listens for `delta`, `tool` and
 * `done` (and plain messages), never for the backend's `heartbeat`, and closes at `done`.
 */
async function namedEvents(): Promise<NamedEventsSeen> {
  const url = `${location.origin}/live/named-events?q=${encodeURIComponent("named events")}`;
  const es = new EventSource(url);
  const events: NamedEventsSeen["events"] = [];
  const seen = (e: MessageEvent<string>) => events.push({ type: e.type, data: e.data, lastEventId: e.lastEventId });
  let text = "";
  // Two listeners for deltas, the second through `once`: each event is kept once, by the first.
  es.addEventListener("delta", (e) => {
    seen(e);
    text += (JSON.parse(e.data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "";
  });
  es.addEventListener("delta", () => {}, { once: true });
  es.addEventListener("tool", seen);
  es.onmessage = seen;
  await new Promise<void>((resolve) => {
    es.addEventListener("done", (e) => {
      seen(e);
      es.close();
      resolve();
    });
  });
  return { url, events, text };
}

async function run(): Promise<LiveResult> {
  return { sessions: [await openaiRealtime(), await geminiLive()], echo: await echo(), eventSource: await eventSource(), namedEvents: await namedEvents() };
}

window.live = { run };
