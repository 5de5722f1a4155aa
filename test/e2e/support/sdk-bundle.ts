/**
 * The official-SDK test page (test/e2e/pages/sdk/page.ts) bundled for the browser, and the
 * server that answers it: an HTTPS server that serves the page and, through demo/mock-llm.ts,
 * the model APIs. Chromium is pointed at it for api.openai.com and api.anthropic.com with
 * --host-resolver-rules, so the SDKs call their real default hosts and the extension sees what a
 * real page would (known hosts, cross-origin requests preceded by CORS preflights for the SDKs'
 * x-stainless-* / anthropic-* / Authorization headers). HTTPS because api.openai.com is on
 * Chromium's HSTS preload list; the certificate is self-signed, made here with openssl, and
 * accepted with --ignore-certificate-errors.
 */
import { build } from "esbuild";
import { execFile } from "node:child_process";
import { copyFile, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { createMockLlm, type MockOptions } from "../../../demo/mock-llm";
import { REPO_ROOT } from "./paths";

const run = promisify(execFile);
const PAGE_DIR = path.join(REPO_ROOT, "test", "e2e", "pages", "sdk");

/** The hosts the SDKs call by default, served by the mock. */
export const API_HOSTS = ["api.openai.com", "api.anthropic.com"] as const;

/** Bundle page.ts (with the SDKs) into `outDir` next to a copy of index.html. */
export async function bundleSdkPage(outDir: string): Promise<void> {
  await build({
    entryPoints: [path.join(PAGE_DIR, "page.ts")],
    outfile: path.join(outDir, "page.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    sourcemap: "inline",
    logLevel: "warning",
  });
  await copyFile(path.join(PAGE_DIR, "index.html"), path.join(outDir, "index.html"));
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

/** Serve `pageDir` under /sdk/ and the mock model APIs for every other path. */
export async function startSdkServer(pageDir: string, tls: { key: Buffer; cert: Buffer }, options: MockOptions = {}): Promise<SdkServer> {
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
      if (await mock(req, res, url, Buffer.concat(chunks))) return;
      res.writeHead(404).end("not found");
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  });
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

/**
 * Chromium flags that send the API hosts to the local server. They replace the drivers' own
 * --host-resolver-rules (Chromium keeps the last value of a repeated switch), so the rule that
 * blocks every other outside name is repeated here.
 */
export function chromiumArgsFor(server: SdkServer): string[] {
  const maps = API_HOSTS.map((h) => `MAP ${h} 127.0.0.1:${server.port}`).join(", ");
  return [`--host-resolver-rules=${maps}, MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost`, "--ignore-certificate-errors"];
}
