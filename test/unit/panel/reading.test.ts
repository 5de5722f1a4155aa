/**
 * Issue 20's pure parts: the Markdown tree and its renderer against hostile text, long texts cut
 * into whole pieces, code colouring, media payloads found again in bodies and checked before they
 * are shown, the chat of a trace (each message once), and a root's failed steps.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { Markdown, RichText } from "../../../src/panel/components/detail/Markdown";
import { looksLikeMarkdown, parseMarkdown, splitMarkdown, type MdNode } from "../../../src/panel/detail-model/markdown";
import { highlight, MAX_HIGHLIGHT } from "../../../src/panel/detail-model/highlight";
import { decodeBase64, findPayload, mediaOf, payloadOf, pcmDuration, pcmFormat, pcmToWav, playable, sniff } from "../../../src/panel/detail-model/media";
import { chatOfConversation, chatOfTrace } from "../../../src/panel/detail-model/chat";
import { traceOverview } from "../../../src/panel/detail-model/trace-overview";
import type { SpanRecord } from "../../../src/core/contract";
import type { Exchange } from "../../../src/core/contract";

const HOSTILE = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "<svg onload=alert(1)><circle r=5 /></svg>",
  "<svg><script>alert(1)</script></svg>",
  "<style>body{display:none}</style>",
  "<iframe src=\"javascript:alert(1)\"></iframe>",
  "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
  "<a href=\"javascript:alert(1)\">anchor</a>",
  "[md link](javascript:alert(1))",
  "[upper](JaVaScRiPt:alert(1))",
  "[entity](&#x6A;avascript:alert(1))",
  "[spaced](java\nscript:alert(1))",
  "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "[vb](vbscript:msgbox(1))",
  "<javascript:alert(1)>",
  "![img](x\" onerror=\"alert(1))",
  "![track](https://tracker.example.com/p.gif)",
  "![data img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
  "[ref][evil]\n\n[evil]: javascript:alert(1)",
  "<div>**markdown inside html**</div>",
  "<details open ontoggle=alert(1)><summary>x</summary></details>",
  "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
  "<object data=\"javascript:alert(1)\"></object> <embed src=x> <form action=javascript:alert(1)><button>go</button></form>",
  "<base href=\"https://evil.example.com/\"> <meta http-equiv=refresh content=\"0;url=javascript:alert(1)\"> <link rel=stylesheet href=https://evil.example.com/x.css>",
  "```html\n<script>alert(1)</script>\n```",
  "`<img src=x onerror=alert(1)>`",
  "| <script>alert(1)</script> | [x](javascript:alert(1)) |\n|---|---|\n| <img src=x onerror=alert(1)> | ok |",
].join("\n\n");

/** Every element name and attribute a rendered tree may contain. */
const TAGS = new Set(["div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "em", "strong", "s", "code", "pre", "hr", "br", "span"]);
const ATTRS = new Set(["class", "title", "start", "style", "aria-busy"]);

function checkSafeHtml(html: string): void {
  for (const m of html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)) {
    assert.ok(TAGS.has(m[1]!.toLowerCase()), `element <${m[1]}> in ${html.slice(Math.max(0, m.index! - 40), m.index! + 80)}`);
    for (const a of m[2]!.matchAll(/([\w:-]+)=/g)) assert.ok(ATTRS.has(a[1]!.toLowerCase()), `attribute ${a[1]} on <${m[1]}>`);
  }
  // No markup but ours: every "<" of the captured text is escaped.
  assert.doesNotMatch(html.replace(/<\/?(?:div|p|h[1-6]|ul|ol|li|blockquote|table|thead|tbody|tr|th|td|em|strong|s|code|pre|hr|br|span)(?:\s+(?:class|title|start|style|aria-busy)="[^"<>]*")*\s*\/?>/g, ""), /<[a-zA-Z!/?]/);
  // Inside attributes, only our own values: a title holds a URL as text (escaped by Preact).
  for (const m of html.matchAll(/title="([^"]*)"/g)) assert.doesNotMatch(m[1]!, /[<>]/);
}

test("hostile Markdown and HTML render to text: only our elements, no handlers, no links or sources", () => {
  const html = renderToString(h(Markdown, { text: HOSTILE }));
  checkSafeHtml(html);
  // The markup is there, as text.
  assert.match(html, /&lt;script>alert\(1\)&lt;\/script>/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)>/);
  assert.match(html, /&lt;svg onload=alert\(1\)>/);
  // Markdown inside literal HTML is Markdown; the tags stay text.
  assert.match(html, /&lt;div><strong>markdown inside html<\/strong>&lt;\/div>/);
  // Links markdown-it refuses stay as written; links it accepts show their address as text.
  assert.match(html, /\[md link\]\(javascript:alert\(1\)\)/);
  assert.match(html, /\[data\]\(data:text\/html/);
  assert.match(html, /‹https:\/\/tracker\.example\.com\/p\.gif›/);
  // The same through RichText (the component messages use) and in raw mode.
  checkSafeHtml(renderToString(h(RichText, { text: HOSTILE })));
  checkSafeHtml(renderToString(h(RichText, { text: HOSTILE, raw: true })));
});

test("the tree has only known node kinds, and text only as strings", () => {
  const kinds = new Set<string>();
  const walk = (nodes: MdNode[]) => nodes.forEach((n) => {
    if (typeof n === "string") return;
    kinds.add(n.t);
    assert.deepEqual(Object.keys(n).filter((k) => !["t", "c", "url", "start", "align", "lang", "cls"].includes(k)), []);
    if (n.cls !== undefined) assert.match(n.cls, /^hl-[a-z_]+$/);
    if (n.lang !== undefined) assert.match(n.lang, /^[\w+#.-]{1,32}$/);
    walk(n.c);
  });
  walk(parseMarkdown(`${HOSTILE}\n\n# h\n\n1. a\n2. b\n\n> q\n\n---\n\n~~s~~ *e* **b** line  \nbreak\n\n\`\`\`python\ndef f(): return 1\n\`\`\``));
  for (const k of kinds) assert.ok(["p", "h1", "ul", "ol", "li", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "em", "strong", "s", "code", "hr", "br", "link", "image", "pre", "hl"].includes(k), k);
});

test("a Markdown answer: heading, table with alignment, coloured code, link address shown", () => {
  const text = "## Title\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n```ts\nconst x: number = 1;\n```\n\nSee [docs](https://example.com/docs).";
  const html = renderToString(h(Markdown, { text }));
  assert.match(html, /<h2>Title<\/h2>/);
  assert.match(html, /<th class="md-center">a<\/th><th class="md-right">b<\/th>/);
  assert.match(html, /<span class="hl-keyword">const<\/span>/);
  assert.match(html, /md-code-lang">ts</);
  assert.match(html, /<span class="md-link-text">docs<\/span><span class="md-url"> ‹https:\/\/example\.com\/docs›<\/span>/);
});

test("deep nesting is bounded, and a huge line parses", () => {
  const deep = `${"> ".repeat(5000)}x\n\n${"- ".repeat(5000)}y`;
  const html = renderToString(h(Markdown, { text: deep }));
  assert.ok(html.length < 200_000);
  assert.ok(parseMarkdown("[".repeat(20_000)).length > 0);
});

test("plain prose keeps its line breaks; Markdown is recognised", () => {
  assert.equal(looksLikeMarkdown("Hello there.\nHow are you?"), false);
  assert.equal(looksLikeMarkdown("snake_case_names and 3 * 4 = 12"), false);
  for (const md of ["# Title", "- item", "1. first", "> quote", "```\ncode\n```", "| a | b |", "**bold**", "use `x`", "[a](b)", "an *emphasis* here"]) assert.equal(looksLikeMarkdown(md), true, md);
});

test("a long text is cut into whole pieces: never inside a code fence, nothing lost", () => {
  const block = "Paragraph with some words in it.\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n";
  const text = block.repeat(3000);
  const pieces = splitMarkdown(text, 5000);
  assert.ok(pieces.length > 10);
  assert.equal(pieces.join(""), text);
  for (const p of pieces) assert.equal((p.match(/```/g) ?? []).length % 2, 0, "a fence split across pieces");
  // One long line with no blank line is still cut (at four times the size).
  const line = "x".repeat(100_000);
  assert.equal(splitMarkdown(line, 5000).join(""), line);
});

test("code colouring: known languages by name or alias, plain otherwise and when too long", () => {
  assert.ok(highlight("def f(): return 1", "python").some((n) => typeof n !== "string" && n.cls === "hl-keyword"));
  assert.ok(highlight("const a = 1", "js").some((n) => typeof n !== "string"));
  assert.deepEqual(highlight("x = 1", "cobol"), ["x = 1"]);
  const long = "a".repeat(MAX_HIGHLIGHT + 1);
  assert.deepEqual(highlight(long, "js"), [long]);
});

// ---- media

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const bigPng = PNG + "A".repeat(2000);
const short = (data: string) => `${data.slice(0, 256)}…[${data.length} chars]`;

test("a shortened payload is found again in a JSON body, and in a stream's pieces", () => {
  const view = mediaOf({ type: "blob", modality: "image", mime_type: "image/png", content: short(bigPng) });
  assert.equal(view.length, bigPng.length);
  assert.equal(view.bytes, Math.floor((bigPng.length * 3) / 4));
  const body = JSON.stringify({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${bigPng}` } }] }] });
  assert.equal(findPayload(body, view.prefix!, view.length!), bigPng);
  // Streamed: one field's pieces across events, the first shorter than the kept prefix.
  const pieces = [bigPng.slice(0, 100), bigPng.slice(100, 1200), bigPng.slice(1200)];
  const sse = pieces.map((p) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { audio: { data: p } } }] })}\n\n`).join("") + "data: [DONE]\n\n";
  assert.equal(findPayload(sse, view.prefix!, view.length!), bigPng);
  assert.equal(findPayload(body.replace(bigPng, bigPng.slice(0, 1000)), view.prefix!, view.length!), undefined);
});

test("a payload over the body cap, or not recorded, says why", () => {
  const view = mediaOf({ type: "blob", modality: "image", content: short(bigPng) });
  const exchange = (body: Exchange["request"]["body"]): Exchange => ({
    id: "1", transport: "fetch", request: { method: "POST", url: "https://api.openai.com/v1/chat/completions", headers: [], ...(body && { body }) },
    response: { status: 200, statusText: "OK", headers: [] }, timing: { start: 0 }, chunks: [], outcome: { state: "ok" },
  } as Exchange);
  assert.deepEqual(payloadOf(view, exchange({ text: `{"x":"${bigPng.slice(0, 500)}`, truncated: true, size: 5_000_000 }), true), { state: "missing", why: "cap" });
  assert.deepEqual(payloadOf(view, exchange({ omitted: "policy" }), true), { state: "missing", why: "not-recorded" });
  assert.deepEqual(payloadOf(view, undefined, true), { state: "loading" });
  assert.equal(payloadOf(view, exchange({ text: `{"url":"data:image/png;base64,${bigPng}"}` }), true).state, "found");
});

