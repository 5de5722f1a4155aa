/**
 * Secrets known by their name rather than their shape (issue 15, items 3 and 4): credential
 * headers, URL parameters in the query and the fragment, and body fields in JSON, forms and
 * multipart; a Tavily key; the page URLs of interactions and marks; imported exchanges and
 * spans. Each rule is checked both ways: the secret goes, and ordinary fields of model calls
 * (max_tokens, token counts, a streamed `"token"`) stay.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChunkRecord, ExchangeRecord } from "../../src/core/contract";
import { createRedactor, redactHeaders, redactImportedExchange, redactUrl } from "../../src/core/redaction";
import { knownNames, secretNameReason } from "../../src/core/redaction/secret-names";
import { importTraceFile, toOtlp } from "../../src/core/files";
import {
  PLANTED_FORM_FIELDS, PLANTED_HEADERS, PLANTED_JSON_FIELDS, PLANTED_LOGIN, PLANTED_PAGE_URL, PLANTED_PARAMS, PLANTED_TAVILY,
  leaksIn, plantedFormBody, plantedHar, plantedJsonBody, plantedQuery,
} from "../fixtures/planted-secrets";

const r = createRedactor({});
const body = (s: string) => r.text(s, "bodies");

describe("secret headers", () => {
  it("redacts each credential header of the issue, whatever its case", () => {
    const out = redactHeaders(Object.entries(PLANTED_HEADERS).map(([n, v]) => [n.toUpperCase(), v]));
    for (const [name, value] of out) assert.match(value, /^\[REDACTED:(api-key|token)\]$/, name);
    assert.equal(leaksIn(JSON.stringify(r.headers(Object.entries(PLANTED_HEADERS)))).length, 0);
  });

  it("keeps ordinary headers, including rate-limit token counts", () => {
    const plain: [string, string][] = [
      ["content-type", "application/json"], ["x-ratelimit-remaining-tokens", "149984"], ["anthropic-ratelimit-tokens-limit", "80000"],
      ["x-request-id", "req_123"], ["keep-alive", "timeout=5"], ["www-authenticate", "Bearer realm=x"],
    ];
    assert.deepEqual(r.headers(plain), plain);
  });

  it("redacts secret parameters in a URL-valued header (a redirect's Location)", () => {
    assert.deepEqual(r.headers([["Location", "https://app.test/cb?code=abc123&state=s1#access_token=tok1"]]), [
      ["Location", "https://app.test/cb?code=%5BREDACTED%3Acode%5D&state=s1#access_token=%5BREDACTED%3Atoken%5D"],
    ]);
  });
});

describe("secret URL parameters, in the query and the fragment", () => {
  it("redacts each parameter of the issue, names compared case-insensitively", () => {
    const url = redactUrl(`https://s3.test/o?${plantedQuery()}&x-amz-signature=abc&PASSWORD=pw&page=2`);
    assert.equal(leaksIn(url).length, 0, url);
    assert.match(url, /X-Amz-Signature=%5BREDACTED%3Asignature%5D/);
    assert.match(url, /x-amz-signature=%5BREDACTED%3Asignature%5D&PASSWORD=%5BREDACTED%3Apassword%5D&page=2$/);
  });

  it("redacts an OAuth implicit-flow fragment, and a hash router's query", () => {
    assert.equal(
      redactUrl("https://app.test/cb#access_token=at1&id_token=it1&token_type=bearer&expires_in=3600"),
      "https://app.test/cb#access_token=%5BREDACTED%3Atoken%5D&id_token=%5BREDACTED%3Atoken%5D&token_type=bearer&expires_in=3600",
    );
    assert.equal(redactUrl("https://app.test/#/callback?code=c0de&state=x"), "https://app.test/#/callback?code=%5BREDACTED%3Acode%5D&state=x");
  });

  it("detectors and the user's patterns see a fragment's values one by one, keeping its shape", () => {
    const key = "AIzaSyPl4ntedFragKey0123456789abcdefghi";
    assert.equal(r.url(`https://app.test/#state=s1&k=${key}&x=1`), "https://app.test/#state=s1&k=%5BREDACTED%3Agoogle-api-key%5D&x=1");
    assert.equal(r.url(`https://app.test/#/cb?k=${key}`), "https://app.test/#/cb?k=%5BREDACTED%3Agoogle-api-key%5D");
  });

  it("redacts a password in the authority", () => {
    assert.equal(redactUrl("https://ada:hunter2@db.test/x?y=1"), "https://ada:%5BREDACTED%3Apassword%5D@db.test/x?y=1");
  });

  it("keeps ordinary URLs byte for byte: fragments, empty values, pagination tokens, lookalike names", () => {
    for (const url of [
      "https://app.test/docs#section-2", "https://app.test/#/chat/42", "https://app.test/?token=&q=a", "https://api.test/v1/items?page_token=abc&pageToken=def",
      "https://api.test/search?q=token&max_tokens=5&tokens=3&keyword=x&codec=h264", "https://app.test/a%ZZ?b=%ZZ#c=%ZZ",
    ]) assert.equal(redactUrl(url), url);
  });

  it("is idempotent", () => {
    const once = r.url(`https://s3.test/o?${plantedQuery()}#access_token=a&code=c`);
    assert.equal(r.url(once), once);
  });
});

describe("secret fields in bodies", () => {
  it("JSON at any depth, keeping the JSON valid and every other field", () => {
    const out = body(plantedJsonBody());
    assert.equal(leaksIn(out).length, 0, out);
    const parsed = JSON.parse(out);
    assert.deepEqual(parsed.user, {
      name: "ada", password: "[REDACTED:password]", api_key: "[REDACTED:api-key]", client_secret: "[REDACTED:secret]",
      secret: "[REDACTED:secret]", token: "[REDACTED:token]",
    });
    assert.equal(parsed.max_tokens, 12);
    assert.equal(parsed.note, "search with [REDACTED:tavily-key]");
  });

  it("JSON values with escapes, long ones, and keys in any spelling", () => {
    const long = `p\\"a\\\\ss${"x".repeat(60)}\\n${"y".repeat(300)}\\u0041end`;
    const text = `{"apiKey":"k1","NEW_PASSWORD":"${long}","clientSecret": "s1","x-api-key" :  "h1","private_key":"-----BEGIN-----\\nabc\\n-----END-----","ok":"${"z".repeat(40)}"}`;
    const out = body(text);
    assert.deepEqual(JSON.parse(out), {
      apiKey: "[REDACTED:api-key]", NEW_PASSWORD: "[REDACTED:password]", clientSecret: "[REDACTED:secret]", "x-api-key": "[REDACTED:api-key]",
      private_key: "[REDACTED:secret]", ok: "z".repeat(40),
    });
  });

  it("JSON inside a JSON string (a model's tool-call arguments)", () => {
    const text = JSON.stringify({ arguments: JSON.stringify({ password: "hunter2-secret", user: "ada" }) });
    const out = body(text);
    assert.deepEqual(JSON.parse(JSON.parse(out).arguments), { password: "[REDACTED:password]", user: "ada" });
  });

  it("form-encoded bodies, and the OAuth authorization code there", () => {
    const out = body(`grant_type=authorization_code&${plantedFormBody()}&code=c0de-1&code_verifier=v1&username=ada&remember=1`);
    assert.equal(leaksIn(out).length, 0, out);
    assert.match(out, /^grant_type=authorization_code&password=\[REDACTED:password\]&api_key=\[REDACTED:api-key\]&client_secret=\[REDACTED:secret\]&secret=\[REDACTED:secret\]&token=\[REDACTED:token\]&code=\[REDACTED:code\]&code_verifier=\[REDACTED:code\]&username=ada&remember=1$/);
    assert.equal(body("user%5Bpassword%5D=pw1&x=1"), "user%5Bpassword%5D=[REDACTED:password]&x=1");
    // A form body quoted in JSON (an echo, a log): valid JSON still.
    assert.deepEqual(JSON.parse(body(JSON.stringify({ body: "password=pw1&code=c1&x=1" }))), { body: "password=[REDACTED:password]&code=[REDACTED:code]&x=1" });
    assert.equal(body("xpassword=1&a_b=2"), "xpassword=[REDACTED:password]&a_b=2");
    assert.equal(body("{x}password=1"), "{x}password=1", "not a form field: no separator before its name");
  });

  it("multipart/form-data as sent, and FormData as the page hook describes it (name=value lines)", () => {
    const raw = `--b\r\nContent-Disposition: form-data; name="password"\r\n\r\n${PLANTED_LOGIN.formData}\r\n--b\r\nContent-Disposition: form-data; name="user"\r\n\r\nada\r\n--b--`;
    assert.equal(body(raw), raw.replace(PLANTED_LOGIN.formData, "[REDACTED:password]"));
    const record: ExchangeRecord = {
      id: "0123456789abcdef", tabId: 1, transport: "fetch", timing: { start: 1 },
      request: { method: "POST", url: "http://localhost/login", headers: [], body: { text: `user=ada\npassword=${PLANTED_LOGIN.formData}\navatar=<file "a.png", 3 bytes, image/png>\n`, mimeType: "multipart/form-data" } },
    };
    assert.equal(r.exchange(record).request.body!.text, `user=ada\npassword=[REDACTED:password]\navatar=<file "a.png", 3 bytes, image/png>\n`);
  });

  it("name=value in prose or a shell line, where only names secret everywhere count", () => {
    assert.equal(body("export OPENAI_API_KEY=abc123\nDB_PASSWORD=pw1 ok"), "export OPENAI_API_KEY=[REDACTED:api-key]\nDB_PASSWORD=[REDACTED:password] ok");
    assert.equal(body(`{"content":"my password=hunter2, thanks"}`), `{"content":"my password=[REDACTED:password] thanks"}`);
  });

  it("a Tavily key anywhere", () => {
    assert.equal(body(`key: ${PLANTED_TAVILY}.`), "key: [REDACTED:tavily-key].");
    assert.equal(r.url(`https://api.tavily.com/search?q=x&k=${PLANTED_TAVILY}`), "https://api.tavily.com/search?q=x&k=%5BREDACTED%3Atavily-key%5D");
  });

  it("keeps what model calls are made of: token counts, max_tokens, a streamed token, error codes, special tokens", () => {
    for (const text of [
      `{"model":"gpt-4o","max_tokens":12,"tokens":12,"token":12,"token_count":"5","usage":{"prompt_tokens":3,"completion_tokens":4}}`,
      `data: {"token":" Hello"}\n\ndata: {"token":"world,"}\n\n`,
      `{"logprobs":{"content":[{"token":"Paris","logprob":-0.01}]}}`,
      `{"error":{"code":"invalid_api_key","message":"Incorrect API key provided"}}`,
      `{"eos_token":"</s>","pad_token":"<pad>","next_page_token":"CAEQAA1234567890abcdef","token_type":"bearer"}`,
      `{"tools":[{"type":"function","function":{"name":"login","parameters":{"properties":{"password":{"type":"string"}}}}}]}`,
      `{"messages":[{"role":"user","content":"what makes a strong password policy?"}]}`,
      "exit code=42 and key=value pairs, the api_key field",
    ]) assert.equal(body(text), text);
  });

  it("a streamed body: a field split anywhere is caught, with the same result as redacting it whole", () => {
    // Longer than the stream's hold-back window and dense with escapes, so that rounds end
    // inside it, some right after a backslash whose escaped quote has not arrived yet.
    const long = `s3cr\\"et${"ab\\\\c\\\"".repeat(150)}tail`;
    const text = `data: {"model":"${"m".repeat(400)}","user":{"password":"${long}","name":"ada"},"access_token":"at-123456"}\n\n`;
    assert.deepEqual(JSON.parse(body(text).slice(6)), { model: "m".repeat(400), user: { password: "[REDACTED:password]", name: "ada" }, access_token: "[REDACTED:token]" });
    // A pattern of the user's that matches the field's name, between where a round decides and the value.
    const mine = createRedactor({ redaction: { patterns: [{ pattern: `rd":`, kind: "literal", label: "word" }], detectors: {} as never } });
    for (const red of [r, mine]) {
      const whole = red.text(text, "bodies");
      // Every cut point, one character per chunk around the escapes included.
      for (let size = 1; size <= 7; size++) {
        let state = red.startStream("0123456789abcdef");
        const emit: ChunkRecord[] = [];
        for (let i = 0, seq = 0; i < text.length; i += size, seq++) {
          const step = red.redactChunk(state, { exchangeId: "0123456789abcdef", seq, time: seq, text: text.slice(i, i + size) });
          state = step.state;
          emit.push(...step.emit);
        }
        emit.push(...red.flush(state).emit);
        assert.equal(emit.map((c) => c.text).join(""), whole, `chunks of ${size}`);
      }
    }
  });

  it("every name secret-names.ts knows is found in JSON and forms (its ending is in NAME_ENDINGS)", () => {
    for (const name of knownNames("json")) {
      assert.equal(body(`{"${name}":"v-0123456789abcdef"}`), `{"${name}":"[REDACTED:${secretNameReason(name, "json")}]"}`, name);
      assert.equal(body(`{"${name.toUpperCase()}": "v-0123456789abcdef"}`), `{"${name.toUpperCase()}": "[REDACTED:${secretNameReason(name, "json")}]"}`, name);
    }
    for (const name of knownNames("form")) assert.equal(body(`a=1&${name}=v1&b=2`), `a=1&${name}=[REDACTED:${secretNameReason(name, "form")}]&b=2`, name);
  });

  it("can be switched off like any detector", () => {
    const off = createRedactor({ redaction: { patterns: [], detectors: { "secret-field": false } as never } });
    assert.equal(off.text(`{"password":"pw1"}`, "bodies"), `{"password":"pw1"}`);
  });
});

describe("interactions and marks", () => {
  it("the page URL's query and fragment, the mark's name and attribute values", () => {
    const out = r.tabEvent({
      id: "0123456789abcdef", tabId: 1, time: 1, phase: "start" as const, pageUrl: PLANTED_PAGE_URL,
      name: `answer with ${PLANTED_TAVILY}`, attributes: { user: "u42", apiKey: "k-123", turns: 3, note: `x ${PLANTED_TAVILY}` },
    });
    assert.equal(leaksIn(JSON.stringify(out)).length, 0, JSON.stringify(out));
    assert.deepEqual(out.attributes, { user: "u42", apiKey: "[REDACTED:api-key]", turns: 3, note: "x [REDACTED:tavily-key]" });
    assert.equal(out.pageUrl, "https://app.test/login?token=%5BREDACTED%3Atoken%5D&key=%5BREDACTED%3Aapi-key%5D#access_token=%5BREDACTED%3Atoken%5D&id_token=%5BREDACTED%3Atoken%5D&token_type=bearer");
  });
});

describe("imported files go through the same redaction as live capture", () => {
  const redactSession = (text: string) => {
    const parsed = importTraceFile(text, { now: 1 });
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.error);
    return { exchanges: parsed.session.exchanges.map((ex) => redactImportedExchange(ex, r)), spans: parsed.session.spans.map((s) => r.span(s)) };
  };

  it("a HAR: headers, URLs, page URLs, bodies, responses and the spans it carries", () => {
    const stored = redactSession(JSON.stringify(plantedHar()));
    assert.equal(stored.exchanges.length, 3);
    assert.equal(stored.spans.length, 5);
    assert.deepEqual(leaksIn(JSON.stringify(stored)), []);
    const tool = stored.spans.find((s) => s.kind === "tool")!;
    assert.deepEqual(JSON.parse(tool.attributes["gen_ai.tool.call.arguments"] as string), { password: "[REDACTED:password]", secret: "[REDACTED:secret]" });
    assert.deepEqual(tool.attributes["http.request.header.x-auth-token"], ["[REDACTED:token]"]);
  });

  it("an OTLP file (spans only)", () => {
    const har = importTraceFile(JSON.stringify(plantedHar()), { now: 1 });
    assert.ok(har.ok);
    const otlp = JSON.stringify(toOtlp(har.session.spans.filter((s) => s.kind !== "llm"), { serviceName: "x" }, "1"));
    assert.notDeepEqual(leaksIn(otlp), [], "the file holds secrets to begin with");
    assert.deepEqual(leaksIn(JSON.stringify(redactSession(otlp).spans)), []);
  });

  it("a body split into pieces keeps its pieces and their times, a secret across two is caught", () => {
    const ex = redactImportedExchange({
      id: "0123456789abcdef", transport: "fetch", timing: { start: 1 }, request: { method: "GET", url: "https://x.test/", headers: [] },
      chunks: [{ time: 1, text: 'data: {"access_token":"abc' }, { time: 2, text: 'def123456"}\n\n' }, { time: 3, text: "data: [DONE]\n\n" }],
    }, r);
    assert.deepEqual(ex.chunks, [{ time: 1, text: 'data: {"access_token":"[REDACTED:token]' }, { time: 2, text: '"}\n\n' }, { time: 3, text: "data: [DONE]\n\n" }]);
    assert.deepEqual(redactImportedExchange(ex, r), ex, "and an export imported again is unchanged");
  });

  it("spans already redacted are unchanged (export, import, export stays lossless)", () => {
    const once = redactSession(JSON.stringify(plantedHar()));
    assert.deepEqual(once.spans.map((s) => r.span(s)), once.spans);
    assert.deepEqual(once.exchanges.map((ex) => redactImportedExchange(ex, r)), once.exchanges);
  });
});

describe("the new detectors are linear on adversarial input", () => {
  const N = 2 * 1024 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
  for (const [what, text] of [
    ["JSON keys and values", fill('"password":"a","x":"')],
    ["quotes and colons", fill('":"')],
    ["long names", fill('"' + "a".repeat(39))],
    ["escapes", fill("\\")],
    ["one endless secret value full of escapes", `"password":"${fill('\\"')}`],
    ["escaped JSON", fill('\\"token\\":\\"')],
    ["form pairs", fill("&password=")],
    ["equals signs", fill("a=")],
    ["multipart headers", fill('name="password"\r\n\r\n')],
    ["Tavily prefixes", fill("tvly-")],
  ] as const) {
    it(`2 MB of ${what}`, () => {
      const meter = { scanned: 0 };
      const metered = createRedactor({}, { meter });
      const started = performance.now();
      metered.text(text, "bodies");
      const ms = performance.now() - started;
      const rules = 20;
      assert.ok(meter.scanned <= 3 * rules * N, `${meter.scanned} characters scanned`);
      // Quadratic work on 2 MB would take hours; linear takes well under a second here.
      assert.ok(ms < 20_000, `${Math.round(ms)} ms`);
    });
  }
});
