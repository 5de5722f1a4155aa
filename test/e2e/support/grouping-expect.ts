/**
 * Issue 16's grouping cases on the grouping page (test/e2e/pages/grouping/), for Chromium and
 * Firefox alike: what a person does (runScenario, through the browser's own input), and the
 * traces a person would draw for it (checkTraces, on what the extension stored).
 */
import { expect } from "@playwright/test";
import type { SpanRecord } from "../../../src/core/contract";

/** What a test needs from its browser driver. */
export interface Person {
  click(selector: string): Promise<void>;
  /** Type `text` into the field and press Enter. */
  send(selector: string, text: string): Promise<void>;
  /** Wait until the page says its work `name` is over (<body data-done>). */
  waitDone(name: string): Promise<void>;
}

export const QUESTIONS = ["How do I change my email?", "And my phone number?", "Thanks. Where are my invoices?"];

/** The support bot; 300 ms after its answer the page's own scripts start calls. */
export async function supportThenScripts(person: Person): Promise<void> {
  await person.click("#send");
  await person.waitDone("support");
  await person.waitDone("scripts");
}

/** Every other case, one after the other, each over before the next begins. */
export async function otherCases(person: Person): Promise<void> {
  // A clicked call; 300 ms after it a script's call that fails.
  await person.click("#quick");
  await person.waitDone("quick-script");
  await person.click("#slow-tool");
  await person.waitDone("slow-tool");
  await person.click("#busy");
  await person.waitDone("busy");
  // Two clicks in quick succession: their work overlaps.
  await person.click("#summarize");
  await person.click("#translate");
  await person.waitDone("summarize");
  await person.waitDone("translate");
  // Three turns of a chat.
  for (const [i, question] of QUESTIONS.entries()) {
    await person.send("#followup", question);
    await person.waitDone(`turn-${i + 1}`);
  }
}

type Row = [depth: number, kind: string, name: string];

/** A trace as a person draws it: [depth, kind, name] in tree order, children by start. */
export function drawTrace(spans: readonly SpanRecord[], root: SpanRecord): Row[] {
  const out: Row[] = [];
  const walk = (span: SpanRecord, depth: number) => {
    out.push([depth, span.kind, span.name]);
    spans.filter((s) => s.parentSpanId === span.spanId).sort((a, b) => a.startTime - b.startTime).forEach((c) => walk(c, depth + 1));
  };
  walk(root, 0);
  return out;
}

const CHAT: Row = [1, "llm", "chat gpt-4o-mini"];
const TOOL: Row[] = [[1, "tool", "execute_tool check_account_status"], [2, "http", "GET /tools/account-status"]];

/** The traces each case must produce, by the name of their root. */
export const EXPECTED: Record<string, Row[]> = {
  "submit form#chat": [[0, "interaction", "submit form#chat"], [1, "embedding", "embeddings text-embedding-3-small"], [1, "retrieval", "retrieval support-docs"], CHAT, ...TOOL, CHAT],
  'click button "Quick answer"': [[0, "interaction", 'click button "Quick answer"'], CHAT],
  'click button "Check my account (slow tool)"': [[0, "interaction", 'click button "Check my account (slow tool)"'], CHAT, ...TOOL, CHAT],
  'click button "Ask the busy model"': [[0, "interaction", 'click button "Ask the busy model"'], [1, "llm", "chat gpt-4o-mini-overloaded-once"], [1, "llm", "chat gpt-4o-mini-overloaded-once"]],
  'click button "Summarize my account"': [[0, "interaction", 'click button "Summarize my account"'], CHAT, ...TOOL, CHAT, CHAT],
  'click button "Translate"': [[0, "interaction", 'click button "Translate"'], CHAT, CHAT],
};

const asks = (s: SpanRecord, text: string): boolean => String(s.attributes["gen_ai.input.messages"] ?? "").includes(text);

const SCRIPT_KINDS = ["llm", "embedding", "retrieval"];

/**
 * Throws (an expect failure) unless the support bot's question is one trace as a person would
 * draw it and the calls the page's scripts made after it are in traces of their own. Returns
 * the spans, for the panel checks.
 */
