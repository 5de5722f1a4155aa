/**
 * The benchmark's own web server: a cross-origin-isolated page (so performance.now() has 5 µs
 * resolution rather than 100 µs), a small non-LLM JSON endpoint, and OpenAI-style chat streams
 * paced as asked. It listens on several ports at once: Chromium opens at most 6 HTTP/1.1
 * connections per host:port, so 200 truly concurrent streams need 200 / 6 ports.
 * Kept lean on purpose (nothing is recorded per request): at thousands of requests a second the
 * server must not be what is measured.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface BenchServer {
  /** The page's origin (the first port). */
  origin: string;
  /** Every port's origin, origins[0] === origin. */
  origins: string[];
  close(): Promise<void>;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head>
<body><h1>llm-trace bench page</h1><button id="send">Send</button></body></html>`;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const tick = () => new Promise<void>((r) => setImmediate(r));

function common(req: IncomingMessage, res: ServerResponse): void {
  // CORS for the other ports' origins, CORP so a COEP page may read them.
  res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
  res.setHeader("cross-origin-resource-policy", "cross-origin");
  res.setHeader("cache-control", "no-store");
}

const WORDS = ["The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", "."];

/** One OpenAI Chat Completions chunk, as api.openai.com writes it. */
function chatChunk(i: number, content: string | undefined, finish?: string): string {
  const delta = i === 0 ? { role: "assistant", content: content ?? "" } : content !== undefined ? { content } : {};
  return `data: ${JSON.stringify({
    id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_700_000_000, model: "gpt-4o-mini-2024-07-18",
    system_fingerprint: "fp_bench", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish ?? null }],
  })}\n\n`;
}

/**
 * A streamed chat completion: `tokens` content chunks, the first after `first` ms, then `per`
 * of them in one write every `delay` ms (0: as fast as the event loop turns), then usage and [DONE].
 */
async function chatStream(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const tokens = Number(url.searchParams.get("tokens") ?? 300);
  const delay = Number(url.searchParams.get("delay") ?? 2);
  const first = Number(url.searchParams.get("first") ?? 20);
  const per = Math.max(1, Number(url.searchParams.get("per") ?? 1));
  common(req, res);
  res.setHeader("content-type", "text/event-stream; charset=utf-8");
  res.flushHeaders();
  await sleep(first);
  for (let i = 0; i < tokens; i += per) {
    if (res.destroyed) return;
    let text = "";
    for (let j = i; j < Math.min(tokens, i + per); j++) text += chatChunk(j, WORDS[j % WORDS.length]);
    res.write(text);
    if (i + per < tokens) await (delay > 0 ? sleep(delay) : tick());
  }
  res.write(chatChunk(tokens, undefined, "stop"));
  res.write(`data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_700_000_000, model: "gpt-4o-mini-2024-07-18", choices: [], usage: { prompt_tokens: 12, completion_tokens: tokens, total_tokens: 12 + tokens } })}\n\n`);
  res.end("data: [DONE]\n\n");
}

function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  // Bodies are drained, not kept.
  req.resume();
  req.on("end", () => {
    if (req.method === "OPTIONS") {
      common(req, res);
      res.setHeader("access-control-allow-headers", req.headers["access-control-request-headers"] ?? "*");
      res.setHeader("access-control-allow-methods", "GET, POST");
      res.statusCode = 204;
      res.end();
      return;
    }
    switch (url.pathname) {
      case "/":
      case "/bench.html":
        res.setHeader("content-type", "text/html; charset=utf-8");
        res.setHeader("cross-origin-opener-policy", "same-origin");
        res.setHeader("cross-origin-embedder-policy", "require-corp");
        res.setHeader("cache-control", "no-store");
        res.end(PAGE);
        return;
      case "/small":
      case "/api/json":
        // A typical small non-LLM API answer (~100 bytes of JSON).
        common(req, res);
        res.setHeader("content-type", "application/json");
        res.end(`{"ok":true,"user":{"id":42,"name":"Ada"},"items":[1,2,3],"q":${JSON.stringify(url.search.slice(0, 40))}}`);
        return;
      case "/v1/chat/completions":
        chatStream(req, res, url).catch(() => res.destroy());
        return;
      default:
        res.statusCode = 404;
        res.end("not found");
    }
  });
}

/**
 * /v1/realtime?n=&rate=: a live session's receiving side: `n` OpenAI Realtime text-delta events
 * (about 170 bytes each), `rate` a second in bursts every 10 ms, then a close.
 */
async function realtimeStream(ws: WebSocket, url: URL): Promise<void> {
  const n = Number(url.searchParams.get("n") ?? 5000);
  const rate = Number(url.searchParams.get("rate") ?? 5000);
  const burst = Math.max(1, Math.round(rate / 100));
  for (let i = 0; i < n; i += burst) {
    for (let j = i; j < Math.min(n, i + burst); j++) {
      ws.send(JSON.stringify({ type: "response.output_text.delta", event_id: `event_${j}`, response_id: "resp_bench", item_id: "item_bench", output_index: 0, content_index: 0, delta: WORDS[j % WORDS.length] }));
    }
    await sleep(10);
  }
  ws.close(1000, "done");
}

const sockets = new WebSocketServer({ noServer: true });

export async function startBenchServer(ports = 1): Promise<BenchServer> {
  const servers: Server[] = [];
  for (let i = 0; i < ports; i++) {
    const server = createServer(handler);
    server.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname !== "/v1/realtime") return void socket.destroy();
      sockets.handleUpgrade(req, socket, head, (ws) => void realtimeStream(ws, url).catch(() => ws.terminate()));
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    servers.push(server);
  }
  const origins = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  return {
    origin: origins[0]!,
    origins,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => {
      for (const ws of sockets.clients) ws.terminate();
      s.closeAllConnections();
      s.close(() => r());
    }))).then(() => undefined),
  };
}
