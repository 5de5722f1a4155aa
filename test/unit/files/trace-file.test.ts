/** Sniffing the format and the messages for files that cannot be imported. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importSizeProblem, importTraceFile, MAX_IMPORT_BYTES, toOtlp } from "../../../src/core/files";
import { chromeHar } from "../../fixtures/files/chrome-har";
import { fullSession, supportBotTrace } from "../../fixtures/files/session";
import { exportText, imported } from "./helpers";

const error = (text: string, size?: number): string => {
  const r = importTraceFile(text, size === undefined ? {} : { size });
  assert.equal(r.ok, false, `expected a failure for ${JSON.stringify(text.slice(0, 60))}`);
  return r.ok ? "" : r.error;
};

describe("importTraceFile: format sniffing", () => {
  it("recognises our HAR, a plain HAR and OTLP/JSON by content", () => {
    assert.equal(imported(exportText(supportBotTrace())).format, "llm-trace-har");
    assert.equal(imported(JSON.stringify(chromeHar())).format, "har");
    const otlp = imported(JSON.stringify(toOtlp(supportBotTrace().spans, { serviceName: "x" })));
    assert.equal(otlp.format, "otlp");
    assert.deepEqual(otlp.session.exchanges, []);
    assert.equal(otlp.session.spans.length, 7);
  });

  it("accepts a byte order mark and OTLP JSON Lines (the Collector's file exporter)", () => {
    assert.equal(imported("\uFEFF" + exportText(supportBotTrace())).format, "llm-trace-har");
    const spans = supportBotTrace().spans;
    const lines = [spans.slice(0, 3), spans.slice(3)].map((s) => JSON.stringify(toOtlp(s, { serviceName: "x" }))).join("\n") + "\n";
    const r = imported(lines);
    assert.equal(r.format, "otlp");
    assert.equal(r.session.spans.length, 7);
  });
});

describe("importTraceFile: clear messages", () => {
  it("empty file", () => assert.equal(error(""), "The file is empty."));
  it("not JSON at all", () => assert.equal(error("<!DOCTYPE html><html><body>Login</body></html>"), 'The file is not JSON: it starts with "<!DOCTYPE html><html" (it looks like an HTML or XML page).'));

  it("truncated: says where the file ends", () => {
    const text = exportText(supportBotTrace());
    const cut = text.slice(0, 5000);
    assert.equal(error(cut), `The file is truncated: it ends at byte ${Buffer.byteLength(cut)} inside a string. Was the download or copy cut short?`);
    assert.match(error(text.slice(0, text.lastIndexOf("}"))), /^The file is truncated: it ends at byte \d+ inside an object/);
  });

  it("broken JSON: says what and where, in bytes, line and column", () => {
    assert.equal(error('{\n  "log": {\n    "entries": [1,, 2]\n  }\n}'), 'The file is not valid JSON: unexpected "," at byte 31 (line 3, column 19).');
  });

  it("JSON but not a trace file", () => {
    assert.equal(error("[1,2,3]"), "The file is JSON, but an array rather than a HAR or OTLP trace file.");
    assert.equal(error('"hello"'), "The file is JSON, but a string rather than a HAR or OTLP trace file.");
    assert.equal(error('{"name":"package","version":"1.0.0"}'), 'The file is JSON, but neither a HAR file (no "log") nor an OTLP/JSON trace file (no "resourceSpans").');
    assert.equal(error('{"log": []}'), 'This HAR file is invalid: "log" is not an object.');
    assert.equal(error('{"resourceSpans": {}}'), "This OTLP file is invalid: resourceSpans is not an array.");
  });

  it("too large: refused before parsing, with the size", () => {
    assert.equal(error("{}", MAX_IMPORT_BYTES + 1), "The file is 100.0 MB; files larger than 100 MB cannot be imported.");
    assert.equal(importSizeProblem(250 * 1024 * 1024), "The file is 250.0 MB; files larger than 100 MB cannot be imported.");
    assert.equal(importSizeProblem(MAX_IMPORT_BYTES), undefined);
  });

  it("a broken line in OTLP JSON Lines is named", () => {
    const line = JSON.stringify(toOtlp(supportBotTrace().spans, { serviceName: "x" }));
    assert.match(error(`${line}\n${line.slice(0, 100)}\n`), /^This OTLP JSON Lines file is invalid at line 2: the line is truncated/);
  });
});

describe("importTraceFile: large files", () => {
  it("imports a ~40 MB file of our own in a few seconds", () => {
    const base = fullSession();
    const copies: typeof base = { spans: [], exchanges: [] };
    let next = 0;
    while (copies.exchanges.length < 2500) {
      const ids = new Map<string, string>();
      const rename = (id: string): string => {
        if (!ids.has(id)) ids.set(id, `f${(next++).toString(16).padStart(15, "0")}`);
        return ids.get(id)!;
      };
      for (const ex of base.exchanges) {
        const big = ex.chunks.length ? [...ex.chunks, { time: ex.chunks[ex.chunks.length - 1]!.time, text: "x".repeat(15_000) }] : ex.chunks;
        copies.exchanges.push({ ...ex, id: rename(ex.id), chunks: big });
      }
      for (const s of base.spans) copies.spans.push({ ...s, spanId: rename(s.spanId), ...(s.exchangeId ? { exchangeId: rename(s.exchangeId) } : {}) });
    }
    const text = exportText(copies);
    assert.ok(text.length > 35e6, `file is ${text.length} characters`);
    const t0 = performance.now();
    const r = importTraceFile(text, { size: Buffer.byteLength(text) });
    const ms = performance.now() - t0;
    assert.ok(r.ok);
    assert.equal(r.session.exchanges.length, copies.exchanges.length);
    assert.ok(ms < 5000, `import took ${Math.round(ms)} ms`);
  });
});
