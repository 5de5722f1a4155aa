/**
 * A regression run's override written into each item's request (docs/DESIGN.md, "Regression
 * runs"): another model, temperature or system prompt, through the same request editing as
 * "Edit and resend", so only those fields change and the rest of the body stays as sent.
 * Without an override the body is sent exactly as stored.
 */
import type { ItemRequest, RunOverride } from "../../core/evals";
import { buildBody, readRequestText, type EditableRequest } from "./request-edit";

export type OverrideResult = { ok: true; body: string } | { ok: false; error: string };

const isEmpty = (o: RunOverride): boolean => !o.model && o.temperature === undefined && o.system === undefined;

function setParam(request: EditableRequest, label: string, value: string): string | undefined {
  const p = request.params.find((x) => x.label === label);
  if (!p) return `This request's format (${request.format}) has no ${label} field to change.`;
  p.value = value;
  return undefined;
}

function setSystem(request: EditableRequest, system: string): void {
  if (request.format === "openai-chat" || request.format === "ollama-chat") {
    // Chat Completions keeps the system prompt as the first system (or developer) message.
    const at = request.turns.findIndex((t) => t.role === "system" || t.role === "developer");
    if (at >= 0) request.turns[at] = { role: request.turns[at]!.role, text: system, json: false };
    else request.turns.unshift({ role: "system", text: system, json: false });
    return;
  }
  request.system = system;
}

export function bodyWithOverride(request: ItemRequest, override: RunOverride): OverrideResult {
  if (isEmpty(override)) return { ok: true, body: request.body };
  const read = readRequestText(request.url, request.method, request.body);
  if (!read.ok) return read;
  const edited = read.request;
  if (edited.format === "json") return { ok: false, error: "This request's format is not one the run can change (send it without an override)." };
  const problems = [
    override.model ? (edited.format === "gemini" ? "A Gemini call names its model in its URL: the run cannot change it." : setParam(edited, "model", override.model)) : undefined,
    override.temperature !== undefined ? setParam(edited, "temperature", String(override.temperature)) : undefined,
  ].filter((x): x is string => x !== undefined);
  if (problems.length) return { ok: false, error: problems[0]! };
  if (override.system !== undefined) setSystem(edited, override.system);
  try {
    return { ok: true, body: buildBody(edited) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