export function checkSupportThenScripts(spans: SpanRecord[]): SpanRecord[] {
  expect(spans.filter((s) => s.endTime === undefined).map((s) => s.name), "nothing in flight").toEqual([]);
  const roots = spans.filter((s) => s.parentSpanId === undefined);
  const submit = roots.find((r) => r.name === "submit form#chat");
  expect(submit && drawTrace(spans, submit), "the question's trace").toEqual(EXPECTED["submit form#chat"]);
  expect(submit!.status).toBe("ok");
  const rootOf = (s: SpanRecord) => roots.find((r) => r.traceId === s.traceId)!;
  // Up to the next user action's trace.
  const next = Math.min(...roots.filter((r) => r.attributes["llm_trace.root.source"] === "interaction" && r.startTime > submit!.startTime).map((r) => r.startTime));
  const scripts = spans.filter((s) => SCRIPT_KINDS.includes(s.kind) && s.startTime > submit!.endTime! && s.startTime < next);
  expect(scripts.map((s) => s.kind).sort(), "the scripts' calls: a tip, a prefetch (embedding, search), a failing summary").toEqual(["embedding", "llm", "llm", "retrieval"]);
  for (const s of scripts) expect(rootOf(s).attributes["llm_trace.root.source"], `${s.name}: no user action`).toBe("activity");
  return spans;
}

/**
 * Throws (an expect failure) unless every case produced the traces a person would draw: one
 * per user action, the page's own calls in traces of their own, the chat's turns one trace
 * each in one conversation. Returns the spans, for the panel checks.
 */
export function checkTraces(spans: SpanRecord[]): SpanRecord[] {
  checkSupportThenScripts(spans);
  const roots = spans.filter((s) => s.parentSpanId === undefined);
  for (const [name, rows] of Object.entries(EXPECTED)) {
    const found = roots.filter((r) => r.name === name);
    expect(found.map((r) => drawTrace(spans, r)), name).toEqual([rows]);
  }
  const rootOf = (s: SpanRecord) => roots.find((r) => r.traceId === s.traceId)!;
  const submit = roots.find((r) => r.name === "submit form#chat")!;
  const quick = roots.find((r) => r.name === 'click button "Quick answer"')!;
  const banner = spans.find((s) => s.kind === "llm" && asks(s, "Refresh the status banner."))!;
  expect(banner.status).toBe("error");
  expect(rootOf(banner).attributes["llm_trace.root.source"], "the script's failing call after the quick answer").toBe("activity");
  expect(quick.status).toBe("ok");

  const slow = roots.find((r) => r.name === 'click button "Check my account (slow tool)"')!;
  const tool = spans.find((s) => s.kind === "tool" && s.traceId === slow.traceId)!;
  expect(tool.endTime! - tool.startTime, "the tool worked for 3 s").toBeGreaterThanOrEqual(2_900);

  const busy = roots.find((r) => r.name === 'click button "Ask the busy model"')!;
  const attempts = spans.filter((s) => s.traceId === busy.traceId && s.kind === "llm").sort((a, b) => a.startTime - b.startTime);
  expect(attempts.map((s) => [s.status, s.attributes["http.response.status_code"]]), "the 429, then the SDK's retry").toEqual([["error", 429], ["ok", 200]]);

  // The chat: three traces (each opened by Enter), one conversation, its id derived.
  // Turn n's call asks question n last (its history holds the ones before).
  const byTurn = QUESTIONS.map((q, i) => spans.filter((s) => s.kind === "llm" && asks(s, q) && (i + 1 === QUESTIONS.length || !asks(s, QUESTIONS[i + 1]!))));
  expect(byTurn.map((list) => list.length), "one call per turn").toEqual([1, 1, 1]);
  const chat = byTurn.map((list) => list[0]!);
  expect(chat.map((s) => rootOf(s).name)).toEqual(QUESTIONS.map(() => "keydown Enter textarea#followup"));
  expect(new Set(chat.map((s) => s.traceId)).size, "a trace per turn").toBe(3);
  const conversation = chat[0]!.attributes["gen_ai.conversation.id"];
  expect(typeof conversation).toBe("string");
  for (const s of chat) {
    expect(s.attributes["gen_ai.conversation.id"], "the turns are one conversation").toBe(conversation);
    expect(s.attributes["llm_trace.conversation.derived"]).toBe(true);
  }
  const supportChats = spans.filter((s) => s.kind === "llm" && s.traceId === submit.traceId);
  expect(new Set(supportChats.map((s) => s.attributes["gen_ai.conversation.id"])).size, "the support bot's calls are one conversation").toBe(1);
  expect(supportChats[0]!.attributes["gen_ai.conversation.id"]).not.toBe(conversation);
  return spans;
}
