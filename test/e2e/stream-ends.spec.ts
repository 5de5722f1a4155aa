/**
 * How streams end in a real page, and what the stored span says (docs/DESIGN.md, "When a call
 * is over"), in Chromium and Firefox: the page cancels after [DONE] (openai 7), stops reading
 * after it (ollama), stops or cancels before it; the server keeps the connection open after the
 * terminal event, sends bytes after [DONE], splits [DONE] across writes, or ends without it;
 * and a 5 MB one-line body. None of it may throw into the page.
 */
import { expect, test } from "@playwright/test";
import type { StoredData } from "./support/idb-dump";
import type { SpanRecord } from "../../src/core/contract";
import { IDLE_MS } from "../../src/page/forwarded-response";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, readStore, waitFor, type WithExtension } from "./support/chromium";
import { launchFirefox, openExtensionPage, readFirefoxStore, type FirefoxLaunched } from "./support/firefox";

interface ReadArgs {
  url: string;
  until: string | null;
  then: "cancel" | "stop" | "end";
}

/** In the page: read `url` until `until` appears (or the end), then cancel or just stop. */
async function readInPage({ url, until, then }: ReadArgs): Promise<{ text: string; errors: string[] }> {
  const errors: string[] = [];
  window.addEventListener("error", (e) => errors.push(String(e.message)));
  window.addEventListener("unhandledrejection", (e) => errors.push(String(e.reason)));
  const r = await fetch(url);
  const reader = r.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    if (until !== null && text.includes(until)) break;
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  if (then === "cancel") await reader.cancel();
  await new Promise((r) => setTimeout(r, 100));
  return { text, errors };
}

/** In the page: a model call answered by a 5 MB one-line JSON body. */
async function bigLineInPage(id: string): Promise<number> {
  const r = await fetch(`/api/big-line?id=${id}`, { method: "POST", body: JSON.stringify({ model: "gpt-e2e", messages: [{ role: "user", content: "big" }] }) });
  return (await r.text()).length;
}

/** What a scenario needs of a browser with the extension. */
interface Subject {
  read(args: ReadArgs): Promise<{ text: string; errors: string[] }>;
  /** Read as `read` does, then navigate the page away while the stream goes on. */
  readThenLeave(args: ReadArgs): Promise<void>;
  bigLine(id: string): Promise<number>;
  data(): Promise<StoredData>;
}

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.close();
});

const uid = () => Math.random().toString(36).slice(2);
const ended = (s: SpanRecord) => s.endTime !== undefined;

