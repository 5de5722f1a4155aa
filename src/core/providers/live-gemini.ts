/**
 * Gemini Live over a WebSocket (BidiGenerateContent, of the Gemini API and of Vertex AI): the
 * session's messages read into its responses (live-session.ts). The page sends `setup`, then
 * `clientContent` turns, `realtimeInput` and `toolResponse`; the server answers with
 * `serverContent` (modelTurn parts, transcriptions, turnComplete), `toolCall` and
 * `usageMetadata`. A response begins when the user's turn ends (turnComplete, a tool response,
 * the end of audio input) and ends at turnComplete or at a tool call (the model then waits).
 */
import type { WsMessage } from "../contract";
import { arr, isObj, name, num, obj, pick, str, type Obj } from "./json";
import type { LiveResponse, LiveSession } from "./live-session";
import { addAudio, messageJson } from "./live-session";
import { geminiUsage, partsOf, role, toolDefinitions } from "./gemini";
import { text as textPart, toolResponse, type Message, type Part } from "./messages";
import type { Usage } from "./draft";

export function isGeminiLive(url: string): boolean {
  return /bidigeneratecontent/i.test(url.slice(0, 2048));
}

export function parseGeminiLive(url: string, messages: readonly WsMessage[]): LiveSession {
  const session: LiveSession = { provider: /aiplatform/i.test(url.slice(0, 2048)) ? "gcp.vertex_ai" : "gcp.gemini", api: "Gemini Live", tools: [], responses: [] };
  let input: Message[] = [];
  let turnEnd: number | undefined;
  let current: LiveResponse | undefined;
  const pendingCalls = new Map<string, LiveResponse["toolCalls"][number]>();

  const open = (time: number): LiveResponse => {
    if (current) return current;
    current = { start: turnEnd ?? time, input, output: [], toolCalls: [] };
    input = [];
    turnEnd = undefined;
    session.responses.push(current);
    return current;
  };
  const close = (time: number): void => {
    if (!current) return;
    current.end = time;
    current = undefined;
  };

  for (const m of messages) {
    const e = messageJson(m);
    if (!e) continue;
    if (m.type === "send") {
      const setup = obj(e.setup);
      if (setup) {
        const model = name(setup.model);
        const at = model?.lastIndexOf("models/") ?? -1;
        if (model) session.model = at >= 0 ? model.slice(at + "models/".length) : model;
        const sys = obj(pick(setup, "systemInstruction", "system_instruction"));
        const sysText = partsOf(sys?.parts).map((p) => (p.type === "text" ? (p.content as string) : "")).join("");
        if (sysText) session.instructions = sysText;
        const tools = toolDefinitions(setup.tools);
        if (tools.length) session.tools = tools;
      }
      const content = obj(pick(e, "clientContent", "client_content"));
      if (content) {
        for (const t of arr(content.turns)) if (isObj(t)) input.push({ role: role(name(t.role)), parts: partsOf(t.parts) });
        if (pick(content, "turnComplete", "turn_complete") === true) turnEnd = m.time;
      }
      const realtime = obj(pick(e, "realtimeInput", "realtime_input"));
      if (realtime) {
        if (typeof realtime.text === "string") input.push({ role: "user", parts: [textPart(realtime.text)] });
        if (pick(realtime, "activityEnd", "activity_end") !== undefined || pick(realtime, "audioStreamEnd", "audio_stream_end") === true) turnEnd = m.time;
      }
      const tr = obj(pick(e, "toolResponse", "tool_response"));
      if (tr) {
        const parts: Part[] = [];
        for (const f of arr(pick(tr, "functionResponses", "function_responses"))) {
          if (!isObj(f)) continue;
          parts.push(toolResponse(name(f.id) ?? name(f.name), f.response));
          const call = pendingCalls.get(name(f.id) ?? name(f.name) ?? "");
          if (call && call.resultTime === undefined) {
            call.resultTime = m.time;
            call.result = f.response;
          }
        }
        if (parts.length) input.push({ role: "tool", parts });
        turnEnd = m.time;
      }
      continue;
    }
    const sc = obj(pick(e, "serverContent", "server_content"));
    const toolCall = obj(pick(e, "toolCall", "tool_call"));
    const usage = obj(pick(e, "usageMetadata", "usage_metadata"));
    if (sc) {
      const turn = obj(pick(sc, "modelTurn", "model_turn"));
      const parts = partsOf(turn?.parts);
      const transcript = str(obj(pick(sc, "outputTranscription", "output_transcription"))?.text);
      const heard = str(obj(pick(sc, "inputTranscription", "input_transcription"))?.text);
      if (heard) input.push({ role: "user", parts: [textPart(heard)] });
      const spoken = audioOf(turn?.parts);
      if (parts.some(isContent) || transcript || spoken.length) {
        const r = open(m.time);
        if (r.firstDelta === undefined) r.firstDelta = m.time;
        for (const a of spoken) addAudio(r, a.mime, a.data);
        for (const p of transcript ? [...parts.filter((p) => p.type !== "blob"), textPart(transcript)] : parts) append(r, p);
      }
      if (pick(sc, "turnComplete", "turn_complete") === true || pick(sc, "interrupted") === true) {
        if (pick(sc, "interrupted") === true && current) current.finishReason = "interrupted";
        if (usage && current) current.usage = liveUsage(usage);
        close(m.time);
        continue;
      }
    }
    if (toolCall) {
      const r = open(m.time);
      if (r.firstDelta === undefined) r.firstDelta = m.time;
      for (const f of arr(pick(toolCall, "functionCalls", "function_calls"))) {
        if (!isObj(f)) continue;
        const call = { id: name(f.id), name: str(f.name) ?? "", arguments: f.args ?? {}, time: m.time };
        r.toolCalls.push(call);
        pendingCalls.set(call.id ?? call.name, call);
      }
      if (usage) r.usage = liveUsage(usage);
      close(m.time);
      continue;
    }
    if (usage) {
      // Usage after the turn it counts (the server may send it alone): the latest response's.
      const r = current ?? session.responses[session.responses.length - 1];
      if (r) r.usage = liveUsage(usage);
    }
  }
  return session;
}

