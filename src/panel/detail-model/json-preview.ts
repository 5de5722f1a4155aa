/**
 * One-line previews of JSON values for collapsed tree nodes, after DevTools' console:
 * {model: "gpt-4o", stream: true, …} and Array(3). Bounded work whatever the value's size.
 */

const MAX_PREVIEW = 80;
const MAX_STRING = 40;

export function primitiveText(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  return String(value);
}

function short(value: unknown): string {
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === "object" && value !== null) return "{…}";
  if (typeof value === "string") return JSON.stringify(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value);
  return primitiveText(value);
}

/** An object key as JavaScript would print it: bare when it is an identifier. */
export function keyText(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

export function preview(value: unknown): string {
  if (Array.isArray(value)) {
    let out = "";
    for (let i = 0; i < value.length; i++) {
      const next = `${out}${i ? ", " : ""}${short(value[i])}`;
      if (next.length > MAX_PREVIEW) return `(${value.length}) [${out}, …]`;
      out = next;
    }
    return `(${value.length}) [${out}]`;
  }
  if (typeof value === "object" && value !== null) {
    let out = "";
    let i = 0;
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      const next = `${out}${i++ ? ", " : ""}${keyText(key)}: ${short((value as Record<string, unknown>)[key])}`;
      if (next.length > MAX_PREVIEW) return `{${out}, …}`;
      out = next;
    }
    return `{${out}}`;
  }
  return primitiveText(value);
}

/** Child count, for "expandable" and paging decisions. */
export function childCount(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (typeof value === "object" && value !== null) return Object.keys(value).length;
  return 0;
}

export const isContainer = (value: unknown): value is object => typeof value === "object" && value !== null;

/** JSON text when it parses as an object or array; undefined for anything else. */
export function parseJsonContainer(text: string): object | undefined {
  const t = text.trimStart();
  if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return isContainer(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
