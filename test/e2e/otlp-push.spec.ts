/**
 * Opt-in OTLP push: enabled from the settings page, finished traces reach a local receiver as
 * valid OTLP/JSON; a failing collector is reported and retried.
 */
import { expect, test } from "@playwright/test";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fromOtlp } from "../../src/core/files";
import { startDemoServer, type DemoServer } from "../../demo/server";
import { launchWithExtension, waitFor } from "./support/chromium";

let demo: DemoServer;
let receiver: Server;
let receiverUrl: string;
const received: { path: string; headers: Record<string, unknown>; body: unknown }[] = [];
let failNext = 0;

test.beforeAll(async () => {
  demo = await startDemoServer(0, { tokenDelayMs: 2, firstTokenDelayMs: 20 });
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (failNext > 0) {
      failNext--;
      res.writeHead(503).end("collector warming up");
      return;
    }
    received.push({ path: req.url ?? "", headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await demo.close();
  await new Promise((r) => receiver.close(r));
});

test("finished traces are pushed to the collector the user enabled, after a failure is retried", async () => {
  test.setTimeout(120_000);
  const ext = await launchWithExtension();
  try {
    const options = await ext.context.newPage();
    await options.goto(`chrome-extension://${ext.extensionId}/options.html`);
    await options.getByLabel("Collector URL").fill(receiverUrl);
    await options.getByLabel("Collector URL").press("Tab");
    await options.getByLabel("Collector headers").fill("x-collector-key: demo-key");
    await options.getByLabel("Collector headers").press("Tab");
    await options.getByLabel("Push finished traces").check();
    await expect(options.getByLabel("Push finished traces")).toBeChecked();

    failNext = 1;
    const app = await ext.context.newPage();
    await app.goto(demo.origin);
    await app.getByRole("button", { name: "Send" }).click();
    await app.getByText("Your account is active").first().waitFor();
    // The first attempt fails (503) and is reported; the retry succeeds.
    await expect(options.getByRole("status").filter({ hasText: "503" })).toBeVisible({ timeout: 30_000 });
    const push = await waitFor(async () => received.find((r) => JSON.stringify(r.body).includes("submit form#chat")), "the pushed trace", 60_000);
    expect(push.path).toBe("/v1/traces");
    expect(push.headers["x-collector-key"]).toBe("demo-key");
    expect(push.headers["content-type"]).toBe("application/json");

    const { spans, warnings } = fromOtlp(push.body);
    expect(warnings).toEqual([]);
    const root = spans.find((s) => s.name === "submit form#chat")!;
    const trace = spans.filter((s) => s.traceId === root.traceId);
    expect(trace.map((s) => s.name).sort()).toEqual([
      "GET /tools/account-status", "chat gpt-4o-mini", "chat gpt-4o-mini", "embeddings text-embedding-3-small",
      "execute_tool check_account_status", "retrieval support-docs", "submit form#chat",
    ].sort());
    expect(trace.every((s) => s.spanId !== root.spanId ? trace.some((p) => p.spanId === s.parentSpanId) : !s.parentSpanId)).toBe(true);
    const otlpSpans = (push.body as { resourceSpans: { scopeSpans: { spans: { startTimeUnixNano: unknown; traceId: string }[] }[] }[] }).resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(typeof otlpSpans[0]!.startTimeUnixNano).toBe("string");
    // The same resource an exported file has: service.name is the traced app (the page's host).
    const resource = (push.body as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[] }).resourceSpans[0]!.resource;
    const attributes = Object.fromEntries(resource.attributes.map((a) => [a.key, a.value.stringValue]));
    expect(attributes["service.name"]).toBe(new URL(demo.origin).host);
    expect(attributes["telemetry.sdk.name"]).toBe("llm-trace-devtools");
    expect(otlpSpans[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    // Pushed once: more traffic later does not push this trace again.
    const count = received.filter((r) => JSON.stringify(r.body).includes(root.spanId)).length;
    expect(count).toBe(1);
  } finally {
    await ext.close();
  }
});
