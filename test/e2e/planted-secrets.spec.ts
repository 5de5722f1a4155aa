/**
 * Secrets known by their name (issue 15, items 3 and 4), planted everywhere a page can put
 * them: credential headers, URL parameters, the page URL's query and fragment (recorded by a
 * click and an app mark), JSON and form bodies and their echoes, a login form's FormData and
 * urlencoded POST on a development host, an OAuth answer streamed with its tokens split across
 * network writes, a redirect carrying an authorization code, a Tavily key. None of them may be
 * found, byte for byte, anywhere the extension keeps data nor in any export. Then the same for
 * imported files: a HAR holding them all (and spans carrying them), and an OTLP file.
 */
import { expect, test, type Page } from "@playwright/test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { importTraceFile, toOtlp } from "../../src/core/files";
import {
  PLANTED_FORM_FIELDS, PLANTED_HEADERS, PLANTED_JSON_FIELDS, PLANTED_LOGIN, PLANTED_OAUTH, PLANTED_PARAMS, PLANTED_TAVILY,
  allPlanted, leaksIn, plantedFormBody, plantedHar, plantedJsonBody, plantedPageFragment, plantedPageQuery, plantedQuery,
} from "../fixtures/planted-secrets";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, openPanelTab, waitFor, type WithExtension } from "./support/chromium";
import { dumpExtensionStorage, type ExtensionStorage } from "./support/extension-storage";

let server: TestServer;
let dir: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.beforeAll(async () => {
  server = await startServer({
    /** An OAuth token endpoint answering as a stream, each token split across two writes. */
    "/api/oauth-stream": async (_req, res) => {
      res.setHeader("content-type", "text/event-stream");
      res.flushHeaders();
      const event = `data: ${JSON.stringify({ ...PLANTED_OAUTH, token_type: "Bearer", expires_in: 3600 })}\n\n`;
      const cuts = [event.indexOf(PLANTED_OAUTH.access_token) + 9, event.indexOf(PLANTED_OAUTH.refresh_token) + 11, event.length];
      let at = 0;
      for (const cut of cuts) {
        res.write(event.slice(at, cut));
        at = cut;
        await sleep(20);
      }
      res.end("data: [DONE]\n\n");
    },
    "/api/oauth-token": (_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ...PLANTED_OAUTH, token_type: "Bearer" }));
    },
    "/api/redirect-code": (_req, res) => {
      res.statusCode = 302;
      res.setHeader("location", `/api/json?code=${PLANTED_PARAMS.code}&state=s1`);
      res.end();
    },
  });
  dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-planted-"));
});
test.afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const dump = (ext: WithExtension): Promise<ExtensionStorage> => ext.worker.evaluate(dumpExtensionStorage);

/** Every export of what the panel shows, as text. */
async function exports(panel: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const format of ["HAR", "OTLP", "JSONL"]) {
    await panel.getByRole("button", { name: "Export" }).click();
    await panel.getByLabel(/All \(/).check();
    const download = panel.waitForEvent("download");
    await panel.getByRole("menuitem", { name: new RegExp(format) }).click();
    out[format] = await readFile((await (await download).path())!, "utf8");
  }
  return out;
}

function expectNoLeaks(text: string, where: string): void {
  expect(leaksIn(text), `${where} must hold none of the planted secrets`).toEqual([]);
}

