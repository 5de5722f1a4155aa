import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { shellQuote, toCurl, toFetch } from "../../src/panel/detail-model/curl";
import type { StoredRequest } from "../../src/panel/detail-model/curl";

/** What bash makes of a quoted word: the real test of shell quoting. */
function bashWord(quoted: string): string {
  return execFileSync("bash", ["-c", `printf '%s' ${quoted}`], { encoding: "utf8" });
}

describe("shellQuote", () => {
  const samples = [
    "plain",
    "",
    "it's",
    `'"'"'`,
    "$HOME `id` $(id) \\ !",
    "new\nline",
    "tab\tand\rcr",
    "bell\x07 del\x7f",
    "unicode: héllo — 日本語 🎉",
    "back\\slash and 'quote' with\nnewline",
  ];
  for (const s of samples) {
    it(`round-trips ${JSON.stringify(s)} through bash`, () => assert.equal(bashWord(shellQuote(s)), s));
  }

  it("uses plain single quotes unless control characters require $'...'", () => {
    assert.equal(shellQuote("a b"), "'a b'");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote("a\nb"), "$'a\\nb'");
  });
});

const post: StoredRequest = {
  method: "POST",
  url: "https://api.openai.com/v1/chat/completions",
  headers: [
    ["content-type", "application/json"],
    ["authorization", "Bearer [REDACTED:authorization]"],
    ["content-length", "42"],
    ["x-note", "it's here"],
  ],
  body: { text: '{"model":"gpt-4o","messages":[{"role":"user","content":"it\'s\\nfine"}]}' },
};

describe("toCurl", () => {
  it("writes URL, headers (redactions kept, client-set ones dropped) and the body as sent", () => {
    const cmd = toCurl(post);
    assert.equal(
      cmd,
      [
        "curl 'https://api.openai.com/v1/chat/completions'",
        "-H 'content-type: application/json'",
        "-H 'authorization: Bearer [REDACTED:authorization]'",
        `-H 'x-note: it'\\''s here'`,
        `--data-raw '{"model":"gpt-4o","messages":[{"role":"user","content":"it'\\''s\\nfine"}]}'`,
      ].join(" \\\n  "),
    );
  });

  it("the command parses in bash into exactly the stored values", () => {
    // Replace curl by printing each argument on its own line.
    const args = execFileSync("bash", ["-c", `curl() { for a in "$@"; do printf '%s\\n--\\n' "$a"; done; }; ${toCurl(post)}`], { encoding: "utf8" }).split("\n--\n");
    assert.deepEqual(args.slice(0, -1), [
      post.url,
      "-H", "content-type: application/json",
      "-H", "authorization: Bearer [REDACTED:authorization]",
      "-H", "x-note: it's here",
      "--data-raw", post.body!.text!,
    ]);
  });

  it("adds -X only where curl would pick another method", () => {
    assert.equal(toCurl({ method: "GET", url: "https://x.test/a", headers: [] }), "curl 'https://x.test/a'");
    assert.match(toCurl({ method: "DELETE", url: "https://x.test/a", headers: [] }), /-X 'DELETE'/);
    assert.match(toCurl({ method: "PUT", url: "https://x.test/a", headers: [], body: { text: "{}" } }), /-X 'PUT'/);
    assert.match(toCurl({ method: "POST", url: "https://x.test/a", headers: [] }), /-X 'POST'/);
  });

  it("says when the body is incomplete or missing", () => {
    assert.match(toCurl({ ...post, body: { text: "{", truncated: true, size: 5_000_000 } }), /^# Note: the request body was cut at the capture limit \(it had 5000000 bytes\)/);
    const omitted = toCurl({ ...post, body: { omitted: "binary", mimeType: "image/png", size: 10 } });
    assert.match(omitted, /^# Note: the request body \(binary, image\/png\) was not recorded/);
    assert.doesNotMatch(omitted, /--data-raw/);
  });
});

describe("toFetch", () => {
  it("is a valid fetch call with the stored values", () => {
    const code = toFetch(post);
    assert.match(code, /^await fetch\(/);
    // Evaluate it with a stub fetch to read back what it would send.
    let seen: unknown[] = [];
    new Function("fetch", `return (async () => { ${code} })();`)((...args: unknown[]) => (seen = args));
    assert.deepEqual(seen, [post.url, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer [REDACTED:authorization]", "x-note": "it's here" }, body: post.body!.text }]);
  });

  it("joins repeated headers and leaves out defaults", () => {
    const code = toFetch({ method: "GET", url: "https://x.test/?q=1", headers: [["accept", "a"], ["Accept", "b"], ["accept", "c"]] });
    let seen: unknown[] = [];
    new Function("fetch", `return (async () => { ${code} })();`)((...args: unknown[]) => (seen = args));
    assert.deepEqual(seen, ["https://x.test/?q=1", { headers: { accept: "a, c", Accept: "b" } }]);
    assert.equal(toFetch({ method: "GET", url: "https://x.test/", headers: [] }), 'await fetch("https://x.test/");');
  });

  it("escapes strings so captured text cannot break out of the literal", () => {
    const body = '"); alert(1); ("\u2028</script>';
    const code = toFetch({ method: "POST", url: "https://x.test/", headers: [], body: { text: body } });
    let seen: unknown[] = [];
    new Function("fetch", `return (async () => { ${code} })();`)((...args: unknown[]) => (seen = args));
    assert.equal((seen[1] as { body: string }).body, body);
  });
});