test("what is shown is decided by the bytes: images and audio only, never SVG or HTML", () => {
  const png = decodeBase64(PNG)!;
  assert.equal(sniff(png), "image/png");
  assert.deepEqual(playable({ kind: "image", source: "inline", mime: "image/png" }, png).as, "image");
  // A declared image type does not make HTML an image.
  const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
  assert.equal(playable({ kind: "image", source: "inline", mime: "text/html" }, html).as, "none");
  assert.equal(playable({ kind: "image", source: "inline" }, html).as, "none");
  const svg = new TextEncoder().encode("<svg onload=alert(1)></svg>");
  const shown = playable({ kind: "image", source: "inline", mime: "image/svg+xml" }, svg);
  assert.equal(shown.as, "none");
  // The bytes' own signature wins over a declared type.
  assert.equal(playable({ kind: "image", source: "inline", mime: "image/svg+xml" }, png).as, "image");
  assert.equal(decodeBase64("not base64 ***"), undefined);
});

test("raw PCM says how long it plays; other formats do not guess", () => {
  assert.equal(pcmDuration("audio/pcm;rate=24000", 24_000), "0.5 s");
  assert.equal(pcmDuration("audio/L16;rate=16000;channels=2", 16_000 * 4 * 30), "30 s");
  assert.equal(pcmDuration("audio/pcm16", 48_000 * 72), "1 min 12 s");
  assert.equal(pcmDuration("audio/mpeg", 10_000), undefined);
  assert.equal(pcmDuration("audio/pcmu", 10_000), undefined);
  assert.equal(pcmDuration("audio/pcm", undefined), undefined);
});

