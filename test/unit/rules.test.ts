import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyExchange, type UserRule } from "../../src/core/providers";
import { compileGlob } from "../../src/core/providers/glob";
import { matchRule, parsePath, RULE_FIELDS, selectPath, validateRules } from "../../src/core/providers/rules";
import { normalizeSettings } from "../../src/core/settings";
import { makeExchange, sse } from "../fixtures/providers/make-exchange";
import { assertFast } from "./timing";
import type { ExchangeSpec } from "../fixtures/providers/make-exchange";
import * as chat from "../fixtures/providers/openai-chat";

const classify = (spec: ExchangeSpec, rules: UserRule[]) => classifyExchange(makeExchange(spec), { rules });

describe("JSON paths", () => {
  const doc = { a: { b: [{ c: 1 }, { c: 2, "odd.key": "x" }] }, list: [{ t: "one" }, { t: "two" }, {}] };

  it("select keys, indexes, quoted keys and [*]", () => {
    assert.equal(selectPath(doc, "a.b[1].c"), 2);
    assert.equal(selectPath(doc, "$.a.b[0].c"), 1);
    assert.equal(selectPath(doc, 'a.b[1]["odd.key"]'), "x");
    assert.deepEqual(selectPath(doc, "list[*].t"), ["one", "two"]);
    assert.deepEqual(selectPath(doc, "a.b[*]"), doc.a.b);
    assert.equal(selectPath(doc, ""), doc);
    assert.equal(selectPath(doc, "$"), doc);
  });

  it("missing parts select nothing; inherited properties are not reachable", () => {
    assert.equal(selectPath(doc, "a.x.y"), undefined);
    assert.equal(selectPath(doc, "a.b[9]"), undefined);
    assert.deepEqual(selectPath(doc, "nothing[*].t"), []);
    assert.equal(selectPath(doc, "a.constructor"), undefined);
    assert.equal(selectPath(doc, "a.b.length"), undefined);
  });

  it("syntax errors are readable", () => {
    for (const bad of ["a..b", "a.", "a[x]", "a[1", ".a", "a b"]) {
      assert.equal(typeof parsePath(bad), "string", bad);
    }
    assert.match(parsePath("a[x]") as string, /not an index/);
    assert.match(parsePath('a["b') as string, /missing closing "/);
  });

  it("quoted keys may hold brackets, dots and quotes; spaces inside brackets are allowed", () => {
    assert.deepEqual(parsePath('a["x]y.z"][ 2 ][\'it\\\'s\']'), [{ key: "a" }, { key: "x]y.z" }, { index: 2 }, { key: "it's" }]);
    assert.deepEqual(parsePath("$[*].text"), [{ all: true }, { key: "text" }]);
  });

  it("are read in one pass: a path of 100,000 steps parses as fast as a short one scales", () => {
    const long = `${"a.".repeat(100_000)}b`;
    assertFast(() => assert.equal((parsePath(long) as unknown[]).length, 100_001), "parsing a 200 KB path");
    assertFast(() => assert.equal(typeof parsePath(`a${"[".repeat(100_000)}`), "string"), "an unclosed run of brackets");
  });
});

describe("URL globs", () => {
  it("* spans slashes, ? is one character, everything else is literal", () => {
    assert.ok(compileGlob("https://api.example.com/search*").test("https://api.example.com/search?q=1"));
    assert.ok(compileGlob("*/api/kb/*").test("https://app.example.com/api/kb/v2/query"));
    assert.ok(!compileGlob("*/api/kb/*").test("https://app.example.com/api/kbx/query"));
    assert.ok(compileGlob("https://h.example/v?/q").test("https://h.example/v1/q"));
    assert.ok(!compileGlob("https://h.example/a.b").test("https://h.example/aXb"), "dots are literal");
    assert.ok(compileGlob("HTTPS://API.EXAMPLE.COM/*").test("https://api.example.com/x"), "case-insensitive");
  });

  it("match as the regular expressions they replace did, on every short glob and URL", () => {
    const before = (glob: string): RegExp =>
      new RegExp(`^${[...glob].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&"))).join("")}$`, "i");
    const words = (alphabet: string[], max: number): string[] => {
      let level = [""];
      const out = [""];
      for (let n = 1; n <= max; n++) out.push(...(level = level.flatMap((w) => alphabet.map((c) => w + c))));
      return out;
    };
    const urls = words(["a", "b", "A", "."], 5);
    for (const glob of words(["a", "B", "*", "?", "."], 4)) {
      const expected = before(glob);
      const actual = compileGlob(glob);
      for (const url of urls) assert.equal(actual.test(url), expected.test(url), `${glob} on ${url}`);
    }
  });

  it("the first valid matching rule wins; invalid rules are skipped", () => {
    const rules = [
      { urlPattern: "", kind: "retrieval" },
      { urlPattern: "*/api/kb/*", kind: "tool", toolName: "kb" },
      { urlPattern: "*/api/*", kind: "retrieval" },
    ] as UserRule[];
    assert.equal(matchRule(rules, "https://a.example/api/kb/q")?.kind, "tool");
    assert.equal(matchRule(rules, "https://a.example/api/other")?.kind, "retrieval");
    assert.equal(matchRule(rules, "https://a.example/else"), undefined);
    assert.equal(matchRule(undefined, "https://a.example/api/kb/q"), undefined);
  });
});

describe("rule validation", () => {
  it("accepts good rules", () => {
    assert.deepEqual(
      validateRules([
        { urlPattern: "https://api.example.com/search*", kind: "retrieval", documentsPath: "hits[*]", contentPath: "doc.text", scorePath: "score" },
        { urlPattern: "*/api/weather*", kind: "tool", toolName: "get_weather" },
        { urlPattern: "*/api/bot", kind: "llm", name: "support bot" },
      ]),
      [],
    );
  });

  it("reports each problem with its rule index and field", () => {
    const errors = validateRules([
      { urlPattern: "", kind: "retrieval" },
      { urlPattern: "*", kind: "search" },
      { urlPattern: "*/x", kind: "retrieval", documentsPath: "a..b", toolName: "t" },
      { urlPattern: "*/y", kind: "llm", documentsPath: "results" },
      "not a rule",
    ]);
    const by = (i: number) => errors.filter((e) => e.index === i).map((e) => e.field);
    assert.deepEqual(by(0), ["urlPattern"]);
    assert.deepEqual(by(1), ["urlPattern", "kind"]);
    assert.deepEqual(by(2).sort(), ["documentsPath", "toolName"]);
    assert.deepEqual(by(3), ["documentsPath"]);
    assert.deepEqual(by(4), ["rule"]);
    for (const e of errors) assert.ok(e.message.length > 10, e.message);
    assert.deepEqual(validateRules("nope").map((e) => e.index), [-1]);
  });

  it("refuses what a kind does not read (llm: queryPath; tool: idPath; a misspelt field), and says what it reads", () => {
    const errors = validateRules([
      { urlPattern: "*/api/answer", kind: "llm", queryPath: "question" },
      { urlPattern: "*/api/tool", kind: "tool", toolName: "t", idPath: "id" },
      { urlPattern: "*/api/answer", kind: "llm", outputpath: "answer" },
      { urlPattern: "*/api/kb", kind: "retrieval", modelPath: "model" },
    ]);
    assert.deepEqual(errors.map((e) => [e.index, e.field]), [[0, "queryPath"], [1, "idPath"], [2, "outputpath"], [3, "modelPath"]]);
    assert.match(errors[0]!.message, /queryPath does not apply to rules of kind llm \(only to retrieval and tool\); a llm rule reads name, modelPath, inputPath, outputPath/);
    assert.match(errors[2]!.message, /outputpath is not a rule field/);
    assert.ok(errors.every((e) => e.inapplicable));
    assert.deepEqual(validateRules([{ urlPattern: "*/x", kind: "llm", modelPath: "a..b" }]).map((e) => e.field), ["modelPath"]);
    for (const kind of ["retrieval", "tool", "llm"] as const) assert.ok(RULE_FIELDS[kind].length > 0);
  });

  it("a rule saved before the check still applies, its inapplicable field ignored", () => {
    const rules = [{ urlPattern: "*/api/answer", kind: "llm", queryPath: "question" }] as UserRule[];
    assert.equal(matchRule(rules, "https://a.example/api/answer")?.kind, "llm");
    assert.deepEqual(normalizeSettings({ rules }).rules, rules, "stored settings keep it");
  });
});

describe("classifyExchange with user rules", () => {
  const kbResponse = {
    status: 200,
    responseHeaders: { "content-type": "application/json" },
    chunks: [
      {
        dt: 50,
        text: JSON.stringify({
          payload: { hits: [{ ref: { key: "a1" }, rel: 0.9, doc: { body: "Reset via Settings." } }, { ref: { key: "a2" }, rel: 0.5, doc: { body: "Unlock later." } }] },
        }),
      },
    ],
  };

  it("kind retrieval with paths for query, documents and their fields", () => {
    const d = classify(
      { url: "https://kb.example.com/v3/lookup", requestJson: { input: { question: "reset?" } }, ...kbResponse },
      [{ urlPattern: "https://kb.example.com/*", kind: "retrieval", name: "help center", queryPath: "input.question", documentsPath: "payload.hits", idPath: "ref.key", scorePath: "rel", contentPath: "doc.body" }],
    );
    assert.equal(d.kind, "retrieval");
    assert.equal(d.name, "retrieval help center");
    assert.equal(d.attributes["gen_ai.data_source.id"], "help center");
    assert.equal(d.attributes["gen_ai.retrieval.query.text"], "reset?");
    assert.deepEqual(JSON.parse(d.attributes["gen_ai.retrieval.documents"] as string), [
      { id: "a1", score: 0.9, content: "Reset via Settings." },
      { id: "a2", score: 0.5, content: "Unlock later." },
    ]);
    assert.equal(d.status, "ok");
  });

  it("kind retrieval without paths falls back to the scored-chunk shape and a URL query parameter", () => {
    const d = classify(
      {
        url: "https://kb.example.com/find?q=reset",
        method: "GET",
        status: 200,
        chunks: [{ dt: 5, text: JSON.stringify({ results: [{ id: 1, score: 0.8, text: "Reset via Settings." }] }) }],
      },
      [{ urlPattern: "*kb.example.com/find*", kind: "retrieval", queryPath: "q" }],
    );
    assert.equal(d.kind, "retrieval");
    assert.equal(d.attributes["gen_ai.retrieval.query.text"], "reset");
    assert.equal(d.attributes["gen_ai.data_source.id"], "/find");
    assert.equal(JSON.parse(d.attributes["gen_ai.retrieval.documents"] as string)[0].content, "Reset via Settings.");
  });

  it("a rule wins over built-in detection", () => {
    const d = classify(chat.chatStream, [{ urlPattern: "https://api.openai.com/*", kind: "tool", toolName: "openai_proxy" }]);
    assert.equal(d.kind, "tool");
  });

  it("kind tool: an execute_tool span with name, arguments and result", () => {
    const d = classify(
      {
        url: "https://app.example.com/api/account/status",
        requestJson: { email: "ada@example.com" },
        status: 200,
        responseHeaders: { "content-type": "application/json" },
        chunks: [{ dt: 30, text: JSON.stringify({ data: { locked: true, reason: "too many attempts" } }) }],
      },
      [{ urlPattern: "*/api/account/*", kind: "tool", toolName: "check_account_status", documentsPath: "data" }],
    );
    assert.equal(d.kind, "tool");
    assert.equal(d.name, "execute_tool check_account_status");
    assert.equal(d.attributes["gen_ai.operation.name"], "execute_tool");
    assert.equal(d.attributes["gen_ai.tool.name"], "check_account_status");
    assert.equal(d.attributes["gen_ai.tool.call.arguments"], '{"email":"ada@example.com"}');
    assert.equal(d.attributes["gen_ai.tool.call.result"], '{"locked":true,"reason":"too many attempts"}');
    assert.equal(d.status, "ok");
  });

  it("kind llm forces model parsing on an unknown endpoint, named after the rule", () => {
    const text = "Open Settings, then Security.";
    const d = classify(
      {
        url: "https://app.example.com/bot/answer",
        requestJson: { question: "reset?" },
        status: 200,
        responseHeaders: { "content-type": "text/plain; charset=utf-8" },
        chunks: [{ dt: 300, text }],
      },
      [{ urlPattern: "*/bot/answer", kind: "llm", name: "support-bot" }],
    );
    assert.equal(d.kind, "llm");
    assert.equal(d.attributes["gen_ai.provider.name"], "support-bot");
    const out = JSON.parse(d.attributes["gen_ai.output.messages"] as string) as { parts: { content: string }[] }[];
    assert.equal(out[0]!.parts[0]!.content, text);
    // Without the rule the same exchange is plain http.
    assert.equal(classifyExchange(makeExchange({ url: "https://app.example.com/bot/answer", requestJson: { question: "reset?" }, status: 200, responseHeaders: { "content-type": "text/plain" }, chunks: [{ dt: 300, text }] })).kind, "http");
  });

  it("kind llm keeps a recognised wire format", () => {
    const d = classify({ ...chat.chatStream, url: "https://proxy.example.com/llm" }, [{ urlPattern: "*/llm", kind: "llm" }]);
    assert.equal(d.kind, "llm");
    assert.equal(d.attributes["gen_ai.request.model"], "gpt-4o-mini");
  });

  const jsonAnswer = {
    url: "https://app.example.com/api/answer",
    requestJson: { question: "How do I reset my password?", model: "gpt-4o-mini" },
    status: 200,
    responseHeaders: { "content-type": "application/json" },
    chunks: [{ dt: 640, text: JSON.stringify({ answer: "Open Settings, then Security.", model: "gpt-4o-mini-2024-07-18", usage: { prompt_tokens: 31, completion_tokens: 7 } }) }],
  };

  it("kind llm on an app's JSON endpoint: model, input and answer by their common names; no TTFT (not streamed)", () => {
    const d = classify(jsonAnswer, [{ urlPattern: "*/api/answer", kind: "llm", name: "support-bot" }]);
    assert.equal(d.kind, "llm");
    assert.equal(d.name, "chat gpt-4o-mini");
    assert.equal(d.attributes["gen_ai.request.model"], "gpt-4o-mini");
    assert.equal(d.attributes["gen_ai.response.model"], "gpt-4o-mini-2024-07-18");
    assert.equal(d.attributes["gen_ai.provider.name"], "support-bot");
    assert.deepEqual(JSON.parse(d.attributes["gen_ai.input.messages"] as string), [{ role: "user", parts: [{ type: "text", content: "How do I reset my password?" }] }]);
    assert.deepEqual(JSON.parse(d.attributes["gen_ai.output.messages"] as string), [{ role: "assistant", parts: [{ type: "text", content: "Open Settings, then Security." }] }]);
    assert.equal(d.attributes["gen_ai.usage.input_tokens"], 31);
    assert.equal(d.attributes["gen_ai.response.time_to_first_chunk"], undefined);
    assert.equal(d.attributes["llm_trace.parse_error"], undefined);
    assert.equal(d.status, "ok");
  });

  it("kind llm with paths: the model, input and output are read where the rule says", () => {
    const d = classify(
      {
        url: "https://app.example.com/bot/v2",
        requestJson: { config: { engine: "claude-haiku" }, conversation: { turns: [{ role: "system", content: "Be brief." }, { role: "user", content: "Reset?" }] } },
        status: 200,
        responseHeaders: { "content-type": "application/json; charset=utf-8" },
        chunks: [{ dt: 300, text: JSON.stringify({ data: { reply: { text: "Settings → Security." } }, raw: "{…}" }) }],
      },
      [{ urlPattern: "*/bot/v2", kind: "llm", modelPath: "config.engine", inputPath: "conversation.turns", outputPath: "data.reply.text" }],
    );
    assert.equal(d.name, "chat claude-haiku");
    assert.deepEqual(JSON.parse(d.attributes["gen_ai.input.messages"] as string).map((m: { role: string }) => m.role), ["system", "user"]);
    assert.equal(JSON.parse(d.attributes["gen_ai.output.messages"] as string)[0].parts[0].content, "Settings → Security.");
    assert.equal(d.attributes["gen_ai.response.time_to_first_chunk"], undefined);
  });

  it("kind llm with paths on a stream: each event's piece at outputPath, joined, with a TTFT", () => {
    const d = classify(
      {
        url: "https://app.example.com/bot/stream",
        requestJson: { q: "Reset?" },
        status: 200,
        responseHeaders: { "content-type": "text/event-stream" },
        chunks: [{ dt: 120, text: sse({ v: { t: "Open " } }) }, { dt: 180, text: sse({ v: { t: "Settings." } }, { done: true }) }],
      },
      [{ urlPattern: "*/bot/stream", kind: "llm", name: "bot", inputPath: "q", outputPath: "v.t" }],
    );
    assert.equal(d.name, "chat bot");
    assert.equal(JSON.parse(d.attributes["gen_ai.output.messages"] as string)[0].parts[0].content, "Open Settings.");
    assert.equal(d.attributes["gen_ai.response.time_to_first_chunk"], 0.12);
  });

  it("a path that selects nothing is said, not silently empty", () => {
    const d = classify(jsonAnswer, [{ urlPattern: "*/api/answer", kind: "llm", outputPath: "data.text" }]);
    assert.match(String(d.attributes["llm_trace.parse_error"]), /outputPath "data.text" selects nothing in the response/);
    assert.equal(d.attributes["gen_ai.output.messages"], undefined);
  });

  it("classifyExchange(ex) without options is unchanged", () => {
    const ex = makeExchange(chat.chatStream);
    assert.deepEqual(classifyExchange(ex), classifyExchange(ex, { rules: [] }));
  });
});
