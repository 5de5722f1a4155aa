/**
 * A WebSocket session in a HAR, as Chrome DevTools writes it: an entry with
 * `_resourceType: "websocket"` and `_webSocketMessages: [{type: "send"|"receive", time, opcode,
 * data}]`, `time` in seconds since the epoch. Our exchange keeps the messages as the lines of
 * its body (contract/ws-messages.ts); here they become Chrome's list and back, for our own
 * files and Chrome's alike. A message cut at the capture cap says so in `_truncated`.
 */
import { wsMessageLine, wsMessages, type Chunk, type WsMessage } from "../contract";
import { isObj } from "../providers";
import { isFiniteNumber } from "./read";

export interface HarWebSocketMessage {
  type: "send" | "receive";
  time: number;
  opcode: number;
  data: string;
  _truncated?: true;
}

/** Chrome's message list of a session's body chunks. */
export function harWebSocketMessages(chunks: readonly Chunk[]): HarWebSocketMessage[] {
  return wsMessages(chunks).map((m) => ({
    type: m.type, time: m.time / 1000, opcode: m.opcode, data: m.data, ...(m.truncated ? { _truncated: true as const } : {}),
  }));
}

/**
 * The body chunks of a session from a HAR's message list: one chunk a message. Messages of an
 * opcode other than text and binary (Chrome lists none, a hand-edited file might) are left out;
 * undefined when the value is no list.
 */
export function chunksOfWebSocketMessages(list: unknown, fallbackTime: number): Chunk[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: Chunk[] = [];
  for (const v of list) {
    if (!isObj(v) || (v.type !== "send" && v.type !== "receive") || typeof v.data !== "string") continue;
    if (v.opcode !== 1 && v.opcode !== 2) continue;
    const time = isFiniteNumber(v.time) ? v.time * 1000 : fallbackTime;
    const m: Pick<WsMessage, "type" | "opcode" | "data" | "truncated"> = { type: v.type, opcode: v.opcode, data: v.data, ...(v._truncated === true ? { truncated: true as const } : {}) };
    out.push({ time, text: wsMessageLine(m) });
  }
  return out;
}
