/**
 * The official-SDK test page (test/e2e/pages/sdk/page.ts) bundled for the browser, and the
 * server that answers it: an HTTPS server that serves the page and, through demo/mock-llm.ts,
 * the model APIs. The browsers are pointed at it for the SDKs' real default hosts (API_HOSTS),
 * so the SDKs call api.openai.com, api.anthropic.com, generativelanguage.googleapis.com, an
 * Azure resource and an Ollama host, and the extension sees what a real page would (known hosts,
 * cross-origin requests preceded by CORS preflights for the SDKs' x-stainless-* / anthropic-* /
 * Authorization headers). HTTPS because api.openai.com is on the browsers' HSTS preload lists;
 * the certificate is self-signed, made here with openssl.
 *
 * - Chromium: --host-resolver-rules maps each host to the server's port, and
 *   --ignore-certificate-errors accepts the certificate (chromiumArgsFor).
 * - Firefox has no host-to-port mapping (network.dns.localDomains maps names to 127.0.0.1 but
 *   keeps port 443), so it gets a manual HTTPS proxy instead: a local CONNECT proxy that
 *   tunnels the API hosts, and only them, to the server (startHostProxy, firefoxPrefsFor). The
 *   TLS handshake inside the tunnel is with the requested host name, so the certificate's SAN
 *   must list it; puppeteer's `acceptInsecureCerts` (a WebDriver BiDi session capability) makes
 *   Firefox accept it. Loopback addresses are never proxied, so the page itself stays direct.
 */
import { build } from "esbuild";
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { connect, type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Duplex } from "node:stream";
import { promisify } from "node:util";
import { createMockLlm, type MockOptions } from "../../../demo/mock-llm";
import { REPO_ROOT } from "./paths";

const run = promisify(execFile);
const PAGE_DIR = path.join(REPO_ROOT, "test", "e2e", "pages", "sdk");

/** Azure OpenAI resource and Ollama server the page's clients are configured with. */
export const AZURE_HOST = "llm-traces-test.openai.azure.com";
export const OLLAMA_HOST = "ollama.example.com";

/** The hosts the SDKs call (their defaults, and the two above), served by the mock. */
export const API_HOSTS = ["api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com", AZURE_HOST, OLLAMA_HOST] as const;

/** Bundle page.ts (with the SDKs) into `outDir` next to a copy of index.html; `pageDir`: another page of the same shape. */
export async function bundleSdkPage(outDir: string, pageDir = PAGE_DIR): Promise<void> {
  await build({
    entryPoints: [path.join(pageDir, "page.ts")],
    outfile: path.join(outDir, "page.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    sourcemap: "inline",
    logLevel: "warning",
  });
  await copyFile(path.join(pageDir, "index.html"), path.join(outDir, "index.html"));
}

/** A throwaway self-signed certificate for the API hosts and 127.0.0.1. */
export async function selfSignedCertificate(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  const san = [...API_HOSTS.map((h) => `DNS:${h}`), "IP:127.0.0.1"].join(",");
  await run("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=llm-trace-sdk-test", "-addext", `subjectAltName=${san}`,
  ]);
  return { key: await readFile(keyFile), cert: await readFile(certFile) };
}

export interface SdkServer {
  /** https://127.0.0.1:PORT, where the page is at /sdk/index.html. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** More the server answers: WebSocket upgrades, and requests before the mock model APIs. */
export interface ServerExtras {
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  route?(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

/** Serve `pageDir` under /sdk/ and the mock model APIs for every other path. */
export async function startSdkServer(pageDir: string, tls: { key: Buffer; cert: Buffer }, options: MockOptions = {}, extras: ServerExtras = {}): Promise<SdkServer> {
  const mock = createMockLlm(options);
  const types: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript" };
  const server: Server = createServer(tls, async (req, res) => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      if (url.pathname.startsWith("/sdk/") && req.method === "GET") {
        const name = path.basename(url.pathname);
        const data = await readFile(path.join(pageDir, name));
        res.writeHead(200, { "content-type": types[path.extname(name)] ?? "application/octet-stream" });
        return void res.end(data);
      }
      if (extras.route?.(req, res, url)) return;
      if (await mock(req, res, url, Buffer.concat(chunks))) return;
      res.writeHead(404).end("not found");
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  });
  const upgrade = extras.upgrade;
  if (upgrade) server.on("upgrade", (req, socket, head) => upgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `https://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** The bundled page (the SDK page, or another under test/e2e/pages/) and its server in a throwaway folder; close() removes both. */
export async function startSdkSite(options: MockOptions, pageDir = PAGE_DIR, extras: ServerExtras = {}): Promise<SdkServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-sdk-"));
  try {
    await bundleSdkPage(dir, pageDir);
    const server = await startSdkServer(dir, await selfSignedCertificate(dir), options, extras);
    return { ...server, close: () => server.close().finally(() => rm(dir, { recursive: true, force: true })) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Chromium flags that send the API hosts to the local server. They replace the drivers' own
 * --host-resolver-rules (Chromium keeps the last value of a repeated switch), so the rule that
 * blocks every other outside name is repeated here.
 */
export function chromiumArgsFor(server: SdkServer): string[] {
  const maps = API_HOSTS.map((h) => `MAP ${h} 127.0.0.1:${server.port}`).join(", ");
  return [`--host-resolver-rules=${maps}, MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost`, "--ignore-certificate-errors"];
}

export interface HostProxy {
  port: number;
  close(): Promise<void>;
}

/**
 * An HTTP CONNECT proxy on 127.0.0.1 that tunnels the API hosts' port 443 to the local server
 * and refuses everything else (nothing may leave the machine).
 */
export async function startHostProxy(server: SdkServer): Promise<HostProxy> {
  const allowed = new Set<string>(API_HOSTS.map((h) => `${h}:443`));
  const proxy = createHttpServer((_req, res) => res.writeHead(403).end("only CONNECT to the API hosts"));
  // Tunnels leave the HTTP server's bookkeeping (closeAllConnections does not see them).
  const tunnels = new Set<{ destroy(): void }>();
  proxy.on("connect", (req, client, head) => {
    tunnels.add(client);
    client.on("close", () => tunnels.delete(client));
    if (!allowed.has(req.url ?? "")) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(server.port, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const drop = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on("error", drop);
    client.on("error", drop);
  });
  await new Promise<void>((resolve, reject) => {
    proxy.once("error", reject);
    proxy.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (proxy.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const t of tunnels) t.destroy();
      proxy.closeAllConnections();
      proxy.close(() => r());
    }),
  };
}

/** Firefox prefs that send HTTPS requests to the proxy (which serves only the API hosts). */
export function firefoxPrefsFor(proxy: HostProxy): Record<string, unknown> {
  return {
    "network.proxy.type": 1,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": proxy.port,
    "network.proxy.no_proxies_on": "",
  };
}
