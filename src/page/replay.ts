/**
 * Edit and resend, in the page (docs/DESIGN.md, "Compare and replay"). The recorded path's
 * requests are remembered with their real headers (API keys included) in this page's memory
 * only, the last KEEP of them; the extension stores them redacted and never sees these. When the
 * relay passes a replay command from the panel, the hook sends the edited body with the original
 * headers through its own recorded fetch (so the replay is captured like any call, marked as a
 * replay of the original) and reads each answer to its end. After a reload the headers are gone:
 * the hook says so, unless the command brings headers for this one send.
 */
import type { Header } from "../core/contract";
import type { ReplayCommand, ReplayOutcome } from "../shared/messages";
import { dict, ignoreSettled, responseBody, toLowerCase, uncurry } from "./natives";

/** How many recent requests keep their headers (their bodies are not kept: the panel sends the body). */
const KEEP = 50;

interface Kept {
  id: string;
  url: string;
  method: string;
  headers: Header[];
}

const kept: (Kept | undefined)[] = [];
let next = 0;

/** Headers a browser sets itself, that describe the old body, or that would put the replay in the original's trace. */
const SKIP = dict({ "content-length": true, host: true, cookie: true, connection: true, "accept-encoding": true, traceparent: true, tracestate: true } as Record<string, boolean>);

export function rememberRequest(id: string, url: string, method: string, headers: Header[]): void {
  kept[next] = { id, url, method, headers };
  next = (next + 1) % KEEP;
}

function find(id: string): Kept | undefined {
  for (let i = 0; i < kept.length; i++) if (kept[i]?.id === id) return kept[i];
  return undefined;
}

const HeadersNative = Headers;
const appendHeader = uncurry(Headers.prototype.append);
const getReader = uncurry(ReadableStream.prototype.getReader as (this: ReadableStream<Uint8Array>) => ReadableStreamDefaultReader<Uint8Array>);
const readChunk = uncurry(ReadableStreamDefaultReader.prototype.read as (this: ReadableStreamDefaultReader<Uint8Array>) => Promise<ReadableStreamReadResult<Uint8Array>>);

/** A replay's marks on the request it starts. */
export interface ReplayMark {
  of: string;
  group: string;
}

/** Sends one request through the hook's recorded fetch, marked; answers its exchange id, or undefined if it was not recorded. */
export type RecordedFetch = (url: string, init: RequestInit, mark: ReplayMark) => { id: string | undefined; response: Promise<Response> };

/** Read a replay's answer to its end: the recorder records what is read, as for the page's own calls. */
async function drain(response: Promise<Response>): Promise<void> {
  const res = await response;
  const body = responseBody(res);
  if (!body) return;
  const reader = getReader(body);
  for (;;) {
    const { done } = await readChunk(reader);
    if (done) return;
  }
}

export function runReplay(command: ReplayCommand, send: RecordedFetch): ReplayOutcome {
  const original = find(command.originalId);
  const given = command.headers;
  if (!original && given.length === 0) {
    return { ok: false, reason: "credentials-gone", message: "The page was reloaded since this call: its headers (API keys) are gone. Give them for this send." };
  }
  const url = original?.url ?? command.url;
  const method = original?.method ?? command.method;
  const headers = new HeadersNative();
  const override: Record<string, boolean> = dict({});
  for (let i = 0; i < given.length; i++) override[toLowerCase(given[i]![0])] = true;
  const base = original?.headers ?? [];
  try {
    for (let i = 0; i < base.length; i++) {
      const name = toLowerCase(base[i]![0]);
      if (!SKIP[name] && !override[name]) appendHeader(headers, base[i]![0], base[i]![1]);
    }
    for (let i = 0; i < given.length; i++) appendHeader(headers, given[i]![0], given[i]![1]);
  } catch {
    return { ok: false, reason: "refused", message: "A header could not be set." };
  }
  const spanIds: string[] = [];
  for (let i = 0; i < command.count; i++) {
    const { id, response } = send(url, dict({ method, headers, body: command.body }), { of: command.originalId, group: command.requestId });
    if (id !== undefined) spanIds[spanIds.length] = id;
    // Failures are recorded on the span; the page sees none of them.
    ignoreSettled(drain(response));
  }
  return { ok: true, spanIds };
}
