/** A run's override written into dataset items' requests (docs/DESIGN.md, "Regression runs"). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bodyWithOverride } from "../../../src/panel/replay-model/override";

const chat = { url: "https://api.openai.com/v1/chat/completions", method: "POST", body: JSON.stringify({ model: "gpt-4o-mini", temperature: 0.2, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], user: "u1" }) };
const anthropic = { url: "https://api.anthropic.com/v1/messages", method: "POST", body: JSON.stringify({ model: "claude-3-5-haiku-latest", max_tokens: 100, system: "Be brief.", messages: [{ role: "user", content: "Hi" }] }) };
const gemini = { url: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent", method: "POST", body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] }) };

const body = (r: ReturnType<typeof bodyWithOverride>) => {
  assert.ok(r.ok, r.ok ? "" : r.error);
  return JSON.parse(r.body) as Record<string, unknown>;
};

describe("run override", () => {
  it("no override: the body exactly as stored", () => {
    assert.deepEqual(bodyWithOverride(chat, {}), { ok: true, body: chat.body });
  });

  it("Chat Completions: the system message replaced, model and temperature set, the rest kept", () => {
    const b = body(bodyWithOverride(chat, { model: "gpt-4o", temperature: 0.9, system: "Talk like a pirate." }));
    assert.equal(b.model, "gpt-4o");
    assert.equal(b.temperature, 0.9);
    assert.deepEqual(b.messages, [{ role: "system", content: "Talk like a pirate." }, { role: "user", content: "Hi" }]);
    assert.equal(b.user, "u1");
  });

  it("Chat Completions without a system message: one is added first", () => {
    const bare = { ...chat, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "Hi" }] }) };
    assert.deepEqual(body(bodyWithOverride(bare, { system: "S" })).messages, [{ role: "system", content: "S" }, { role: "user", content: "Hi" }]);
  });

  it("Anthropic: the system field", () => {
    const b = body(bodyWithOverride(anthropic, { system: "Talk like a pirate.", temperature: 0 }));
    assert.equal(b.system, "Talk like a pirate.");
    assert.equal(b.temperature, 0);
    assert.equal(b.max_tokens, 100);
  });

  it("Gemini: the model is in the URL, said so; temperature goes in generationConfig", () => {
    const r = bodyWithOverride(gemini, { model: "gemini-2.5-pro" });
    assert.equal(r.ok, false);
    assert.deepEqual(body(bodyWithOverride(gemini, { temperature: 0.5 })).generationConfig, { temperature: 0.5 });
  });

  it("a body of no known format, or not JSON, is refused with a reason", () => {
    assert.equal(bodyWithOverride({ url: "https://x.example/api", method: "POST", body: "{}" }, { temperature: 1 }).ok, false);
    assert.equal(bodyWithOverride({ ...chat, body: "not json" }, { temperature: 1 }).ok, false);
  });
});