/** The audio chunks (inlineData with an audio/* type) among a model turn's parts, raw. */
function audioOf(parts: unknown): { mime: string; data: string }[] {
  const out: { mime: string; data: string }[] = [];
  for (const p of arr(parts)) {
    const inline = isObj(p) ? obj(pick(p, "inlineData", "inline_data")) : undefined;
    const mime = name(pick(inline ?? {}, "mimeType", "mime_type"));
    const data = str(inline?.data);
    if (mime && data && mime.toLowerCase().startsWith("audio/")) out.push({ mime, data });
  }
  return out;
}

function isContent(p: Part): boolean {
  return p.type === "text" ? (p.content as string) !== "" : p.type !== "blob";
}

/** Text parts run together, as the model spoke them; audio is left out (the transcript stands for it). */
function append(r: LiveResponse, p: Part): void {
  if (p.type === "blob") return;
  const last = r.output[r.output.length - 1];
  if (p.type === "text" && last && last.type === "text") last.content = (last.content as string) + (p.content as string);
  else r.output.push(p.type === "text" ? { ...p } : p);
}

/** Live reports responseTokenCount where generateContent reports candidatesTokenCount. */
function liveUsage(u: Obj): Usage | undefined {
  const base = geminiUsage(u);
  const output = num(u.responseTokenCount);
  if (output === undefined) return base;
  const thoughts = num(u.thoughtsTokenCount);
  return { ...base, input: num(u.promptTokenCount), output: output + (thoughts ?? 0), ...(thoughts !== undefined ? { reasoning: thoughts } : {}) };
}