test("raw PCM (OpenAI pcm16, Gemini audio/L16) plays as WAV", () => {
  assert.deepEqual(pcmFormat("audio/L16;codec=pcm;rate=24000"), { rate: 24000, channels: 1, bigEndian: false });
  assert.deepEqual(pcmFormat("audio/pcm16"), { rate: 24000, channels: 1, bigEndian: false });
  assert.equal(pcmFormat("audio/wav"), undefined);
  const pcm = new Uint8Array(480);
  const wav = pcmToWav(pcm, { rate: 24000, channels: 1 });
  assert.equal(sniff(wav), "audio/wav");
  assert.equal(new DataView(wav.buffer).getUint32(24, true), 24000);
  assert.equal(wav.length, 44 + 480);
  const shown = playable({ kind: "audio", source: "inline", mime: "audio/L16;codec=pcm;rate=24000" }, pcm);
  assert.equal(shown.as, "audio");
  assert.equal(shown.as === "audio" && shown.mime, "audio/wav");
});

test("a remote image and an uploaded file are described, not loaded", () => {
  assert.deepEqual(mediaOf({ type: "uri", modality: "image", uri: "https://images.example.com/a.jpg" }), { kind: "image", source: "remote", url: "https://images.example.com/a.jpg" });
  assert.deepEqual(mediaOf({ type: "file", modality: "document", file_id: "file-1" }), { kind: "document", source: "file", fileId: "file-1" });
});

