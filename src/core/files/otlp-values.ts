/**
 * Attribute values <-> OTLP/JSON AnyValue. OTLP arrays must be homogeneous, so a number[] with
 * any fraction is written all as doubleValue; int64 is a decimal string in the JSON mapping and
 * only safe integers are written as ints (a larger "integer" is not exact anyway). On import,
 * values our Span schema cannot hold (maps, mixed arrays, bytes) are kept as JSON text rather
 * than dropped, with nesting depth bounded.
 */
import type { Attributes, AttributeValue } from "../contract";
import { isObj } from "../providers";
import { isSafeKey } from "./read";

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

const numberValue = (n: number, allInts: boolean): OtlpAnyValue => (allInts ? { intValue: String(n) } : { doubleValue: n });

export function toAnyValue(v: AttributeValue): OtlpAnyValue | undefined {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") return Number.isFinite(v) ? numberValue(v, Number.isSafeInteger(v)) : undefined;
  if ((v as unknown[]).every((x) => typeof x === "string")) return { arrayValue: { values: (v as string[]).map((s) => ({ stringValue: s })) } };
  const nums = v as number[];
  if (!nums.every(Number.isFinite)) return undefined;
  const allInts = nums.every(Number.isSafeInteger);
  return { arrayValue: { values: nums.map((n) => numberValue(n, allInts)) } };
}

/** Attributes the conventions type as double: written so even when whole (a thumbs up's 1). */
const DOUBLE_KEYS = new Set(["gen_ai.evaluation.score.value"]);

export function toKeyValues(attributes: Attributes): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const [key, v] of Object.entries(attributes)) {
    const value = DOUBLE_KEYS.has(key) && typeof v === "number" && Number.isFinite(v) ? { doubleValue: v } : toAnyValue(v);
    if (value) out.push({ key, value });
  }
  return out;
}

// ---- import ----

const MAX_DEPTH = 16;

/** A primitive of an AnyValue (int64 may be a string or a number in the wild), else undefined. */
function primitive(v: Record<string, unknown>): string | number | boolean | undefined {
  if (typeof v.stringValue === "string") return v.stringValue;
  if (typeof v.boolValue === "boolean") return v.boolValue;
  if (v.intValue !== undefined) {
    const n = typeof v.intValue === "string" && /^-?\d+$/.test(v.intValue) ? Number(v.intValue) : v.intValue;
    return typeof n === "number" && Number.isFinite(n) ? n : undefined;
  }
  if (typeof v.doubleValue === "number" && Number.isFinite(v.doubleValue)) return v.doubleValue;
  return undefined;
}

/** Any AnyValue as plain JSON data (for maps and mixed arrays kept as text). */
function plain(v: unknown, depth: number): unknown {
  if (!isObj(v) || depth > MAX_DEPTH) return null;
  const p = primitive(v);
  if (p !== undefined) return p;
  if (typeof v.bytesValue === "string") return v.bytesValue;
  if (isObj(v.arrayValue) && Array.isArray(v.arrayValue.values)) return v.arrayValue.values.map((x) => plain(x, depth + 1));
  if (isObj(v.kvlistValue) && Array.isArray(v.kvlistValue.values)) {
    const o: Record<string, unknown> = {};
    for (const kv of v.kvlistValue.values) if (isObj(kv) && typeof kv.key === "string" && isSafeKey(kv.key)) o[kv.key] = plain(kv.value, depth + 1);
    return o;
  }
  return null;
}

export function fromAnyValue(v: unknown): AttributeValue | undefined {
  if (!isObj(v)) return undefined;
  const p = primitive(v);
  if (p !== undefined) return p;
  if (typeof v.bytesValue === "string") return v.bytesValue;
  if (isObj(v.arrayValue) && Array.isArray(v.arrayValue.values)) {
    const items = v.arrayValue.values.map((x) => (isObj(x) ? primitive(x) : undefined));
    if (items.every((x) => typeof x === "string")) return items as string[];
    if (items.every((x) => typeof x === "number")) return items as number[];
  }
  const data = plain(v, 0);
  return data === null ? undefined : JSON.stringify(data);
}

export function fromKeyValues(list: unknown): { attributes: Attributes; dropped: number } {
  const attributes: Attributes = {};
  let dropped = 0;
  if (!Array.isArray(list)) return { attributes, dropped: list === undefined ? 0 : 1 };
  for (const kv of list) {
    const value = isObj(kv) && typeof kv.key === "string" && isSafeKey(kv.key) ? fromAnyValue(kv.value) : undefined;
    if (value === undefined) dropped++;
    else attributes[(kv as { key: string }).key] = value;
  }
  return { attributes, dropped };
}
