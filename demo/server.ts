/** The demo's web server: the support-bot app and the mock model APIs on one local origin. */
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "../test/e2e/support/paths";
import type { AddressInfo } from "node:net";
import { createMockLlm, type MockOptions } from "./mock-llm";

const appDir = path.join(REPO_ROOT, "demo", "app");
const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };

export interface DemoServer {
  origin: string;
  close(): Promise<void>;
}

export async function startDemoServer(port = 0, options: MockOptions = {}): Promise<DemoServer> {
  const mock = createMockLlm(options);
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      if (await mock(req, res, url, Buffer.concat(chunks))) return;
      const name = url.pathname === "/" ? "index.html" : path.basename(url.pathname);
      const data = await readFile(path.join(appDir, name));
      res.writeHead(200, { "content-type": TYPES[path.extname(name)] ?? "application/octet-stream" });
      res.end(data);
    } catch {
      if (!res.headersSent) res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
