import assert from "node:assert/strict";
import { test } from "node:test";
import { replayCommand, type ReplayCommand } from "../../../src/shared/messages";
import { rememberRequest, runReplay, type RecordedFetch } from "../../../src/page/replay";

function command(over: Partial<ReplayCommand> = {}): ReplayCommand {
  return replayCommand({ requestId: "00000000000000aa", originalId: "1111111111111111", url: "https://stored/[REDACTED]", method: "POST", body: "{\"temperature\":0.9}", count: 1, ...over });
}

function recorder(): { send: RecordedFetch; sent: { url: string; init: RequestInit; mark: { of: string; group: string } }[] } {
  const sent: { url: string; init: RequestInit; mark: { of: string; group: string } }[] = [];
  let n = 0;
  return {
    sent,
    send: (url, init, mark) => {
      sent.push({ url, init, mark });
      return { id: `r${String(++n).padStart(15, "0")}`, response: Promise.resolve(new Response("data: [DONE]\n\n")) };
    },
  };
}

test("a call the page made is sent again with its own URL and headers, the edited body, marked as a replay; its trace headers stay behind", () => {
  rememberRequest("1111111111111111", "https://api.openai.com/v1/chat/completions?key=real", "POST", [
    ["Authorization", "Bearer sk-real"], ["Content-Type", "application/json"], ["Content-Length", "12"], ["traceparent", "00-aaaa-bbbb-01"],
  ]);
  const { send, sent } = recorder();
  const out = runReplay(command({ count: 3 }), send);
  assert.deepEqual(out, { ok: true, spanIds: ["r000000000000001", "r000000000000002", "r000000000000003"] });
  assert.equal(sent.length, 3);
  assert.equal(sent[0]!.url, "https://api.openai.com/v1/chat/completions?key=real", "the page's own URL, not the stored (redacted) one");
  assert.equal(sent[0]!.init.body, "{\"temperature\":0.9}");
  const headers = sent[0]!.init.headers as Headers;
  assert.equal(headers.get("authorization"), "Bearer sk-real");
  assert.equal(headers.get("content-length"), null);
  assert.equal(headers.get("traceparent"), null, "a replay is not part of the original's trace");
  assert.deepEqual(sent[0]!.mark, { of: "1111111111111111", group: "00000000000000aa" });
});

test("headers given for one send replace the original's of the same name", () => {
  rememberRequest("2222222222222222", "https://api.anthropic.com/v1/messages", "POST", [["x-api-key", "old"], ["anthropic-version", "2023-06-01"]]);
  const { send, sent } = recorder();
  runReplay(command({ originalId: "2222222222222222", headers: [["X-Api-Key", "new"]] }), send);
  const headers = sent[0]!.init.headers as Headers;
  assert.equal(headers.get("x-api-key"), "new");
  assert.equal(headers.get("anthropic-version"), "2023-06-01");
});

test("after a reload the page has no headers for the call: it says so, unless headers come with the command", () => {
  const { send, sent } = recorder();
  const out = runReplay(command({ originalId: "3333333333333333" }), send);
  assert.equal(out.ok, false);
  assert.equal(out.ok === false && out.reason, "credentials-gone");
  assert.equal(sent.length, 0);
  const given = runReplay(command({ originalId: "3333333333333333", url: "https://api.openai.com/v1/chat/completions", headers: [["Authorization", "Bearer typed"]] }), send);
  assert.equal(given.ok, true);
  assert.equal(sent[0]!.url, "https://api.openai.com/v1/chat/completions");
  assert.equal((sent[0]!.init.headers as Headers).get("authorization"), "Bearer typed");
});

test("only the last 50 calls keep their headers", () => {
  for (let i = 0; i < 60; i++) rememberRequest(`4${String(i).padStart(15, "0")}`, "https://x/v1/chat/completions", "POST", [["authorization", `k${i}`]]);
  const { send } = recorder();
  assert.equal(runReplay(command({ originalId: `4${String(5).padStart(15, "0")}` }), send).ok, false);
  assert.equal(runReplay(command({ originalId: `4${String(59).padStart(15, "0")}` }), send).ok, true);
});
