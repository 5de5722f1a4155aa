/**
 * Calls to a host the extension does not know, as a local proxy or emulator receives them: an
 * OpenAI-format chat on 127.0.0.1 is provider `openai` with the host as its server, and a
 * Pinecone-shaped query there is a Pinecone retrieval. Checked in IndexedDB and in the panel.
 */
import { expect, test } from "@playwright/test";
import { startDemoServer, type DemoServer } from "../../demo/server";
import { launchWithExtension, openPanelTab, readStore, waitFor } from "./support/chromium";

let server: DemoServer;

test.beforeAll(async () => {
  server = await startDemoServer(0, { tokenDelayMs: 2, firstTokenDelayMs: 20 });
});
test.afterAll(async () => {
  await server.close();
});

test("Chromium: an OpenAI-format chat and a Pinecone-shaped query on 127.0.0.1 are named by their formats", async () => {
  const ext = await launchWithExtension();
  try {
    const page = await ext.context.newPage();
    await page.goto(server.origin);
    const port = Number(new URL(server.origin).port);
    await page.evaluate(async () => {
      const post = (path: string, body: unknown) =>
        fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.text());
      await post("/v1/chat/completions", { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hello there" }] });
      await post("/query", { namespace: "help-center", vector: [0.0123, -0.0456, 0.0789, 0.0012], topK: 2, includeMetadata: true });
    });

    const spans = await waitFor(async () => {
      const { spans } = await readStore(ext);
      const done = spans.filter((s) => s.endTime !== undefined);
      return done.some((s) => s.kind === "llm") && done.some((s) => s.kind === "retrieval") ? spans : undefined;
    }, "the chat and the retrieval stored");
    const chat = spans.find((s) => s.kind === "llm")!;
    expect(chat.name).toBe("chat gpt-4o-mini");
    expect(chat.attributes).toMatchObject({ "gen_ai.provider.name": "openai", "server.address": "127.0.0.1", "server.port": port });
    const retrieval = spans.find((s) => s.kind === "retrieval")!;
    expect(retrieval.name).toBe("retrieval help-center");
    expect(retrieval.attributes).toMatchObject({
      "gen_ai.provider.name": "pinecone",
      "gen_ai.data_source.id": "help-center",
      "gen_ai.request.top_k": 2,
      "server.address": "127.0.0.1",
      "server.port": port,
      "llm_trace.retrieval.document_count": 2,
    });
    const documents = JSON.parse(String(retrieval.attributes["gen_ai.retrieval.documents"])) as { id: string; score: number }[];
    expect(documents.map((d) => [d.id, d.score])).toEqual([["kb-12", 0.91], ["kb-07", 0.81]]);

    // The panel: the model row and each span's header show the family and the server.
    const panel = await openPanelTab(ext, chat.tabId);
    const server127 = `127.0.0.1:${port}`;
    await panel.locator(".trace-row", { hasText: "chat gpt-4o-mini" }).first().click();
    const chatRow = panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" });
    await expect(chatRow.locator(".wf-meta")).toContainText(`openai · ${server127}`);
    await chatRow.click();
    await expect(panel.locator(".dt-head-meta")).toContainText(`openai · ${server127}`);
    // The chat and the query are one page-activity trace once assembled (spans are placed as
    // they are stored): its row names the chat and counts the retrieval.
    await panel.locator(".trace-row", { hasText: "1 retrieval" }).first().click();
    await panel.locator(".wf-row", { hasText: "retrieval help-center" }).click();
    await expect(panel.locator(".dt-head-meta")).toContainText(`pinecone · ${server127}`);
    // The filter's provider: finds the proxy by either half.
    const filter = panel.getByRole("searchbox", { name: "Filter" });
    const traces = panel.locator(".trace-row");
    await filter.fill("provider:pinecone");
    await expect(traces).toHaveCount(1);
    await expect(traces.first()).toContainText("1 retrieval");
    await filter.fill(`provider:${server127}`);
    await expect(traces).not.toHaveCount(0);
  } finally {
    await ext.close();
  }
});
