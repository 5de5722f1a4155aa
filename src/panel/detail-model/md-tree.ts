/** The tree a Markdown text becomes (markdown.ts builds it, highlight.ts adds coloured runs, the renderer maps each node to a fixed element). */

/** The elements a Markdown text may become; the renderer maps each to a fixed tag. */
export type MdTag =
  | "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "li" | "blockquote"
  | "table" | "thead" | "tbody" | "tr" | "th" | "td" | "em" | "strong" | "s" | "code" | "hr" | "br"
  /** A link: its text, then its address shown as text (never followed). */
  | "link"
  /** An image: its description and address as text (never loaded). */
  | "image"
  /** A fenced or indented code block, coloured when its language is known. */
  | "pre"
  /** A coloured run inside a code block (`cls` is one of highlight.ts's classes). */
  | "hl";

export interface MdElement {
  t: MdTag;
  c: MdNode[];
  /** link, image: the address as written (shown as text). */
  url?: string;
  /** ol: the first item's number. */
  start?: number;
  /** th, td: column alignment. */
  align?: "left" | "center" | "right";
  /** pre: the language named on the fence (letters, digits and + # . - only). */
  lang?: string;
  /** hl: the colour class. */
  cls?: string;
}

export type MdNode = string | MdElement;
