/**
 * What the dataset e2e tests (Chromium and Firefox) check of what they read back: the datasets
 * database, and the two exported JSONL shapes line by line.
 */
import { expect } from "@playwright/test";
import { PAGE_KEY, QUESTIONS, SUPPORT_PROMPT } from "./dataset-mock";

export interface StoredDatasetItem {
  datasetId: string;
  id: string;
  expected: { text: string };
  request?: { url: string; body: string };
}

/** Every item in the extension's datasets database. Runs in the browser: self-contained. */
export async function dumpDatasetItems(): Promise<StoredDatasetItem[]> {
  const db = await new Promise<IDBDatabase | undefined>((resolve, reject) => {
    const req = indexedDB.open("llm-trace-datasets");
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => (req.error?.name === "AbortError" ? resolve(undefined) : reject(req.error));
  });
  if (!db) return [];
  const items = await new Promise<StoredDatasetItem[]>((resolve, reject) => {
    const req = db.transaction("items").objectStore("items").getAll();
    req.onsuccess = () => resolve(req.result as StoredDatasetItem[]);
    req.onerror = () => reject(req.error);
  });
  db.close();
  return items;
}

const lines = (text: string): unknown[] => text.trimEnd().split("\n").map((l, i) => {
  try {
    return JSON.parse(l) as unknown;
  } catch {
    throw new Error(`line ${i + 1} does not parse: ${l.slice(0, 120)}`);
  }
});

/** OpenAI chat fine-tuning / evals lines: {"messages": [...]}, system first, the answer last. */
export function expectOpenAiJsonl(text: string): void {
  const parsed = lines(text) as { messages: { role: string; content: unknown }[]; tools?: unknown }[];
  expect(parsed).toHaveLength(5);
  for (const [i, line] of parsed.entries()) {
    expect(Object.keys(line).every((k) => k === "messages" || k === "tools"), "only the documented fields").toBe(true);
    expect(Array.isArray(line.messages)).toBe(true);
    for (const m of line.messages) {
      expect(["system", "user", "assistant", "tool"]).toContain(m.role);
      expect(typeof m.content === "string" || m.content === null || Array.isArray(m.content)).toBe(true);
    }
    expect(line.messages[0]).toEqual({ role: "system", content: SUPPORT_PROMPT });
    expect(line.messages[1]).toEqual({ role: "user", content: QUESTIONS[i]!.question });
    expect(line.messages[line.messages.length - 1]).toEqual({ role: "assistant", content: QUESTIONS[i]!.answer });
  }
  expect(text).not.toContain(PAGE_KEY);
}

/** {input, expected_output, metadata} lines, the request kept (redacted: no key). */
export function expectGenericJsonl(text: string): void {
  const parsed = lines(text) as { input: { system: string; messages: { role: string; content: string }[]; params: Record<string, unknown> }; expected_output: string; metadata: { model: string; provider: string; span_id: string; request: { url: string; method: string; body: string } } }[];
  expect(parsed).toHaveLength(5);
  for (const [i, line] of parsed.entries()) {
    expect(line.input.system).toBe(SUPPORT_PROMPT);
    expect(line.input.messages).toEqual([{ role: "user", content: QUESTIONS[i]!.question }]);
    expect(line.input.params.temperature).toBe(0.2);
    expect(line.expected_output).toBe(QUESTIONS[i]!.answer);
    expect(line.metadata.model).toBe("gpt-4o-mini");
    expect(line.metadata.provider).toBe("openai");
    expect(line.metadata.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(line.metadata.request.method).toBe("POST");
    expect(line.metadata.request.url).toMatch(/\/v1\/chat\/completions$/);
    expect(JSON.parse(line.metadata.request.body).messages[1].content).toBe(QUESTIONS[i]!.question);
  }
  expect(text).not.toContain(PAGE_KEY);
}

/** A file whose third line is broken: the import must refuse it whole. */
export const MALFORMED = [
  '{"input": "Is there a student discount?", "expected_output": "Yes, 20%."}',
  '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}',
  '{"input": "Where is my order?", "expected_output": ',
  '{"input": "Never read", "expected_output": "x"}',
].join("\n");
