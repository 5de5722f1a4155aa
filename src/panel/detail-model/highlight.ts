/**
 * Colouring of code blocks in messages: highlight.js grammars through lowlight, which gives a
 * tree (hast) instead of HTML, turned here into Markdown nodes. The languages models write most
 * in browser apps (each grammar costs the panel bundle 5-15 KB); any other language, or a block
 * too long to colour quickly, stays plain text.
 */
import { createLowlight } from "lowlight";
import bash from "highlight.js/lib/languages/bash";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import type { MdNode } from "./md-tree";

const lowlight = createLowlight({ bash, javascript, json, python, sql, typescript, xml });

/** Longer blocks are shown plain: colouring is for reading, not worth a frozen pane. */
export const MAX_HIGHLIGHT = 20_000;

interface HastText { type: "text"; value: string }
interface HastElement { type: "element"; properties?: { className?: unknown }; children: HastChild[] }
type HastChild = HastText | HastElement | { type: string };

/** highlight.js scopes (`hljs-keyword`, `hljs-title function_`) to our classes (`hl-keyword`). */
function classOf(el: HastElement): string | undefined {
  const names = Array.isArray(el.properties?.className) ? (el.properties.className as unknown[]) : [];
  for (const n of names) if (typeof n === "string" && /^hljs-[a-z_]+$/.test(n)) return `hl-${n.slice(5)}`;
  return undefined;
}

function convert(children: readonly HastChild[], out: MdNode[]): void {
  for (const child of children) {
    if (child.type === "text") out.push((child as HastText).value);
    else if (child.type === "element") {
      const el = child as HastElement;
      const cls = classOf(el);
      if (cls) {
        const c: MdNode[] = [];
        convert(el.children, c);
        out.push({ t: "hl", cls, c });
      } else convert(el.children, out);
    }
  }
}

/** The language names (and aliases) that are coloured. */
export function knownLanguage(lang: string): boolean {
  return lang !== "" && lowlight.registered(lang.toLowerCase());
}

/** A code block's nodes: coloured runs when its language is known, else its text. */
export function highlight(code: string, lang: string): MdNode[] {
  if (code.length > MAX_HIGHLIGHT || !knownLanguage(lang)) return code === "" ? [] : [code];
  try {
    const out: MdNode[] = [];
    convert(lowlight.highlight(lang.toLowerCase(), code).children as HastChild[], out);
    return out;
  } catch {
    return [code];
  }
}
