import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import vm from "node:vm";
import { describe, it } from "node:test";
import { shellQuote, toCurl, toFetch } from "../../src/panel/detail-model/curl";
import type { StoredRequest } from "../../src/panel/detail-model/curl";
import type { CapturedBody } from "../../src/core/contract";

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

/**
 * What a page or a shared HAR file can put in a stored request, in every field that reaches a
 * copied command: line ends, command substitution, quotes of every kind, comment ends, markup,
 * JavaScript line separators, terminal controls (bracketed-paste end, C1 CSI), bidi overrides,
 * curl options and globs, NUL.
 */
const HOSTILE = [
  "a\nb", "x\r\necho INJECTED", "$(echo INJECTED)", "`echo INJECTED`", "'; echo INJECTED; '", '"; echo INJECTED; "',
  "*/ echo INJECTED /*", "</script><script>INJECTED()</script>", "a\u2028INJECTED()\u2029b", "\u202eecho INJECTED",
  "\x1b[201~echo INJECTED\n", "\x9b201~", "\\", "\\'", "!!", "${IFS}INJECTED", "-o/tmp/INJECTED", "[1-99]{a,b}", "nul\u0000INJECTED",
];

/** A request with `p` in every field, and a body note built from hostile metadata. */
function hostileRequest(p: string, i: number, body: CapturedBody): StoredRequest {
  return {
    method: `POST${p}`,
    url: i % 2 ? p : `https://x.test/${p}`,
    headers: [["x-hostile", p], [`x-${i}${p.replace(/[\s:]/g, "")}`, "v"]],
    body,
  };
}

const noteBodies = (p: string): CapturedBody[] => [
  { text: `{"q":${JSON.stringify(p)}}` },
  { omitted: "binary", mimeType: `application/octet-stream${p}`, size: 12 },
  { omitted: `binary${p}` as CapturedBody["omitted"], mimeType: "application/octet-stream\ntouch /tmp/INJECTED #" },
  { text: p, truncated: true, size: `1; echo INJECTED${p}` as unknown as number },
];

const BASH = execFileSync("bash", ["-c", "command -v bash"], { encoding: "utf8" }).trim();

/** Runs a copied command in bash with curl replaced by a function that prints its arguments, and nothing on PATH. */
function runInBash(command: string): { args: string[]; stderr: string } {
  const script = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}\n`;
  const r = spawnSync(BASH, ["--norc", "--noprofile", "-c", script], { encoding: "utf8", env: { PATH: "/nonexistent" } });
  return { args: r.stdout.split("\0").slice(0, -1), stderr: r.stderr };
}

/** The arguments curl must receive: every value whole (bash cannot pass a NUL: a word ends there). */
function expectedCurlArgs(request: StoredRequest): string[] {
  const word = (s: string): string => s.split("\0")[0]!;
  const url = request.url;
  const body = request.body?.text;
  return [
    ...(/[[\]{}]/.test(url) ? ["--globoff"] : []), ...(url.startsWith("-") ? ["--url"] : []), word(url),
    "-X", word(request.method.toUpperCase()),
    ...request.headers.flatMap(([name, value]) => ["-H", word(`${name}: ${value}`)]),
    ...(body ? ["--data-raw", word(body)] : []),
  ];
}

describe("copied commands with hostile stored values", () => {
  it("cURL: one command, every value one argument, the note one comment line, nothing else runs", () => {
    HOSTILE.forEach((p, i) => {
      for (const body of noteBodies(p)) {
        const request = hostileRequest(p, i, body);
        const command = toCurl(request);
        const { args, stderr } = runInBash(command);
        assert.equal(stderr, "", `${JSON.stringify(p)}: bash said ${stderr}`);
        assert.deepEqual(args, expectedCurlArgs(request), JSON.stringify(p));
        // Line structure: an optional note, then one command whose every line but the last continues.
        const lines = command.split("\n");
        const note = lines[0]!.startsWith("# Note: ") ? lines.shift()! : undefined;
        lines.slice(0, -1).forEach((l) => assert.ok(l.endsWith(" \\"), `${JSON.stringify(p)}: ${JSON.stringify(l)}`));
        assert.ok(!/[\u2028\u2029\u202a-\u202e\x7f-\x9f\x1b]/.test(command), `${JSON.stringify(p)}: raw control or invisible character`);
        if (note) assert.doesNotMatch(note, /INJECTED|touch|\$\(|`/, JSON.stringify(p));
      }
    });
  });

  it("the note names only a checked media type and a real byte count", () => {
    assert.match(toCurl({ method: "POST", url: "https://x.test/", headers: [], body: { omitted: "binary", mimeType: "image/png" } }), /^# Note: the request body \(binary, image\/png\)/);
    assert.match(toCurl({ method: "POST", url: "https://x.test/", headers: [], body: { omitted: "binary", mimeType: "image/png\nid" } }), /^# Note: the request body \(binary\) was not recorded/);
    assert.match(toCurl({ method: "POST", url: "https://x.test/", headers: [], body: { text: "{", truncated: true, size: "1; id" as unknown as number } }), /^# Note: the request body was cut at the capture limit; this copy/);
    assert.match(toFetch({ method: "POST", url: "https://x.test/", headers: [], body: { omitted: "stream\u2028alert(1)" as CapturedBody["omitted"] } }), /^\/\/ Note: the request body \(not captured\) was not recorded/);
  });

  it("fetch: a program that only calls fetch, with exactly the stored values", () => {
    HOSTILE.forEach((p, i) => {
      for (const body of noteBodies(p)) {
        const request = hostileRequest(p, i, body);
        const code = toFetch(request);
        const calls: unknown[][] = [];
        const context = vm.createContext({ fetch: (...args: unknown[]) => void calls.push(args) });
        vm.runInContext(`(async () => { ${code} })()`, context);
        assert.deepEqual(Object.keys(context), ["fetch"], `${JSON.stringify(p)}: the snippet set a global`);
        const expectedInit = {
          method: request.method.toUpperCase(),
          headers: Object.fromEntries(request.headers),
          ...(body.text ? { body: body.text } : {}),
        };
        assert.deepEqual(JSON.parse(JSON.stringify(calls)), [[request.url, expectedInit]], JSON.stringify(p));
        assert.equal(code.split("\n")[0]!.startsWith("// Note: ") ? code.split("\n")[0]!.includes("INJECTED") : false, false);
        assert.ok(!/[\u2028\u2029\u202a-\u202e\x7f-\x9f]/.test(code), `${JSON.stringify(p)}: raw line separator or invisible character`);
      }
    });
  });

  it("fetch: header names that are also Object.prototype's keep their values", () => {
    const code = toFetch({ method: "GET", url: "https://x.test/", headers: [["constructor", "a"], ["__proto__", "b"], ["toString", "c"]] });
    let seen: unknown[] = [];
    new Function("fetch", `return (async () => { ${code} })();`)((...args: unknown[]) => (seen = args));
    const headers = (seen[1] as { headers: Record<string, string> }).headers;
    assert.deepEqual(Object.entries(headers), [["constructor", "a"], ["__proto__", "b"], ["toString", "c"]]);
  });
});
