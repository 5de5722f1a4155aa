/**
 * OpenAI Realtime over a WebSocket (wss://api.openai.com/v1/realtime, Azure's /openai/realtime):
 * the session's client and server events read into its responses (live-session.ts). Both the
 * GA event names (response.output_text.delta, response.output_audio_transcript.delta,
 * conversation.item.added) and the beta ones (response.text.delta,
 * response.audio_transcript.delta, conversation.item.created) are read.
 */
import type { WsMessage } from "../contract";
import { arr, isObj, name, obj, str, type Obj } from "./json";
import type { LiveResponse, LiveSession, LiveToolCall } from "./live-session";
import { addAudio, messageJson } from "./live-session";
import { text as textPart, toolResponse, type Message, type Part } from "./messages";
import { openAIUsage, toolDefinitions } from "./openai-common";
import { parseArguments } from "./json";

const AUDIO_DELTAS = new Set(["response.output_audio.delta", "response.audio.delta"]);
const TEXT_DELTAS = new Set(["response.output_text.delta", "response.text.delta", "response.output_audio_transcript.delta", "response.audio_transcript.delta"]);

/** Whether the session speaks OpenAI Realtime: its URL, or a server event only it sends. */
export function isOpenAIRealtime(url: string, messages: readonly WsMessage[]): boolean {
  if (/\/realtime(?:$|[/?])/i.test(url.slice(0, 2048))) return true;
  for (let i = 0; i < messages.length && i < 5; i++) {
    const e = messageJson(messages[i]!);
    if (e && (e.type === "session.created" || e.type === "transcription_session.created")) return true;
  }
  return false;
}

export function parseOpenAIRealtime(url: string, messages: readonly WsMessage[]): LiveSession {
  const session: LiveSession = { provider: /\.azure\.com|\/openai\/realtime/i.test(url.slice(0, 2048)) ? "azure.ai.openai" : "openai", api: "OpenAI Realtime", tools: [], responses: [] };
  try {
    session.model = new URL(url).searchParams.get("model") ?? undefined;
  } catch {
    // a URL we cannot read: the model comes from the session events
  }
  const byId = new Map<string, LiveResponse>();
  /** Items the page added since the last response: its input. */
  let input: Message[] = [];
  /** response.create sent, not yet answered by response.created. */
  let requested: number | undefined;
  /** When the user's spoken turn ended (server VAD), for a response the server starts itself. */
  let turnEnd: number | undefined;
  const calls = new Map<string, LiveToolCall>();
  let current: LiveResponse | undefined;
  /** The session's output audio format (pcm16 at 24 kHz unless the session says otherwise). */
  const audio = { mime: "audio/pcm;rate=24000" };

  const responseOf = (e: Obj): LiveResponse | undefined => {
    const id = name(e.response_id) ?? name(obj(e.response)?.id);
    return (id !== undefined ? byId.get(id) : undefined) ?? current;
  };

  for (const m of messages) {
    const e = messageJson(m);
    if (!e) continue;
    const type = name(e.type);
    if (!type) continue;
    if (m.type === "send") {
      if (type === "session.update") {
        readSessionConfig(session, obj(e.session));
        readAudioFormat(audio, obj(e.session));
      }
      else if (type === "conversation.item.create") {
        const item = obj(e.item);
        const msg = item && itemMessage(item);
        if (msg) input.push(msg);
        if (item?.type === "function_call_output") {
          const call = calls.get(name(item.call_id) ?? "");
          if (call && call.resultTime === undefined) {
            call.resultTime = m.time;
            call.result = parseArguments(str(item.output) ?? "");
          }
        }
      } else if (type === "response.create") requested = m.time;
      continue;
    }
    switch (type) {
      case "session.created":
      case "session.updated": {
        const s = obj(e.session);
        if (name(s?.model)) session.model = name(s?.model);
        if (type === "session.created" || !session.instructions) readSessionConfig(session, s);
        readAudioFormat(audio, s);
        break;
      }
      case "input_audio_buffer.speech_stopped":
      case "input_audio_buffer.committed":
        turnEnd = m.time;
        break;
      case "conversation.item.input_audio_transcription.completed": {
        const transcript = str(e.transcript);
        if (transcript) input.push({ role: "user", parts: [textPart(transcript)] });
        break;
      }
      case "response.created": {
        const r = obj(e.response);
        const response: LiveResponse = {
          id: name(r?.id), start: requested ?? turnEnd ?? m.time, input, output: [], toolCalls: [],
        };
        input = [];
        requested = undefined;
        turnEnd = undefined;
        if (response.id) byId.set(response.id, response);
        session.responses.push(response);
        current = response;
        break;
      }
      case "response.function_call_arguments.delta": {
        const r = responseOf(e);
        if (r && r.firstDelta === undefined) r.firstDelta = m.time;
        break;
      }
      case "response.function_call_arguments.done": {
        const r = responseOf(e);
        if (!r) break;
        addCall(r, calls, name(e.call_id), name(e.name), str(e.arguments), m.time);
        break;
      }
      case "response.done": {
        const r = responseOf(e);
        if (!r) break;
        const done = obj(e.response);
        r.end = m.time;
        r.usage = openAIUsage(done?.usage) ?? r.usage;
        const status = name(done?.status);
        const details = obj(done?.status_details);
        if (status === "failed") {
          const err = obj(details?.error);
          r.error = { type: name(err?.code) ?? name(err?.type) ?? "failed", message: str(err?.message) };
        } else if (status === "incomplete" || status === "cancelled") r.finishReason = name(details?.reason) ?? status;
        const parts: Part[] = [];
        for (const item of arr(done?.output)) {
          if (!isObj(item)) continue;
          if (item.type === "function_call") addCall(r, calls, name(item.call_id), name(item.name), str(item.arguments), m.time);
          for (const c of arr(item.content)) {
            if (!isObj(c)) continue;
            const t = str(c.text) ?? str(c.transcript);
            if (t) parts.push(textPart(t));
          }
        }
        // What the deltas spelled out, unless the final response says it whole.
        if (parts.length) r.output = parts;
        if (current === r) current = undefined;
        break;
      }
      case "error": {
        const err = obj(e.error);
        const r = current;
        if (r && r.end === undefined) {
          r.error = { type: name(err?.code) ?? name(err?.type) ?? "error", message: str(err?.message) };
          r.end = m.time;
          current = undefined;
        }
        break;
      }
      default:
        if (AUDIO_DELTAS.has(type)) {
          const r = responseOf(e);
          const delta = str(e.delta);
          if (!r || delta === undefined) break;
          if (r.firstDelta === undefined) r.firstDelta = m.time;
          addAudio(r, audio.mime, delta);
        } else if (TEXT_DELTAS.has(type)) {
          const r = responseOf(e);
          const delta = str(e.delta);
          if (!r || delta === undefined) break;
          if (r.firstDelta === undefined) r.firstDelta = m.time;
          const last = r.output[r.output.length - 1];
          if (last && last.type === "text" && typeof last.content === "string") last.content += delta;
          else r.output.push(textPart(delta));
        }
    }
  }
  return session;
}