// ---- chat and summary

let n = 0;
function span(fields: Partial<SpanRecord> & { attributes?: SpanRecord["attributes"] }): SpanRecord {
  n++;
  return { traceId: "t".repeat(32), spanId: n.toString(16).padStart(16, "0"), name: "chat m", kind: "llm", startTime: n * 1000, endTime: n * 1000 + 500, status: "ok", attributes: {}, tabId: 1, updatedAt: 0, ...fields };
}
const msgs = (...m: [string, string][]) => JSON.stringify(m.map(([role, content]) => ({ role, parts: [{ type: "text", content }] })));

test("the chat of a trace shows each message once, where it first appeared, with steps in order", () => {
  const first = span({ attributes: { "gen_ai.system_instructions": "Be brief.", "gen_ai.input.messages": msgs(["user", "Hi"]), "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "reasoning", content: "think" }, { type: "tool_call", id: "c1", name: "lookup" }] }]) } });
  const tool = span({ kind: "tool", name: "execute_tool lookup", attributes: { "gen_ai.tool.name": "lookup" } });
  const second = span({ attributes: {
    "gen_ai.system_instructions": "Be brief.",
    // The replay leaves the reasoning out: still the same message.
    "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Hi" }] }, { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "lookup" }] }, { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: "ok" }] }]),
    "gen_ai.output.messages": msgs(["assistant", "Hello"]),
  } });
  const failed = span({ status: "error", attributes: { "gen_ai.input.messages": msgs(["user", "Hi"], ["assistant", "Hello"], ["user", "Hi"]), "error.type": "rate_limit_exceeded" } });
  const chat = chatOfTrace([second, failed, tool, first]);
  const shown = chat.map((e) => e.type === "message" ? `${e.message.role}@${e.spanId === first.spanId ? 1 : e.spanId === second.spanId ? 2 : 3}` : e.type === "step" ? `step ${e.kind}${e.error ? " error" : ""}` : "turn");
  // The repeated "Hi" of the failed call is a new message (asked again), the earlier ones are not.
  assert.deepEqual(shown, ["system@1", "user@1", "assistant@1", "step tool", "tool@2", "assistant@2", "user@3", "step llm error"]);
});

test("the chat of a conversation: turns in order, the history not repeated", () => {
  const t1 = span({ traceId: "a".repeat(32), attributes: { "gen_ai.input.messages": msgs(["user", "One"]), "gen_ai.output.messages": msgs(["assistant", "1"]) } });
  const t2 = span({ traceId: "b".repeat(32), attributes: { "gen_ai.input.messages": msgs(["user", "One"], ["assistant", "1"], ["user", "Two"]), "gen_ai.output.messages": msgs(["assistant", "2"]) } });
  const chat = chatOfConversation([{ traceId: t1.traceId, spans: [t1], question: "One" }, { traceId: t2.traceId, spans: [t2], question: "Two" }]);
  assert.deepEqual(chat.map((e) => (e.type === "turn" ? `turn ${e.turn}/${e.of}` : e.type === "message" ? `${e.message.role}: ${String(e.message.parts[0]!.content)}` : e.text)), ["turn 1/2", "user: One", "assistant: 1", "turn 2/2", "user: Two", "assistant: 2"]);
});

test("a root's overview: numbers, and the failed steps (not the root) with their errors", () => {
  const root = span({ kind: "interaction", name: "click", status: "error", attributes: { "llm_trace.synthesized": true } });
  const ok = span({ parentSpanId: root.spanId, attributes: { "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 2 } });
  const bad = span({ parentSpanId: root.spanId, name: "chat bad", status: "error", attributes: { "error.type": "429", "llm_trace.error.message": "slow down" } });
  const o = traceOverview({ traceId: root.traceId, roots: [{ span: root, children: [] }], spans: [root, ok, bad], startTime: root.startTime, endTime: bad.endTime } as never);
  assert.deepEqual(o.failed, [{ spanId: bad.spanId, name: "chat bad", kind: "llm", error: "429: slow down" }]);
  assert.equal(o.summary.steps.llm, 2);
  assert.equal(o.summary.inputTokens, 10);
});
