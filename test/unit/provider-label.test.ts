import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchesSpans, parseQuery, providerLabel, serverLabel } from "../../src/core/query";
import type { Span } from "../../src/core/contract";
import * as f from "../fixtures/providers/provider-names";
import { classify } from "./providers/helpers";

function span(kind: Span["kind"], attributes: Span["attributes"]): Span {
  return { traceId: "a".repeat(32), spanId: "b".repeat(16), name: "x", kind, startTime: 1, endTime: 2, status: "ok", attributes };
}

describe("provider label: the API family and the server", () => {
  it("shows the port unless it is the scheme's own", () => {
    assert.equal(providerLabel(classify(f.openaiChatAtProxy).attributes), "openai · 127.0.0.1:8787");
    assert.equal(providerLabel(classify(f.azureThroughApim).attributes), "azure.ai.openai · contoso-apim.azure-api.net");
    assert.equal(serverLabel({ "server.address": "example.com", "server.port": 443, "url.full": "http://example.com:443/v1" }), "example.com:443");
    assert.equal(serverLabel({ "server.address": "example.com", "server.port": 80, "url.full": "HTTP://example.com/v1" }), "example.com");
    assert.equal(serverLabel({ "server.address": "[::1]", "server.port": 8787, "url.full": "http://[::1]:8787/v1" }), "[::1]:8787");
  });

  it("either half alone when the other is missing", () => {
    assert.equal(providerLabel({ "server.address": "support.example.com", "server.port": 443, "url.full": "https://support.example.com/api/search" }), "support.example.com");
    assert.equal(providerLabel({ "gen_ai.provider.name": "openai" }), "openai");
    assert.equal(providerLabel({}), undefined);
  });

  it("provider: in the filter matches the family or the server, never a plain http span", () => {
    const chat = span("llm", classify(f.openaiChatAtProxy).attributes);
    const http = span("http", { "server.address": "127.0.0.1", "server.port": 8787, "url.full": "http://127.0.0.1:8787/api/json" });
    const match = (q: string, spans: Span[]) => matchesSpans(parseQuery(q), spans);
    assert.equal(match("provider:openai", [chat]), true);
    assert.equal(match("provider:127.0.0.1:8787", [chat]), true);
    assert.equal(match("provider:127.0.0.1", [http]), false);
    assert.equal(match("-provider:anthropic", [chat]), true);
  });
});