function readSessionConfig(session: LiveSession, s: Obj | undefined): void {
  if (!s) return;
  if (name(s.model)) session.model = name(s.model);
  if (typeof s.instructions === "string" && s.instructions !== "") session.instructions = s.instructions;
  const tools = toolDefinitions(s.tools);
  if (tools.length) session.tools = tools;
}

/** Beta names of output audio formats, as media types. */
const BETA_FORMATS: Record<string, string> = { pcm16: "audio/pcm;rate=24000", g711_ulaw: "audio/pcmu", g711_alaw: "audio/pcma" };

/** The output audio format a session states: GA `audio.output.format`, beta `output_audio_format`. */
function readAudioFormat(audio: { mime: string }, s: Obj | undefined): void {
  if (!s) return;
  const format = obj(obj(obj(s.audio)?.output)?.format);
  const type = name(format?.type);
  if (type) {
    const rate = typeof format?.rate === "number" && Number.isInteger(format.rate) ? format.rate : undefined;
    audio.mime = type === "audio/pcm" ? `audio/pcm;rate=${rate ?? 24_000}` : type;
    return;
  }
  const beta = name(s.output_audio_format);
  if (beta) audio.mime = BETA_FORMATS[beta] ?? beta;
}

function addCall(r: LiveResponse, calls: Map<string, LiveToolCall>, id: string | undefined, callName: string | undefined, args: string | undefined, time: number): void {
  if (id !== undefined && calls.has(id)) return;
  const call: LiveToolCall = { id, name: callName ?? "", ...(args !== undefined ? { arguments: parseArguments(args) } : {}), time };
  r.toolCalls.push(call);
  if (id !== undefined) calls.set(id, call);
}

/** A conversation item the page added, as a message. */
function itemMessage(item: Obj): Message | undefined {
  if (item.type === "function_call_output") return { role: "tool", parts: [toolResponse(name(item.call_id), parseArguments(str(item.output) ?? ""))] };
  if (item.type !== "message" && item.type !== undefined) return undefined;
  const parts: Part[] = [];
  for (const c of arr(item.content)) {
    if (!isObj(c)) continue;
    const t = str(c.text) ?? str(c.transcript);
    if (t) parts.push(textPart(t));
    else if (c.type === "input_audio") parts.push({ type: "blob", modality: "audio", content: "" });
  }
  return parts.length ? { role: name(item.role) ?? "user", parts } : undefined;
}
