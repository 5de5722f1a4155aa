import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyExchange } from "../../../src/core/providers";
import { MAX_EVENTS } from "../../../src/core/providers/generic";
import * as f from "../../fixtures/providers/generic";
import { makeExchange } from "../../fixtures/providers/make-exchange";
import { classify, jsonAttr, outputText } from "./helpers";

describe("http fallback and edge cases", () => {
  it("a generic SSE stream becomes an http span with its events", () => {
    const d = classify(f.genericSse);
    assert.equal(d.kind, "http");
    assert.equal(d.name, "GET /api/notifications/stream");
    assert.equal(d.status, "unset");
    assert.equal(d.attributes["gen_ai.operation.name"], undefined);
    assert.equal(d.attributes["gen_ai.provider.name"], undefined);
    assert.equal(d.attributes["llm_trace.stream.event_count"], 2);
    assert.deepEqual(
      d.events?.map((e) => e.attributes),
      [
        { "sse.event": "notification", "sse.data": '{"title":"New comment"}', "sse.id": "1" },
        { "sse.event": "notification", "sse.data": "first line\nsecond line", "sse.id": "2" },
      ],
    );
    assert.equal(d.events?.[1]?.time, 1_700_000_002_000);
  });

  it("caps the number of events and says so", () => {
    const many = Array.from({ length: MAX_EVENTS + 25 }, (_, i) => `data: ${i}\n\n`).join("");
    const d = classify({ ...f.genericSse, chunks: [{ dt: 5, text: many }], outcome: { state: "ok" } });
    assert.equal(d.events?.length, MAX_EVENTS);
    assert.equal(d.attributes["llm_trace.stream.event_count"], MAX_EVENTS + 25);
    assert.equal(d.attributes["llm_trace.stream.events_dropped"], 25);
    assert.equal(d.status, "ok");
  });

  it("NDJSON lines are listed, invalid ones flagged", () => {
    const d = classify(f.genericNdjson);
    assert.equal(d.kind, "http");
    assert.deepEqual(
      d.events?.map((e) => e.attributes),
      [{ "ndjson.line": '{"level":"info","msg":"started"}' }, { "ndjson.line": '{"level":"warn","msg":"slow"}' }, { "ndjson.line": "not json", "ndjson.invalid": true }],
    );
  });

  it("plain http calls: ok, or error with the status code", () => {
    const ok = classify(f.genericJson);
    assert.equal(ok.kind, "http");
    assert.equal(ok.status, "ok");
    assert.equal(ok.events, undefined);
    const missing = classify(f.generic404);
    assert.equal(missing.name, "DELETE /api/missing");
    assert.equal(missing.status, "error");
    assert.equal(missing.attributes["error.type"], "404");
  });

  it("a network failure keeps the model identity and reports the error name", () => {
    const d = classify(f.networkFailure);
    assert.equal(d.kind, "llm");
    assert.equal(d.name, "chat gpt-4o");
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "TypeError");
    assert.equal(d.attributes["llm_trace.error.message"], "Failed to fetch");
    assert.equal(d.attributes["http.response.status_code"], undefined);
  });

  it("before the response: classified from the URL and request", () => {
    const d = classify(f.pendingRequest);
    assert.equal(d.kind, "llm");
    assert.equal(d.status, "unset");
    assert.equal(d.attributes["gen_ai.request.stream"], true);
    assert.equal(jsonAttr(d, "gen_ai.input.messages") !== undefined, true);
  });

  it("a truncated request body still yields model and stream flag, and says what is missing", () => {
    const d = classify(f.truncatedRequest);
    assert.equal(d.name, "chat gpt-4o");
    assert.equal(d.attributes["gen_ai.request.stream"], true);
    assert.equal(d.attributes["gen_ai.input.messages"], undefined);
    assert.match(String(d.attributes["llm_trace.parse_error"]), /request body truncated/);
    assert.equal(outputText(d), "ok");
    assert.equal(d.status, "ok");
  });

  it("never throws on nonsense exchanges", () => {
    const weird = [
      { ...makeExchange({ url: "not a url", method: "" }) },
      { ...makeExchange({ url: "https://api.openai.com/v1/chat/completions", requestText: "[1,2", status: 200 }) },
      // Deliberately malformed objects, as a buggy caller might pass them.
      { request: null } as unknown as Parameters<typeof classifyExchange>[0],
      {} as unknown as Parameters<typeof classifyExchange>[0],
    ];
    for (const ex of weird) {
      const d = classifyExchange(ex);
      assert.equal(typeof d.name, "string");
      assert.ok(["unset", "ok", "error"].includes(d.status));
    }
  });
});

describe("ordinary REST endpoints that share a model API's path", () => {
  const rest = (path: string, body: unknown) =>
    classify({ url: `https://app.example.com${path}`, requestJson: body, status: 201, responseHeaders: { "content-type": "application/json" }, chunks: [{ dt: 20, text: '{"ok":true}' }] });

  it("stay http spans", () => {
    assert.equal(rest("/api/v1/messages", { to: "bob", text: "hi" }).kind, "http");
    assert.equal(rest("/api/surveys/7/responses", { answers: [1, 2] }).kind, "http");
    assert.equal(rest("/api/tasks/completions", { taskId: 3 }).kind, "http");
    assert.equal(rest("/api/embeddings", { ids: [1] }).kind, "http");
  });
});
