/**
 * Edit and resend, the background's part (docs/DESIGN.md, "Compare and replay"): a panel asks to
 * send one of its tab's model calls again; the call goes to the frame that made the original,
 * whose hook sends it with the headers it kept in the page's memory. The background checks what
 * the panel asks as it checks everything (only a panel's port reaches this, and only for its own
 * tab), stores nothing of it, and answers with the ids of the new calls, which arrive through
 * capture like any other.
 */
import browser from "webextension-polyfill";
import { isSpanId, randomHex } from "../core/contract";
import { isReplayAnswer, replayCommand, type ReplayCommand, type ReplayParams, type ReplayResult } from "../shared/messages";
import { readExchanges } from "./store";

const MAX_BODY_CHARS = 4 * 1024 * 1024;
const MAX_HEADER_CHARS = 16 * 1024;
/** RFC 9110 token characters: a header name that is anything else is refused, not sent. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function refused(message: string): ReplayResult {
  return { ok: false, reason: "refused", message };
}

/** Headers as given for one send: names that are tokens, values without line breaks, bounded. */
export function checkedHeaders(headers: unknown): [string, string][] | string {
  if (headers === undefined) return [];
  if (!Array.isArray(headers) || headers.length > 20) return "too many headers";
  const out: [string, string][] = [];
  for (const h of headers) {
    if (!Array.isArray(h) || typeof h[0] !== "string" || typeof h[1] !== "string") return "a header is not a name and a value";
    const [name, value] = h as [string, string];
    if (!TOKEN.test(name) || name.length > 256) return `"${name.slice(0, 40)}" is not a header name`;
    if (value.length > MAX_HEADER_CHARS || /[\r\n\0]/.test(value)) return `the value of ${name} is not a header value`;
    out.push([name, value]);
  }
  return out;
}

export async function replayCall(tabId: number, params: ReplayParams): Promise<ReplayResult> {
  const { spanId, body, count } = params as Partial<ReplayParams>;
  if (!isSpanId(spanId)) return refused("no such call");
  if (typeof body !== "string" || body.length > MAX_BODY_CHARS) return refused("the body is not text of at most 4 MB");
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 10) return refused("send 1 to 10 times");
  const headers = checkedHeaders((params as { headers?: unknown }).headers);
  if (typeof headers === "string") return refused(headers);
  const [stored] = await readExchanges([spanId]);
  if (!stored || stored.record.tabId !== tabId) return refused("this call is not one of this tab's");
  const { record } = stored;
  return sendFromPage(tabId, record.frameId ?? 0, { originalId: record.id, url: record.request.url, method: record.request.method, body, count, headers });
}

/** A checked send: the command the hook gets, but for its request id (made here). */
export type PageSend = Omit<ReplayCommand, "source" | "v" | "type" | "requestId">;

/** Hand a checked send to the frame's hook (through its relay) and answer the new calls' ids. */
export async function sendFromPage(tabId: number, frameId: number, send: PageSend): Promise<ReplayResult> {
  const requestId = randomHex(8);
  let answer: unknown;
  try {
    answer = await browser.tabs.sendMessage(tabId, replayCommand({
      requestId, originalId: send.originalId, url: send.url, method: send.method, body: send.body, count: send.count,
      ...(send.headers.length ? { headers: send.headers } : {}),
    }), { frameId });
  } catch {
    return { ok: false, reason: "page-gone", message: "The page that made this call is gone, or not recorded: reload it and make the call again." };
  }
  if (!isReplayAnswer(answer) || answer.requestId !== requestId) return { ok: false, reason: "page-gone", message: "The page did not answer: reload it and make the call again." };
  if (!answer.ok) return { ok: false, reason: answer.reason, message: answer.message };
  return { ok: true, spanIds: answer.spanIds.filter(isSpanId).slice(0, send.count), replayGroup: requestId };
}
