/**
 * Which earlier model call a model call continues (docs/DESIGN.md, "Traces: how spans are
 * grouped" and "Conversations"), from what its request says:
 * - the Responses API's `previous_response_id` names it (llm_trace.previous_response_id);
 * - else message continuity: its input messages begin with the earlier call's input and output
 *   (the page sent the history back with the answer it got). The latest such call is the one
 *   continued: its input and output are the longest prefix.
 * And which earlier call a call retries: a failed call (a 429, a network error) with the same
 * request, which SDKs send again after a backoff.
 *
 * Messages are compared as the page sends them back, not byte for byte: system instructions
 * aside (apps rebuild them per turn, with retrieved documents, the date), text with whitespace
 * removed (streamed text and the string a page kept differ in spacing), tool calls by id, and
 * what a page seldom sends back left out (reasoning, tool results of the server's own tools,
 * media). Each message history is hashed once per span (memoByAttributes), prefix by prefix, so
 * a lookup costs one map probe per input message.
 */
import type { SpanRecord } from "../contract";
import { fnv1a64 } from "./ids";
import { lastAtOrBefore } from "./intervals";
import { canonicalJson, memoByAttributes, parseMessages } from "./tool-messages";

/** A continuing request may start this long before the earlier response is recorded as ended (clock jitter between tee branches). */
export const CONTINUE_SLACK = 250;
/** A retry is sent within this time after the failure (SDK backoffs, a Retry-After of up to a minute). */
export const RETRY_REACH = 60_000;

const PREVIOUS_RESPONSE = "llm_trace.previous_response_id";

/** The comparable pieces of a message list, in order: texts by role, tool calls. */
function atomsOf(value: unknown): string[] {
  const out: string[] = [];
  for (const m of parseMessages(value)) {
    const role = m.role === "model" ? "assistant" : m.role;
    if (role === "system" || role === "developer") continue;
    let text = "";
    const flush = (): void => {
      if (text !== "") out.push(`t\u0000${role}\u0000${text}`);
      text = "";
    };
    for (const p of m.parts) {
      if (p.type === "text" && typeof p.content === "string") text += p.content.replace(/\s+/g, "");
      else if (p.type === "tool_call") {
        flush();
        const id = typeof p.id === "string" && p.id !== "" ? p.id : undefined;
        out.push(id !== undefined ? `c\u0000${id}` : `c\u0000${typeof p.name === "string" ? p.name : ""}\u0000${canonicalJson(p.arguments ?? {})}`);
      }
    }
    flush();
  }
  return out;
}

const chain = (previous: string, atom: string): string => fnv1a64(`${previous}\u0001${atom}`);

/** Hash of the input's first 1, 2, ... pieces. */
const inputPrefixes = memoByAttributes((span: SpanRecord): string[] => {
  let h = "";
  return atomsOf(span.attributes["gen_ai.input.messages"]).map((a) => (h = chain(h, a)));
});

/** Hash of the input's pieces followed by the output's: what a continuing call's input begins with. */
const exchangeKey = memoByAttributes((span: SpanRecord): string | undefined => {
  const output = atomsOf(span.attributes["gen_ai.output.messages"]);
  if (output.length === 0) return undefined;
  const prefixes = inputPrefixes(span);
  let h = prefixes[prefixes.length - 1] ?? "";
  for (const a of output) h = chain(h, a);
  return h;
});

/** The request as sent: the same for an SDK's retry of it. */
const requestFingerprint = memoByAttributes((span: SpanRecord): string | undefined => {
  const a = span.attributes;
  const input = a["gen_ai.input.messages"];
  if (typeof input !== "string") return undefined;
  const fields = [a["url.full"], a["gen_ai.request.model"], a["gen_ai.system_instructions"], input, a["gen_ai.tool.definitions"]];
  return fnv1a64(fields.map((f) => (typeof f === "string" ? f : "")).join("\u0001"));
});

/** Spans by a key, each list sorted by end, for "the latest that ended by t". */
class ByEnd {
  private readonly lists = new Map<string, { ends: number[]; spans: SpanRecord[] }>();

  add(key: string, span: SpanRecord): void {
    const list = this.lists.get(key);
    if (list) list.spans.push(span);
    else this.lists.set(key, { ends: [], spans: [span] });
  }

  seal(): void {
    for (const list of this.lists.values()) {
      list.spans.sort((a, b) => a.endTime! - b.endTime! || a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1));
      list.ends = list.spans.map((s) => s.endTime!);
    }
  }

  /** The latest span under `key` that ended by `t` and started before `before`. */
  latest(key: string, t: number, before: SpanRecord): SpanRecord | undefined {
    const list = this.lists.get(key);
    if (!list) return undefined;
    for (let i = lastAtOrBefore(list.ends, t); i >= 0; i--) {
      const s = list.spans[i]!;
      if (s.startTime < before.startTime) return s;
    }
    return undefined;
  }
}

export interface Continuity {
  /** The call `span` continues: the one its previous_response_id names, else the latest one its input begins with. */
  predecessor(span: SpanRecord): SpanRecord | undefined;
  /** The failed call `span` sends again, if it is a retry. */
  retried(span: SpanRecord): SpanRecord | undefined;
}

/** Index model spans (any order; ended ones only can be continued or retried). */
export function indexContinuity(spans: readonly SpanRecord[]): Continuity {
  const byKey = new ByEnd();
  const failed = new ByEnd();
  const byResponseId = new Map<string, SpanRecord>();
  for (const s of spans) {
    if (s.endTime === undefined) continue;
    const key = exchangeKey(s);
    if (key !== undefined) byKey.add(key, s);
    const responseId = s.attributes["gen_ai.response.id"];
    if (typeof responseId === "string" && responseId !== "") byResponseId.set(responseId, s);
    const fingerprint = s.status === "error" ? requestFingerprint(s) : undefined;
    if (fingerprint !== undefined) failed.add(fingerprint, s);
  }
  byKey.seal();
  failed.seal();
  return {
    predecessor(span) {
      const previous = span.attributes[PREVIOUS_RESPONSE];
      if (typeof previous === "string") {
        const named = byResponseId.get(previous);
        if (named && named !== span && named.startTime < span.startTime) return named;
      }
      const prefixes = inputPrefixes(span);
      for (let i = prefixes.length - 1; i >= 0; i--) {
        const found = byKey.latest(prefixes[i]!, span.startTime + CONTINUE_SLACK, span);
        if (found) return found;
      }
      return undefined;
    },
    retried(span) {
      const fingerprint = requestFingerprint(span);
      if (fingerprint === undefined) return undefined;
      const found = failed.latest(fingerprint, span.startTime, span);
      return found && span.startTime - found.endTime! <= RETRY_REACH ? found : undefined;
    },
  };
}
