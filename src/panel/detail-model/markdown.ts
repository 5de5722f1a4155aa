/**
 * Markdown in captured messages, read into a tree the panel renders with Preact (docs/DESIGN.md,
 * "Reading messages"). markdown-it parses (CommonMark with GFM tables and strikethrough; raw
 * HTML off, so `<script>` stays the text it is); this file turns its tokens into `MdNode`s,
 * a closed set of element kinds with no attribute taken from the text except a link's or an
 * image's address, which the renderer only ever shows as text. Nothing here produces HTML.
 */
import MarkdownIt from "markdown-it";
import type { Token } from "markdown-it";
import { highlight } from "./highlight";

export type { MdElement, MdNode, MdTag } from "./md-tree";
import type { MdElement, MdNode, MdTag } from "./md-tree";

/**
 * `maxNesting` bounds the tree's depth (and the renderer's recursion); markdown-it leaves deeper
 * nesting unparsed. Links are checked by markdown-it too (no javascript:, vbscript:, file:, and
 * data: only for images), though the renderer follows none.
 */
const md = new MarkdownIt("default", { html: false, linkify: false, typographer: false, maxNesting: 40 });

const BLOCK_TAGS: Record<string, MdTag> = {
  paragraph: "p", bullet_list: "ul", ordered_list: "ol", list_item: "li", blockquote: "blockquote",
  table: "table", thead: "thead", tbody: "tbody", tr: "tr", th: "th", td: "td",
  em: "em", strong: "strong", s: "s", link: "link",
};
const HEADINGS = new Set(["h1", "h2", "h3", "h4", "h5", "h6"]);
const LANG = /^[\w+#.-]{1,32}$/;

/** An attribute markdown-it set, as text. */
function attr(token: Token, name: string): string | undefined {
  const v = token.attrGet(name);
  return v === null ? undefined : String(v);
}

function alignOf(token: Token): MdElement["align"] {
  const style = attr(token, "style");
  const m = style ? /text-align:(left|center|right)/.exec(style) : null;
  return m ? (m[1] as MdElement["align"]) : undefined;
}

/** An element for an `_open` token; undefined for wrappers left out (a tight list's paragraphs). */
function open(token: Token): MdElement | undefined {
  const kind = token.type.slice(0, -"_open".length);
  if (kind === "paragraph" && token.hidden) return undefined;
  if (kind === "heading") return { t: (HEADINGS.has(token.tag) ? token.tag : "h6") as MdTag, c: [] };
  const t = BLOCK_TAGS[kind];
  if (!t) return { t: "p", c: [] };
  const el: MdElement = { t, c: [] };
  if (t === "link") el.url = attr(token, "href") ?? "";
  if (t === "ol") {
    const start = Number(attr(token, "start") ?? 1);
    if (Number.isSafeInteger(start) && start !== 1) el.start = start;
  }
  if (t === "th" || t === "td") {
    const align = alignOf(token);
    if (align) el.align = align;
  }
  return el;
}

function plainText(tokens: readonly Token[] | null): string {
  return (tokens ?? []).map((t) => (t.children ? plainText(t.children) : t.content)).join("");
}

/** Builds the tree from a token list (block tokens, or an inline token's children). */
function build(tokens: readonly Token[], into: MdNode[]): void {
  const stack: MdNode[][] = [into];
  // A tight list's hidden paragraph has no element: its close must not pop the list item.
  const opened: boolean[] = [];
  const top = () => stack[stack.length - 1]!;
  for (const token of tokens) {
    if (token.nesting === 1) {
      const el = open(token);
      opened.push(el !== undefined);
      if (el) {
        top().push(el);
        stack.push(el.c);
      }
      continue;
    }
    if (token.nesting === -1) {
      if (opened.pop() && stack.length > 1) stack.pop();
      continue;
    }
    switch (token.type) {
      case "inline":
        build(token.children ?? [], top());
        break;
      case "text":
      case "text_special":
      case "html_inline":
      case "html_block":
        pushText(top(), token.content);
        break;
      case "softbreak":
        pushText(top(), "\n");
        break;
      case "hardbreak":
        top().push({ t: "br", c: [] });
        break;
      case "code_inline":
        top().push({ t: "code", c: [token.content] });
        break;
      case "fence":
      case "code_block": {
        const lang = token.info.trim().split(/\s+/, 1)[0] ?? "";
        const code = token.content.endsWith("\n") ? token.content.slice(0, -1) : token.content;
        const el: MdElement = { t: "pre", c: highlight(code, lang) };
        if (LANG.test(lang)) el.lang = lang;
        top().push(el);
        break;
      }
      case "hr":
        top().push({ t: "hr", c: [] });
        break;
      case "image":
        top().push({ t: "image", c: [plainText(token.children)], url: attr(token, "src") ?? "" });
        break;
      default:
        if (token.content) pushText(top(), token.content);
    }
  }
}

/** Adjacent text joins one string (fewer nodes for the renderer). */
function pushText(into: MdNode[], text: string): void {
  if (text === "") return;
  const last = into.length - 1;
  if (last >= 0 && typeof into[last] === "string") into[last] = (into[last] as string) + text;
  else into.push(text);
}

/** The tree of a Markdown text. */
export function parseMarkdown(text: string): MdNode[] {
  const out: MdNode[] = [];
  build(md.parse(text, {}), out);
  return out;
}

/**
 * Whether a text is worth reading as Markdown: it has a heading, list, quote, fence, table,
 * emphasis, inline code or a link. Plain prose (most prompts) keeps its line breaks as written.
 */
export function looksLikeMarkdown(text: string): boolean {
  return /(^|\n)\s{0,3}(#{1,6}\s|[-*+]\s|\d{1,9}[.)]\s|>|```|~~~|\|.*\|)|\*\*|__|`[^`\n]+`|\]\(|(^|\s)[*_][^\s*_][^*_\n]*[*_](\s|$|[.,;:!?])/.test(text.length > 20_000 ? text.slice(0, 20_000) : text);
}

/**
 * Where the first piece of a long text ends: at a blank line outside code fences once it has
 * about `size` characters, so each piece is whole Markdown and the first can be shown before the
 * rest is even looked at. Without such a blank line it ends at a line end outside a fence, or
 * anywhere in a line once it is four times `size`. The whole text when it is short.
 */
export function firstPieceEnd(text: string, size = 12_000): number {
  if (text.length <= size) return text.length;
  let fence: string | undefined;
  let lastBlank = -1;
  for (let pos = 0; pos < text.length; ) {
    let end = text.indexOf("\n", pos);
    if (end === -1) end = text.length;
    const head = text.slice(pos, Math.min(end, pos + 200));
    const marker = head.length >= 3 ? /^ {0,3}(`{3,}|~{3,})/.exec(head)?.[1] : undefined;
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && head.trim() === marker) fence = undefined;
    } else if (marker) {
      fence = marker;
    } else if (end - pos === head.length && head.trim() === "") {
      lastBlank = pos;
    }
    const next = Math.min(end + 1, text.length);
    if (next >= size) {
      if (lastBlank > 0) return lastBlank;
      if (fence === undefined || next >= size * 4) return next;
    }
    pos = next;
  }
  return text.length;
}

/** A long text cut into whole pieces of about `size` characters (see firstPieceEnd). */
export function splitMarkdown(text: string, size = 12_000): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = firstPieceEnd(rest, size);
    pieces.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return pieces;
}
