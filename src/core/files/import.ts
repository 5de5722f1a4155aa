/**
 * Import of any trace file the panel is handed: our HAR files (lossless), any other HAR
 * (Chrome's or Firefox's Network export: spans re-derived from the raw entries) and OTLP/JSON
 * (spans only). The format is sniffed from the content, never from the file name. Import never
 * throws: a file that cannot be used gives a message that says what is wrong with it, and a file
 * that imports with problems says what was skipped or repaired.
 *
 * Imported spans have tabId 0 and updatedAt = `now`; the caller gives them their session's key
 * and, for foreign files, runs trace assembly (spans keep the traceId deriveSpan gave them).
 */
import { isObj, type Obj } from "../providers";
import { describeJsonError } from "./json-error";
import { importHar } from "./har-import";
import type { TraceSession } from "./session";
import { Warnings } from "./warnings";
import { spansFromOtlpRequests } from "./otlp";

export type { TraceSession } from "./session";

export type ImportResult =
  | { ok: true; format: "llm-trace-har" | "har" | "otlp"; session: TraceSession; warnings: string[] }
  | { ok: false; error: string };

/** The largest file import accepts (100 MB): parsing holds the whole text and its tree in memory. */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

export interface ImportOptions {
  /** The file's size in bytes, as the File object reports it. */
  size?: number;
  /** Time to stamp imported spans with (updatedAt); defaults to Date.now(). */
  now?: number;
}

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** A message when a file of this size is refused, so the panel can check before reading it. */
export function importSizeProblem(size: number): string | undefined {
  return size > MAX_IMPORT_BYTES ? `The file is ${megabytes(size)}; files larger than ${megabytes(MAX_IMPORT_BYTES).replace(".0", "")} cannot be imported.` : undefined;
}

export function importTraceFile(text: string, options: ImportOptions = {}): ImportResult {
  try {
    return importText(text, options);
  } catch (e) {
    // Nothing above should throw; this keeps a bug from reaching the panel as an exception.
    return { ok: false, error: `The file could not be imported (internal error: ${e instanceof Error ? e.message : "unknown"}).` };
  }
}

function importText(text: string, options: ImportOptions): ImportResult {
  if (typeof text !== "string") return { ok: false, error: "The file could not be read as text." };
  // A string's length never exceeds its UTF-8 size, so it is a safe lower bound when no size is given.
  const tooLarge = importSizeProblem(Math.max(options.size ?? 0, text.length));
  if (tooLarge) return { ok: false, error: tooLarge };
  // Editors on Windows may save JSON with a byte order mark; JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") return { ok: false, error: "The file is empty." };

  const now = options.now ?? Date.now();
  const warn = new Warnings();
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch {
    const lines = otlpJsonLines(body);
    if (lines && "error" in lines) return { ok: false, error: lines.error };
    if (lines) return otlpResult(lines, now, warn);
    return { ok: false, error: describeJsonError(body) };
  }
  if (!isObj(root)) {
    const what = Array.isArray(root) ? "an array" : root === null ? "null" : `a ${typeof root}`;
    return { ok: false, error: `The file is JSON, but ${what} rather than a HAR or OTLP trace file.` };
  }
  if ("log" in root) {
    const har = importHar(root, now, warn);
    return har.ok ? { ...har, warnings: warn.list() } : har;
  }
  if ("resourceSpans" in root) {
    if (!Array.isArray(root.resourceSpans)) return { ok: false, error: "This OTLP file is invalid: resourceSpans is not an array." };
    return otlpResult([root], now, warn);
  }
  return { ok: false, error: 'The file is JSON, but neither a HAR file (no "log") nor an OTLP/JSON trace file (no "resourceSpans").' };
}

function otlpResult(requests: Obj[], now: number, warn: Warnings): ImportResult {
  const spans = spansFromOtlpRequests(requests, now, warn);
  if (spans.length === 0) warn.add("The OTLP file holds no spans");
  return { ok: true, format: "otlp", session: { spans, exchanges: [] }, warnings: warn.list() };
}

/**
 * The OpenTelemetry Collector's file exporter writes one ExportTraceServiceRequest per line.
 * Such a file is not one JSON value, so it is recognised here, when JSON.parse has failed:
 * its first line alone is an OTLP request.
 */
function otlpJsonLines(text: string): Obj[] | { error: string } | undefined {
  const firstEnd = text.indexOf("\n");
  if (firstEnd < 0 || !isOtlpLine(text.slice(0, firstEnd))) return undefined;
  const out: Obj[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const v = parseLine(line);
    if (!v) return { error: `This OTLP JSON Lines file is invalid at line ${i + 1}: ${describeJsonError(line).replace(/^The file/, "the line")}` };
    if (!Array.isArray(v.resourceSpans)) return { error: `This OTLP JSON Lines file is invalid at line ${i + 1}: it is not an OTLP request (no "resourceSpans" array).` };
    out.push(v);
  }
  return out;
}

function parseLine(line: string): Obj | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const isOtlpLine = (line: string): boolean => Array.isArray(parseLine(line)?.resourceSpans);
