/**
 * Why a text is not JSON, in words a user can act on. JSON.parse's messages differ between
 * engines (V8, SpiderMonkey) and count UTF-16 units; this scanner finds the first error itself
 * and reports it as a byte offset with line and column, and tells a file cut short (a partial
 * download, a copy that stopped) from one that is broken or not JSON at all. It only runs after
 * JSON.parse failed, is linear, and keeps an explicit stack instead of recursing, so deeply
 * nested input cannot overflow the call stack.
 */

export function utf8Length(text: string, end = text.length): number {
  let bytes = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

type Found = { kind: "truncated"; inside: string } | { kind: "error"; at: number; reason: string } | { kind: "ok" };

export function describeJsonError(text: string): string {
  const found = scan(text);
  if (found.kind === "truncated") {
    return `The file is truncated: it ends at byte ${utf8Length(text)} inside ${found.inside}. Was the download or copy cut short?`;
  }
  if (found.kind === "error") {
    const { line, column } = lineColumn(text, found.at);
    const where = `at byte ${utf8Length(text, found.at)} (line ${line}, column ${column})`;
    if (found.at === firstNonSpace(text)) {
      const head = text.slice(found.at, found.at + 20).replace(/\s+/g, " ");
      const html = /^<(!doctype|html|\?xml)/i.test(head) ? " (it looks like an HTML or XML page)" : "";
      return `The file is not JSON: it starts with "${head}"${html}.`;
    }
    return `The file is not valid JSON: ${found.reason} ${where}.`;
  }
  return "The file is not valid JSON.";
}

const firstNonSpace = (text: string): number => {
  const m = /\S/.exec(text);
  return m ? m.index : text.length;
};

function lineColumn(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < at; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1 };
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const LOOSE_TOKEN = /[-+0-9.eE]+|[a-z]+/y;

/** Container states: what the scanner expects next inside an object or an array. */
type Frame = "object-key-or-end" | "object-key" | "object-colon" | "object-value" | "object-comma-or-end" | "array-value-or-end" | "array-value" | "array-comma-or-end";

function scan(text: string): Found {
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  let topDone = false;
  const err = (reason: string): Found => ({ kind: "error", at: i, reason });
  const inside = (): string => {
    const top = stack[stack.length - 1];
    return top === undefined ? "a value" : top.startsWith("object") ? "an object" : "an array";
  };

  while (true) {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
    if (i >= n) {
      if (stack.length > 0) return { kind: "truncated", inside: inside() };
      return topDone ? { kind: "ok" } : err("the file holds no JSON value");
    }
    const ch = text[i]!;
    const frame = stack[stack.length - 1];
    if (frame === undefined && topDone) return err(`unexpected "${ch}" after the end of the JSON value`);

    if (frame === "object-colon") {
      if (ch !== ":") return err(`expected ":" but found "${ch}"`);
      stack[stack.length - 1] = "object-value";
      i++;
      continue;
    }
    if (frame === "object-comma-or-end" || frame === "array-comma-or-end") {
      const close = frame === "object-comma-or-end" ? "}" : "]";
      if (ch === ",") {
        stack[stack.length - 1] = frame === "object-comma-or-end" ? "object-key" : "array-value";
        i++;
      } else if (ch === close) {
        stack.pop();
        i++;
        valueEnded();
      } else return err(`expected "," or "${close}" but found "${ch}"`);
      continue;
    }
    if (frame === "object-key-or-end" || frame === "object-key") {
      if (ch === "}" && frame === "object-key-or-end") {
        stack.pop();
        i++;
        valueEnded();
        continue;
      }
      if (ch !== '"') return err(`expected a property name in double quotes but found "${ch}"`);
      const end = stringEnd(text, i);
      if (end.kind !== "ok") return end.kind === "truncated" ? { kind: "truncated", inside: "a string" } : { kind: "error", at: end.at, reason: end.reason };
      i = end.next;
      stack[stack.length - 1] = "object-colon";
      continue;
    }
    // A value is expected: at the top, after ":", or in an array.
    if (frame === "array-value-or-end" && ch === "]") {
      stack.pop();
      i++;
      valueEnded();
      continue;
    }
    if (ch === "{") {
      stack.push("object-key-or-end");
      i++;
    } else if (ch === "[") {
      stack.push("array-value-or-end");
      i++;
    } else if (ch === '"') {
      const end = stringEnd(text, i);
      if (end.kind !== "ok") return end.kind === "truncated" ? { kind: "truncated", inside: "a string" } : { kind: "error", at: end.at, reason: end.reason };
      i = end.next;
      valueEnded();
    } else {
      // Numbers and literals: a token that runs into the end of the text ("tr", "-", "1e") was cut.
      const loose = matchAt(LOOSE_TOKEN, text, i) ?? 0;
      const strict = matchAt(NUMBER, text, i) ?? matchAt(LITERAL, text, i) ?? 0;
      if (strict < loose || strict === 0) {
        const word = text.slice(i, i + loose);
        const cut = i + loose === n && (/^[-+0-9.eE]+$/.test(word) || ["true", "false", "null"].some((w) => w.startsWith(word)));
        if (cut && loose > 0) return { kind: "truncated", inside: inside() };
        return err(loose > 0 ? `unexpected "${word.slice(0, 20)}"` : `unexpected "${ch}"`);
      }
      i += strict;
      valueEnded();
    }
  }

  function valueEnded(): void {
    const top = stack.length - 1;
    if (top < 0) topDone = true;
    else if (stack[top] === "object-value") stack[top] = "object-comma-or-end";
    else stack[top] = "array-comma-or-end";
  }
}

function matchAt(re: RegExp, text: string, at: number): number | undefined {
  re.lastIndex = at;
  const m = re.exec(text);
  return m && m[0].length > 0 ? m[0].length : undefined;
}

type StringEnd = { kind: "ok"; next: number } | { kind: "truncated" } | { kind: "error"; at: number; reason: string };

function stringEnd(text: string, start: number): StringEnd {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return { kind: "ok", next: i + 1 };
    if (c < 0x20) return { kind: "error", at: i, reason: "unescaped control character in a string" };
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === undefined) return { kind: "truncated" };
      if (e === "u") {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]*$/.test(hex)) return { kind: "error", at: i, reason: "invalid \\u escape in a string" };
        if (hex.length < 4) return { kind: "truncated" };
        i += 5;
      } else if ('"\\/bfnrt'.includes(e)) i++;
      else return { kind: "error", at: i, reason: `invalid escape "\\${e}" in a string` };
    }
  }
  return { kind: "truncated" };
}