test("secrets planted under their names in live capture reach no storage and no export", async () => {
  test.setTimeout(120_000);
  const ext = await launchWithExtension();
  try {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/app.html?${plantedPageQuery()}#${plantedPageFragment()}`);
    await page.evaluate(() => document.body.insertAdjacentHTML("beforeend", '<form id="login"><input name="username" value="ada"><input name="password" id="pw"><button type="button" id="go">Log in</button></form>'));
    await page.fill("#pw", PLANTED_LOGIN.formData);
    await page.click("#go");
    await page.evaluate(async (p) => {
      performance.mark("llm-trace:start", { detail: { name: `login with ${p.tavily}`, attributes: { api_key: p.json.api_key, note: `key ${p.tavily}`, turns: 1 } } });
      const read = (r: Response) => r.text();
      // Credential headers and secret URL parameters.
      await fetch(`/api/json?${p.query}&x=1`, { headers: p.headers }).then(read);
      // JSON and form bodies, echoed back by the server inside its JSON answer.
      await fetch("/api/echo", { method: "POST", headers: { "content-type": "application/json" }, body: p.jsonBody }).then(read);
      await fetch("/api/echo", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: p.formBody }).then(read);
      // A login form on a development host: its FormData, and an urlencoded XHR.
      await fetch("/api/json", { method: "POST", body: new FormData(document.getElementById("login") as HTMLFormElement) }).then(read);
      await new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open("POST", "/api/json");
        x.setRequestHeader("content-type", "application/x-www-form-urlencoded");
        x.onloadend = resolve;
        x.send(`username=ada&password=${encodeURIComponent(p.login)}&remember=1`);
      });
      // OAuth answers, one streamed with its tokens split, and a redirect carrying a code.
      await fetch("/api/oauth-stream").then(read);
      await fetch("/api/oauth-token", { method: "POST", body: `grant_type=authorization_code&code=${p.code}` }).then(read);
      await fetch("/api/redirect-code").then(read);
      performance.mark("llm-trace:end");
    }, {
      query: plantedQuery(), headers: PLANTED_HEADERS, jsonBody: plantedJsonBody(), formBody: plantedFormBody(), login: PLANTED_LOGIN.urlencoded,
      code: PLANTED_PARAMS.code, tavily: PLANTED_TAVILY, json: PLANTED_JSON_FIELDS,
    });

    const stored = await waitFor(async () => {
      const d = await dump(ext);
      const db = d.databases["llm-trace"];
      const spans = (db?.spans ?? []) as { endTime?: number }[];
      // Exchanges a batch brought whole are stored in blocks (docs/DESIGN.md, "Storage").
      const blocks = (db?.exchangeBlocks ?? []) as { exchanges: { outcome?: unknown }[] }[];
      const exchanges = [...(db?.exchanges ?? []) as { outcome?: unknown }[], ...blocks.flatMap((b) => b.exchanges)];
      const done = exchanges.filter((e) => e.outcome).length >= 8;
      return done && (db?.events ?? []).length >= 3 && spans.every((s) => s.endTime !== undefined) &&
        // Every stream's held-back text released (the tab's first-contact time stays).
        Object.keys(d.session).every((k) => !k.startsWith("redact:")) ? d : undefined;
    }, "every call, the click and both marks stored");
    const text = JSON.stringify(stored);
    expectNoLeaks(text, "the extension's storage");
    // The secrets were there to be found: each place shows its mark instead.
    for (const reason of ["password", "api-key", "secret", "token", "code", "signature", "tavily-key"]) {
      const mark = `[REDACTED:${reason}]`;
      expect(text.includes(mark) || text.includes(encodeURIComponent(mark)), mark).toBe(true);
    }
    const events = stored.databases["llm-trace"]!.events as { kind: string; pageUrl: string }[];
    expect(events.map((e) => e.kind).sort()).toEqual(["interaction", "mark", "mark"]);
    for (const e of events) expect(e.pageUrl).toMatch(/#access_token=%5BREDACTED%3Atoken%5D&id_token=%5BREDACTED%3Atoken%5D&token_type=bearer$/);

    const tabId = (stored.databases["llm-trace"]!.spans as { tabId: number }[])[0]!.tabId;
    const panel = await openPanelTab(ext, tabId);
    await expect(panel.locator(".trace-row").first()).toBeVisible();
    for (const [format, file] of Object.entries(await exports(panel))) {
      if (format !== "JSONL") expect(file.length).toBeGreaterThan(1000);
      expectNoLeaks(file, `the ${format} export`);
    }
    // (The secrets are real inputs of this run, not absent by accident.)
    expect(allPlanted().length).toBeGreaterThan(25);
  } finally {
    await ext.close();
  }
});

test("imported HAR and OTLP files holding planted secrets are stored and exported redacted", async () => {
  test.setTimeout(120_000);
  const har = path.join(dir, "planted.har");
  await writeFile(har, JSON.stringify(plantedHar()));
  // The OTLP file: the spans the HAR becomes, before any redaction.
  const parsed = importTraceFile(JSON.stringify(plantedHar()), { now: Date.now() });
  if (!parsed.ok) throw new Error(parsed.error);
  const otlp = path.join(dir, "planted.otlp.json");
  await writeFile(otlp, JSON.stringify(toOtlp(parsed.session.spans, { serviceName: "planted" }, "1")));
  expect(leaksIn(await readFile(har, "utf8")).length).toBeGreaterThan(25);
  expect(leaksIn(await readFile(otlp, "utf8")).length).toBeGreaterThan(5);

  const ext = await launchWithExtension();
  try {
    await (await ext.context.newPage()).goto(`${server.origin}/pages/app.html`);
    const panel = await openPanelTab(ext, 0);
    for (const [file, spans] of [[har, 5], [otlp, 5]] as const) {
      await panel.locator('input[type="file"]').setInputFiles(file);
      await expect(panel.getByRole("status").filter({ hasText: new RegExp(`Imported ${spans} spans from ${path.basename(file)}`) })).toBeVisible();
      await expect(panel.locator(".trace-row").first()).toBeVisible();
      for (const [format, text] of Object.entries(await exports(panel))) expectNoLeaks(text, `the ${format} export of ${path.basename(file)}`);
    }
    const stored = await dump(ext);
    expect(Object.keys(stored.databases).filter((n) => n.startsWith("llm-trace-import"))).toHaveLength(2);
    expectNoLeaks(JSON.stringify(stored), "the extension's storage");
    expect(JSON.stringify(stored)).toContain("[REDACTED:password]");
  } finally {
    await ext.close();
  }
});
