/**
 * A WebSocket session stored as an exchange: its messages, both ways, are its response body,
 * one line each, so that the body can be cut anywhere (batches, the stream redactor's
 * releases) and still be read back message by message (docs/DESIGN.md, "Other transports"):
 *
 *   <s|r><opcode>[t] <data as a JSON string>\n
 *
 * `s` a message the page sent, `r` one it received; opcode 1 text, 2 binary (its bytes read
 * as UTF-8: a Gemini Live server sends its JSON in binary frames); `t` the data was cut at the
 * capture cap. A message's time is the arrival time of the chunk its line begins in.
 */
import type { Chunk } from "./exchange";

export interface WsMessage {
  type: "send" | "receive";
  /** ms since the Unix epoch */
  time: number;
  opcode: 1 | 2;
  data: string;
  truncated?: true;
}

/** Chrome's cap on a HAR's message list is none; ours keeps a session's list readable. */
export const MAX_WS_MESSAGES = 100_000;

/** One message as a line of the session's body. */
export function wsMessageLine(m: Pick<WsMessage, "type" | "opcode" | "data" | "truncated">): string {
  return `${m.type === "send" ? "s" : "r"}${m.opcode}${m.truncated ? "t" : ""} ${JSON.stringify(m.data)}\n`;
}

/** Parse one line; undefined for a line that is not a message (broken by a redaction mark, say). */
function parseLine(line: string, time: number): WsMessage | undefined {
  const space = line.indexOf(" ");
  if (space < 2 || space > 3) return undefined;
  const dir = line[0];
  const opcode = line[1];
  if ((dir !== "s" && dir !== "r") || (opcode !== "1" && opcode !== "2") || (space === 3 && line[2] !== "t")) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(line.slice(space + 1));
  } catch {
    return undefined;
  }
  if (typeof data !== "string") return undefined;
  return { type: dir === "s" ? "send" : "receive", time, opcode: opcode === "1" ? 1 : 2, data, ...(space === 3 ? { truncated: true as const } : {}) };
}

/** A session's messages from its body chunks, in order (at most MAX_WS_MESSAGES). Linear in the text. */
export function wsMessages(chunks: readonly Chunk[]): WsMessage[] {
  const out: WsMessage[] = [];
  let line = "";
  let lineTime: number | undefined;
  for (const c of chunks) {
    let from = 0;
    while (from < c.text.length) {
      if (lineTime === undefined) lineTime = c.time;
      const nl = c.text.indexOf("\n", from);
      if (nl < 0) {
        line += c.text.slice(from);
        break;
      }
      line += c.text.slice(from, nl);
      const m = parseLine(line, lineTime);
      if (m && out.length < MAX_WS_MESSAGES) out.push(m);
      line = "";
      lineTime = undefined;
      from = nl + 1;
    }
  }
  return out;
}
