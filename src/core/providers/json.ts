/** Narrowing helpers for untrusted JSON: provider bodies are data, never trusted to match a type. */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** A non-empty string, or undefined. */
export function name(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function bool(v: unknown): boolean | undefined {
  return typeof v === "boolean" ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Strings of an array (others dropped); a lone string becomes a one-item list. */
export function strings(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (!Array.isArray(v)) return undefined;
  const out = v.filter((x): x is string => typeof x === "string");
  return out.length > 0 ? out : undefined;
}

/** The first of several spellings of a field (REST APIs often accept camelCase and snake_case). */
export function pick(o: Obj | undefined, ...keys: string[]): unknown {
  if (!o) return undefined;
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Tool-call arguments arrive as JSON text; keep the object when it parses, else the raw text. */
export function parseArguments(text: string): unknown {
  if (text === "") return undefined;
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : text;
}

/** Untrusted text kept on a span, cut at `max` characters with a marker saying how long it was. */
export function capped(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…[${s.length} chars]` : s;
}

/** A value as JSON text, capped (raw data of an event or part this parser does not know). */
export function cappedJson(v: unknown, max = 1000): string {
  return capped(JSON.stringify(v) ?? "null", max);
}

/** A short single-line excerpt of untrusted text for an explanation attribute. */
export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
