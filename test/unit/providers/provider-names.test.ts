import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyExchange } from "../../../src/core/providers";
import * as aisdk from "../../fixtures/providers/aisdk";
import type { Fixture } from "../../fixtures/providers/make-exchange";
import { makeExchange } from "../../fixtures/providers/make-exchange";
import * as f from "../../fixtures/providers/provider-names";
import * as r from "../../fixtures/providers/retrieval";
import { assertSubset, classify, outputText } from "./helpers";

/** gen_ai.provider.name, server.address and server.port of a fixture's span. */
function naming(fx: Fixture): [unknown, unknown, unknown] {
  const d = classify(fx);
  assert.notEqual(d.kind, "http", `${fx.name}: recognised as a model call`);
  return [d.attributes["gen_ai.provider.name"], d.attributes["server.address"], d.attributes["server.port"]];
}

describe("gen_ai.provider.name is the API family recognised from the wire", () => {
  it("the OpenAI format at a host we do not know is openai; the host and port are the server's", () => {
    assert.deepEqual(naming(f.openaiChatAtProxy), ["openai", "127.0.0.1", 8787]);
    assert.deepEqual(naming(f.openaiResponsesAtGateway), ["openai", "llm-gateway.internal.example", 443]);
    assert.deepEqual(naming(f.openaiCompletionsAtVllm), ["openai", "10.0.0.7", 8000]);
    assert.deepEqual(naming(f.openaiEmbeddingsAtProxy), ["openai", "127.0.0.1", 8787]);
    // Still the whole parse, not only a name.
    assert.match(outputText(classify(f.openaiChatAtProxy)), /\S/);
  });

  it("Azure by its path shape: a deployment path or api-version at any host", () => {
    assert.deepEqual(naming(f.azureThroughApim), ["azure.ai.openai", "contoso-apim.azure-api.net", 443]);
    assert.equal(classify(f.azureThroughApim).attributes["gen_ai.request.model"], "gpt4o-prod");
    assert.deepEqual(naming(f.azureApiVersionOnly), ["azure.ai.openai", "ai-gateway.contoso.example", 443]);
    assert.deepEqual(naming(f.azureInferenceAtGateway), ["azure.ai.inference", "ai-gateway.contoso.example", 443]);
  });

  it("known hosts keep the convention's names, whatever format they speak", () => {
    assert.equal(naming(f.moonshot)[0], "moonshot_ai");
    assert.equal(naming(f.bedrockOpenai)[0], "aws.bedrock");
  });

  it("Anthropic and Gemini formats at unknown hosts; Vertex AI by its project/location path", () => {
    assert.deepEqual(naming(f.anthropicAtProxy), ["anthropic", "127.0.0.1", 8787]);
    assert.deepEqual(naming(f.vertexClaudeAtProxy), ["gcp.vertex_ai", "llm-proxy.internal.example", 443]);
    assert.deepEqual(naming(f.geminiAtProxy), ["gcp.gemini", "127.0.0.1", 8787]);
    assert.deepEqual(naming(f.vertexGeminiAtProxy), ["gcp.vertex_ai", "llm-proxy.internal.example", 443]);
    // Known by the response alone: the convention's name for a Google backend it cannot tell.
    assert.deepEqual(naming(f.geminiAtAppRoute), ["gcp.gen_ai", "app.example.com", 443]);
  });

  it("Ollama by its own API shape, not only its port", () => {
    assert.deepEqual(naming(f.ollamaAtLanHost), ["ollama", "gpu-box.lan", 8080]);
    assert.deepEqual(naming(f.ollamaEmbedAtLanHost), ["ollama", "gpu-box.lan", 8080]);
  });

  it("an AI SDK backend: the provider its stream reveals, else the protocol's family", () => {
    assert.equal(naming(aisdk.uiStream)[0], "openai");
    assert.deepEqual(naming(aisdk.dataStream), ["vercel.ai_sdk", "localhost", 3000]);
    assert.deepEqual(naming(aisdk.textStream), ["vercel.ai_sdk", "localhost", 3000]);
  });

  it("an app's own search endpoint and the user's tool and retrieval rules name no provider", () => {
    const search = classify(r.appSearch);
    assert.equal(search.kind, "retrieval");
    assert.equal(search.attributes["gen_ai.provider.name"], undefined);
    assertSubset(search.attributes, { "server.address": "support.example.com", "server.port": 443 });
    const rules = [
      { urlPattern: "*/api/search*", kind: "tool" as const, name: "kb lookup" },
      { urlPattern: "*/api/search*", kind: "retrieval" as const, name: "kb" },
    ];
    for (const rule of rules) {
      const d = classifyExchange(makeExchange(r.appSearch), { rules: [rule] });
      assert.notEqual(d.kind, "http", rule.kind);
      assert.equal(d.attributes["gen_ai.provider.name"], undefined, rule.kind);
      assert.equal(d.attributes["server.address"], "support.example.com", rule.kind);
    }
  });
});