function scenarios(subject: () => Subject): void {
  /** The span of the exchange whose URL holds `id`, once `ready` says it is as expected. */
  const spanOf = (id: string, ready: (s: SpanRecord) => boolean, timeout?: number): Promise<SpanRecord> =>
    waitFor(async () => {
      const data = await subject().data();
      const ex = data.exchanges.find((e) => e.request.url.includes(id));
      const span = ex && data.spans.find((s) => s.spanId === ex.id);
      return span && ready(span) ? span : undefined;
    }, `the span of ${id}`, timeout);
  const exchangeOf = async (id: string) => (await subject().data()).exchanges.find((e) => e.request.url.includes(id))!;

  test("cancelled right after [DONE] on a connection the server keeps open: ok, ended at [DONE]", async () => {
    const id = uid();
    const { text, errors } = await subject().read({ url: `/api/chat-sse?id=${id}&hold=1`, until: "[DONE]", then: "cancel" });
    expect(errors).toEqual([]);
    expect(text).toContain("[DONE]");
    const span = await spanOf(id, ended);
    expect(span.status).toBe("ok");
    expect(span.attributes["error.type"]).toBeUndefined();
    expect(span.attributes["gen_ai.usage.output_tokens"]).toBe(4);
    const ex = await exchangeOf(id);
    expect(ex.outcome?.state).toBe("abort");
    expect(span.endTime!).toBeLessThanOrEqual(ex.timing.end!);
  });

  test("left unread after [DONE] (no cancel, connection open): ok and over without waiting for an end", async () => {
    const id = uid();
    const { errors } = await subject().read({ url: `/api/chat-sse?id=${id}&hold=1`, until: "[DONE]", then: "stop" });
    expect(errors).toEqual([]);
    // Well before the hook's idle end: the terminal event alone says it is over.
    const span = await spanOf(id, ended, IDLE_MS / 2).catch(async (error: unknown) => {
      const data = await subject().data();
      const ex = data.exchanges.find((e) => e.request.url.includes(id));
      throw new Error(`${String(error)}: urls ${data.exchanges.map((e) => e.request.url.slice(-40)).join(" ")} exchange ${JSON.stringify(ex?.outcome)} span ${JSON.stringify(data.spans.find((s) => s.spanId === ex?.id)?.attributes["error.type"])} ended ${String(data.spans.find((s) => s.spanId === ex?.id)?.endTime)}`);
    });
    expect(span.status).toBe("ok");
  });

  test("cancelled before the terminal event: an error, cancelled", async () => {
    const id = uid();
    const { errors } = await subject().read({ url: `/api/chat-sse?id=${id}&n=6&stall=2&hold=1`, until: "w1", then: "cancel" });
    expect(errors).toEqual([]);
    const span = await spanOf(id, ended);
    expect(span.status).toBe("error");
    expect(span.attributes["error.type"]).toBe("cancelled");
  });

  test("ended by the server without a terminal event: an error, incomplete", async () => {
    const id = uid();
    await subject().read({ url: `/api/chat-sse?id=${id}&end=none`, until: null, then: "end" });
    const span = await spanOf(id, ended);
    expect(span.status).toBe("error");
    expect(span.attributes["error.type"]).toBe("incomplete_stream");
  });

  test("bytes after [DONE], and [DONE] split across network writes: ok", async () => {
    const garbage = uid();
    const split = uid();
    await subject().read({ url: `/api/chat-sse?id=${garbage}&end=garbage`, until: null, then: "end" });
    await subject().read({ url: `/api/chat-sse?id=${split}&end=split`, until: null, then: "end" });
    expect((await spanOf(garbage, ended)).status).toBe("ok");
    expect((await spanOf(split, ended)).status).toBe("ok");
  });

  test("a 5 MB body on one line reaches the page whole and is stored cut at the cap", async () => {
    const id = uid();
    const length = await subject().bigLine(id);
    expect(length).toBeGreaterThan(5_000_000);
    const span = await spanOf(id, ended);
    const ex = await exchangeOf(id);
    expect(ex.bodyTruncated).toBe(true);
    expect(ex.bodyBytes).toBe(length);
    // Not recognised as a model call once cut (the classifier needs the JSON), but over and ok.
    expect(span.status).toBe("ok");
  });

  test("the page navigates away mid-stream: the span ends as page_left at once, not in flight forever", async () => {
    const id = uid();
    await subject().readThenLeave({ url: `/api/chat-sse?id=${id}&n=6&stall=2&hold=1`, until: "w1", then: "stop" });
    // Well before the idle watchdog would have ended it: the hook ended it as the page was left.
    const span = await spanOf(id, ended, IDLE_MS / 2).catch(async (error: unknown) => {
      const data = await subject().data();
      const ex = data.exchanges.find((e) => e.request.url.includes(id));
      throw new Error(`${String(error)}: urls ${data.exchanges.map((e) => e.request.url.slice(-40)).join(" ")} exchange ${JSON.stringify(ex?.outcome)} span ${JSON.stringify(data.spans.find((s) => s.spanId === ex?.id)?.attributes["error.type"])} ended ${String(data.spans.find((s) => s.spanId === ex?.id)?.endTime)}`);
    });
    expect(span.status).toBe("error");
    expect(span.attributes["error.type"]).toBe("page_left");
    expect(String(span.attributes["gen_ai.output.messages"] ?? "")).toContain("w0");
  });

  test("left unread before the terminal event: ends as incomplete after the idle time, not in flight forever", async () => {
    test.setTimeout(IDLE_MS + 40_000);
    const id = uid();
    const { errors } = await subject().read({ url: `/api/chat-sse?id=${id}&n=6&stall=2&hold=1`, until: "w1", then: "stop" });
    expect(errors).toEqual([]);
    const span = await spanOf(id, ended, IDLE_MS + 20_000);
    expect(span.status).toBe("error");
    expect(span.attributes["error.type"]).toBe("incomplete_stream");
  });
}

test.describe("Chromium", () => {
  let ext: WithExtension;
  test.beforeAll(async () => {
    ext = await launchWithExtension();
  });
  test.afterAll(async () => {
    await ext?.close();
  });
  const inPage = async <A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R> => {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/semantics.html`);
    return page.evaluate(fn as (arg: unknown) => Promise<R>, arg as unknown);
  };
  const readThenLeave = async (args: ReadArgs): Promise<void> => {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/semantics.html`);
    await page.evaluate(readInPage, args);
    // Left open: a closed tab's traces go with it.
    await page.goto(`${server.origin}/pages/app.html`);
  };
  scenarios(() => ({ read: (args) => inPage(readInPage, args), readThenLeave, bigLine: (id) => inPage(bigLineInPage, id), data: () => readStore(ext) }));
});

test.describe("Firefox", () => {
  let ff: FirefoxLaunched;
  let store: Awaited<ReturnType<typeof openExtensionPage>>;
  test.beforeAll(async () => {
    ff = await launchFirefox({ extension: true });
    store = await openExtensionPage(ff, "options.html");
  });
  test.afterAll(async () => {
    await ff?.close();
  });
  const inPage = async <A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R> => {
    const page = await ff.browser.newPage();
    await page.goto(`${server.origin}/pages/semantics.html`);
    return page.evaluate(fn as (arg: unknown) => Promise<R>, arg as unknown) as Promise<R>;
  };
  const readThenLeave = async (args: ReadArgs): Promise<void> => {
    const page = await ff.browser.newPage();
    await page.goto(`${server.origin}/pages/semantics.html`);
    await page.evaluate(readInPage as (arg: unknown) => Promise<unknown>, args as unknown);
    // Left open: a closed tab's traces go with it.
    await page.goto(`${server.origin}/pages/app.html`);
  };
  scenarios(() => ({ read: (args) => inPage(readInPage, args), readThenLeave, bigLine: (id) => inPage(bigLineInPage, id), data: () => readFirefoxStore(store) }));
});
