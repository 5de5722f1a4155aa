/**
 * The e2e tests' local web server: test pages plus endpoints that stream, stall, redirect,
 * fail and report what the client did (e.g. whether it closed a stream), so browser behaviour
 * can be checked deterministically rather than by timing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

const pagesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "pages");

export interface TestServer {
  origin: string;
  /** The same server under a second origin (for cross-origin/CORS checks). */
  otherOrigin: string;
  close(): Promise<void>;
  /** Requests the server received, by path (tests assert what the browser actually sent). */
  received: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[];
}

interface Lockstep {
  acked: number;
  waiters: (() => void)[];
}

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => void | Promise<void>;

const CREDENTIAL_HEADERS = new Set(["authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie"]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** See the request handler: a path prefix that only changes how the hook routes a request. */
export const MODEL_PREFIX = "/model/chat/completions";

export async function startServer(extraRoutes: Record<string, Route> = {}): Promise<TestServer> {
  const lockstep = new Map<string, Lockstep>();
  const closed = new Map<string, boolean>();
  const received: TestServer["received"] = [];

  const cors = (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    res.setHeader("access-control-allow-credentials", "true");
    res.setHeader("access-control-expose-headers", "x-test-header");
  };

  const routes: Record<string, Route> = {
    "/api/json": (req, res) => {
      cors(req, res);
      res.setHeader("content-type", "application/json");
      res.setHeader("x-test-header", "yes");
      res.end(JSON.stringify({ ok: true, text: "héllo wörld ✓" }));
    },
    "/api/echo": (req, res, _url, body) => {
      cors(req, res);
      res.setHeader("content-type", "application/json");
      // Credentials are reported as present, not echoed: a secret must reach storage only if
      // the extension failed to redact it, not because this server sent it back.
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, CREDENTIAL_HEADERS.has(k) ? "<present>" : v]));
      res.end(JSON.stringify({ method: req.method, headers, body: body.toString("utf8") }));
    },
    "/api/status": (req, res, url) => {
      cors(req, res);
      res.statusCode = Number(url.searchParams.get("code") ?? 500);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ error: { type: "test_error", message: `status ${res.statusCode}` } }));
    },
    "/api/redirect": (req, res) => {
      res.statusCode = 302;
      res.setHeader("location", "/api/json");
      res.end();
    },
    "/api/binary": (req, res) => {
      cors(req, res);
      res.setHeader("content-type", "image/png");
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 4, 5]));
    },
    "/api/no-content": (req, res) => {
      cors(req, res);
      res.statusCode = 204;
      res.end();
    },
    "/api/large": (req, res, url) => {
      cors(req, res);
      const size = Number(url.searchParams.get("size") ?? 1_000_000);
      res.setHeader("content-type", "text/plain");
      // ?random: incompressible text, for tests that fill storage.
      res.end(url.searchParams.has("random") ? randomBytes(Math.ceil(size * 0.75)).toString("base64").slice(0, size) : "x".repeat(size));
    },
    /** SSE: n events, `delay` ms apart; optionally events split across writes mid-line. */
    "/api/sse": async (req, res, url) => {
      cors(req, res);
      const n = Number(url.searchParams.get("n") ?? 5);
      const delay = Number(url.searchParams.get("delay") ?? 10);
      const split = url.searchParams.has("split");
      res.setHeader("content-type", "text/event-stream; charset=utf-8");
      res.setHeader("cache-control", "no-cache");
      res.flushHeaders();
      for (let i = 0; i < n; i++) {
        if (res.destroyed) return;
        const event = `data: {"i":${i},"text":"tök€n ${i}"}\n\n`;
        if (split) {
          const bytes = Buffer.from(event);
          const cut = Math.floor(bytes.length / 2) + (i % 3);
          res.write(bytes.subarray(0, cut));
          await sleep(delay);
          res.write(bytes.subarray(cut));
        } else {
          res.write(event);
        }
        await sleep(delay);
      }
      res.end("data: [DONE]\n\n");
    },
    /**
     * SSE with named events (`event:`), as app backends in front of a model send them: some
     * named, some plain messages, one named "open" and one "error" (events like any other when
     * they come with data), one no page listens for, then `event: done`. The connection stays open (the page closes it): no error event, no reconnection.
     */
    "/api/sse-named": (req, res) => {
      cors(req, res);
      res.setHeader("content-type", "text/event-stream; charset=utf-8");
      res.setHeader("cache-control", "no-cache");
      res.write([
        "retry: 600000\n\n", "event: delta\nid: 1\ndata: a\n\n", "data: m1\n\n", "event: delta\ndata: b\n\n", "event: tool\ndata: t1\ndata: t2\n\n",
        "event: unheard\ndata: x\n\n", "event: later\ndata: l\n\n", "event: delta\nid: 2\ndata: c\n\n", "event: open\ndata: o\n\n",
        "event: error\ndata: e\n\n", "event: message\ndata: m2\n\n", "event: done\ndata: [DONE]\n\n",
      ].join(""));
    },
    /**
     * Lock-step stream: chunk k+1 is sent only after the client acknowledged chunk k via
     * /api/lockstep-ack. A client that buffers the stream before handing it on never gets
     * chunk 0, never acks, and the test times out: "no added delay", checked without a clock.
     */
    "/api/lockstep": async (req, res, url) => {
      cors(req, res);
      const id = url.searchParams.get("id") ?? "x";
      const n = Number(url.searchParams.get("n") ?? 3);
      const state: Lockstep = { acked: -1, waiters: [] };
      lockstep.set(id, state);
      res.setHeader("content-type", "text/event-stream");
      res.flushHeaders();
      for (let k = 0; k < n; k++) {
        res.write(`data: chunk ${k}\n\n`);
        while (state.acked < k) await new Promise<void>((r) => state.waiters.push(r));
      }
      res.end();
    },
    "/api/lockstep-ack": (req, res, url) => {
      cors(req, res);
      const state = lockstep.get(url.searchParams.get("id") ?? "x");
      if (state) {
        state.acked = Number(url.searchParams.get("k"));
        state.waiters.splice(0).forEach((w) => w());
      }
      res.end("ok");
    },
    /** An endless stream; /api/closed?id= tells whether the client closed the connection. */
    "/api/endless": (req, res, url) => {
      cors(req, res);
      const id = url.searchParams.get("id") ?? "x";
      closed.set(id, false);
      res.setHeader("content-type", "text/event-stream");
      res.flushHeaders();
      res.write("data: first\n\n");
      const timer = setInterval(() => res.write("data: more\n\n"), 50);
      res.on("close", () => {
        clearInterval(timer);
        closed.set(id, true);
      });
    },
    /**
     * A chat stream that ends the way OpenAI's does ([DONE]) but keeps the connection open
     * afterwards, as a slow proxy would: a client that stops at [DONE] must close it itself.
     */
    "/api/done-open": (req, res, url) => {
      cors(req, res);
      const id = url.searchParams.get("id") ?? "x";
      closed.set(id, false);
      res.setHeader("content-type", "text/event-stream");
      res.flushHeaders();
      for (let i = 0; i < 3; i++) res.write(`data: {"choices":[{"index":0,"delta":{"content":"w${i} "},"finish_reason":null}]}\n\n`);
      res.write(`data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`);
      res.on("close", () => closed.set(id, true));
    },
    /**
     * A chat completion stream, ended as asked: `end=done` ([DONE], the default), `none` (EOF
     * with no terminal event), `garbage` (bytes after [DONE]), `split` ([DONE] cut across two
     * writes); `hold=1` keeps the connection open after the end; `n` content events, `delay` ms
     * apart; `stall=k` stops writing (but stays open) after k events.
     */
    "/api/chat-sse": async (req, res, url) => {
      cors(req, res);
      const id = url.searchParams.get("id") ?? "x";
      const n = Number(url.searchParams.get("n") ?? 4);
      const delay = Number(url.searchParams.get("delay") ?? 0);
      const end = url.searchParams.get("end") ?? "done";
      const stall = url.searchParams.has("stall") ? Number(url.searchParams.get("stall")) : Infinity;
      closed.set(id, false);
      res.on("close", () => closed.set(id, true));
      res.setHeader("content-type", "text/event-stream");
      res.flushHeaders();
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: "chatcmpl-e2e", object: "chat.completion.chunk", model: "gpt-e2e", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      for (let i = 0; i < n; i++) {
        if (i >= stall) return; // left open, silent
        if (res.destroyed) return;
        res.write(chunk(i === 0 ? { role: "assistant", content: `w${i} ` } : { content: `w${i} ` }, null));
        if (delay) await sleep(delay);
      }
      if (end === "none") return void res.end();
      res.write(chunk({}, "stop"));
      res.write(`data: ${JSON.stringify({ id: "chatcmpl-e2e", object: "chat.completion.chunk", model: "gpt-e2e", choices: [], usage: { prompt_tokens: 7, completion_tokens: n, total_tokens: 7 + n } })}\n\n`);
      if (end === "split") {
        res.write("data: [DO");
        await sleep(20);
        res.write("NE]\n\n");
      } else {
        res.write("data: [DONE]\n\n");
      }
      if (end === "garbage") res.write('data: {"not": "json"\n\n\u0000\u0001 trailing bytes');
      if (url.searchParams.get("hold") !== "1") res.end();
    },
    /** A model answer on one 5 MB line (non-streamed JSON), over the body cap. */
    "/api/big-line": (req, res, url) => {
      cors(req, res);
      const size = Number(url.searchParams.get("size") ?? 5_000_000);
      res.setHeader("content-type", "application/json");
      res.end(`{"id":"chatcmpl-big","object":"chat.completion","model":"gpt-e2e","choices":[{"index":0,"message":{"role":"assistant","content":"${"x".repeat(size)}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`);
    },
    "/api/closed": (req, res, url) => {
      cors(req, res);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ closed: closed.get(url.searchParams.get("id") ?? "x") ?? null }));
    },
    /** Headers, then nothing for a long time (XHR timeout checks). */
    "/api/hang": (req, res) => {
      cors(req, res);
      setTimeout(() => !res.destroyed && res.end("late"), 30_000);
    },
    /** Drops the connection mid-body. */
    "/api/broken": (req, res) => {
      cors(req, res);
      res.setHeader("content-type", "text/plain");
      res.setHeader("content-length", "1000");
      res.write("partial");
      setTimeout(() => res.socket?.destroy(), 50);
    },
    /**
     * A model-like SSE stream that leaks secrets in its output, each split across two network
     * writes: what the redactor must catch even though no single chunk holds a whole secret.
     */
    "/api/sse-secrets": async (req, res, url) => {
      cors(req, res);
      res.setHeader("content-type", "text/event-stream");
      res.flushHeaders();
      const secrets = (url.searchParams.get("s") ?? "").split(",");
      for (const secret of secrets) {
        const event = `data: {"choices":[{"delta":{"content":"here: ${secret} ok"}}]}\n\n`;
        const cut = event.indexOf(secret) + Math.floor(secret.length / 2);
        res.write(event.slice(0, cut));
        await sleep(15);
        res.write(event.slice(cut));
        await sleep(5);
      }
      res.end("data: [DONE]\n\n");
    },
    /** A UTF-8 text whose multi-byte characters are split across network writes. */
    "/api/utf8-split": async (req, res) => {
      cors(req, res);
      res.setHeader("content-type", "text/plain; charset=utf-8");
      const bytes = Buffer.from("añb€c😀d", "utf8");
      for (let i = 0; i < bytes.length; i++) {
        res.write(bytes.subarray(i, i + 1));
        await sleep(2);
      }
      res.end();
    },
    ...extraRoutes,
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    received.push({ method: req.method ?? "", url: url.pathname + url.search, headers: req.headers, body: body.toString("utf8") });
    if (req.method === "OPTIONS") {
      cors(req, res);
      res.setHeader("access-control-allow-headers", req.headers["access-control-request-headers"] ?? "*");
      res.setHeader("access-control-allow-methods", "GET, POST, PUT, DELETE");
      res.statusCode = 204;
      return res.end();
    }
    // The semantics probes run a second time with this prefix, which makes every request look
    // like a model call to the page hook (its recorded path); the server answers as without it.
    const route = routes[url.pathname.startsWith(MODEL_PREFIX) ? url.pathname.slice(MODEL_PREFIX.length) : url.pathname];
    try {
      if (route) return await route(req, res, url, body);
      if (url.pathname.startsWith("/pages/")) return await servePage(url.pathname.slice("/pages/".length), url, res);
      res.statusCode = 404;
      res.end("not found");
    } catch (error) {
      if (!res.headersSent) res.statusCode = 500;
      res.end(String(error));
    }
  });
  // WebSockets for the semantics probes: /ws/echo (also under MODEL_PREFIX) sends back what it
  // gets; a text message "close CODE REASON" makes the server close with that code.
  const sockets = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path !== "/ws/echo" && path !== `${MODEL_PREFIX}/ws/echo`) return void socket.destroy();
    sockets.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", (data, binary) => {
        const text = binary ? "" : data.toString();
        if (text.startsWith("close ")) {
          const [, code, ...reason] = text.split(" ");
          ws.close(Number(code), reason.join(" "));
        } else ws.send(data, { binary });
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    otherOrigin: `http://localhost:${port}`,
    received,
    close: () => new Promise<void>((r) => {
      for (const ws of sockets.clients) ws.terminate();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

async function servePage(name: string, url: URL, res: ServerResponse): Promise<void> {
  const file = path.join(pagesDir, path.normalize(name).replace(/^(\.\.[/\\])+/, ""));
  const data = await readFile(file);
  const ext = path.extname(file);
  res.setHeader("content-type", ext === ".html" ? "text/html; charset=utf-8" : ext === ".js" ? "text/javascript" : "application/octet-stream");
  if (url.searchParams.has("csp")) {
    res.setHeader("content-security-policy", "default-src 'self'; script-src 'self'; connect-src 'self'");
  }
  res.end(data);
}
