/**
 * Finding the `[REDACTED:reason]` marks that capture put in place of secrets, also inside URLs
 * where they appear percent-encoded, so the panel can show them apart from real values.
 */

export type Segment = { text: string; redacted?: string };

/**
 * A reason never holds a bracket (see core/redaction/patterns.ts), so neither form reads past the next
 * opening one: an unclosed mark repeated over a long text cannot send every attempt to its end.
 */
const MARK = /\[REDACTED:([^[\]\n]*)\]|%5BREDACTED%3A([^%\n]*(?:%(?!5[BD])[^%\n]*)*)%5D/gi;

export function splitRedactions(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(MARK)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: m[0], redacted: m[1] ?? decodeSafe(m[2] ?? "") });
    last = m.index + m[0].length;
  }
  if (last < text.length || out.length === 0) out.push({ text: text.slice(last) });
  return out;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
