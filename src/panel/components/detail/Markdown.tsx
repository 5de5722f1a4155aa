/**
 * Markdown of captured messages, rendered from the tree of detail-model/markdown.ts. Each node
 * kind maps to one fixed element; captured text only ever becomes text nodes (and a `title`).
 * A link shows its text and its address and goes nowhere; an image shows its description and
 * address and is never loaded. A long text is parsed and rendered piece by piece as it scrolls
 * into view (Lazy), so a 2 MB answer paints as fast as a short one.
 */
import type { ComponentChildren } from "preact";
import { useMemo } from "preact/hooks";
import { firstPieceEnd, looksLikeMarkdown, parseMarkdown } from "../../detail-model/markdown";
import type { MdElement, MdNode } from "../../detail-model/markdown";
import { Lazy } from "./Lazy";

/** An address as shown: a data: URL by its type and size, anything else cut at 200 characters. */
export function shownUrl(url: string): string {
  if (/^data:/i.test(url)) return `${url.slice(0, Math.min(40, url.indexOf(",") + 1 || 40))}… (${url.length} characters)`;
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}

function children(nodes: readonly MdNode[]): ComponentChildren {
  return nodes.map((n, i) => (typeof n === "string" ? n : <Node key={i} el={n} />));
}

function Node({ el }: { el: MdElement }): ComponentChildren {
  const c = children(el.c);
  switch (el.t) {
    case "p": return <p>{c}</p>;
    case "h1": return <h1>{c}</h1>;
    case "h2": return <h2>{c}</h2>;
    case "h3": return <h3>{c}</h3>;
    case "h4": return <h4>{c}</h4>;
    case "h5": return <h5>{c}</h5>;
    case "h6": return <h6>{c}</h6>;
    case "ul": return <ul>{c}</ul>;
    case "ol": return <ol start={el.start}>{c}</ol>;
    case "li": return <li>{c}</li>;
    case "blockquote": return <blockquote>{c}</blockquote>;
    case "table": return <div class="md-table-wrap"><table>{c}</table></div>;
    case "thead": return <thead>{c}</thead>;
    case "tbody": return <tbody>{c}</tbody>;
    case "tr": return <tr>{c}</tr>;
    case "th": return <th class={el.align ? `md-${el.align}` : undefined}>{c}</th>;
    case "td": return <td class={el.align ? `md-${el.align}` : undefined}>{c}</td>;
    case "em": return <em>{c}</em>;
    case "strong": return <strong>{c}</strong>;
    case "s": return <s>{c}</s>;
    case "code": return <code>{c}</code>;
    case "hr": return <hr />;
    case "br": return <br />;
    case "hl": return <span class={el.cls}>{c}</span>;
    case "pre":
      return (
        <div class="md-code">
          {el.lang !== undefined && <span class="md-code-lang">{el.lang}</span>}
          <pre><code>{c}</code></pre>
        </div>
      );
    case "link": {
      const url = el.url ?? "";
      const text = el.c.length === 1 && el.c[0] === url;
      return (
        <span class="md-link" title={url}>
          <span class="md-link-text">{c}</span>
          {!text && <span class="md-url"> ‹{shownUrl(url)}›</span>}
        </span>
      );
    }
    case "image":
      return (
        <span class="md-image" title="An image the text links to: not loaded">
          <span class="dt-tool-kind">Image</span> {c} <span class="md-url">‹{shownUrl(el.url ?? "")}›</span>
        </span>
      );
  }
}

/** One piece of a long text (or a whole short one), parsed when first rendered. */
function Piece({ text }: { text: string }) {
  const nodes = useMemo(() => parseMarkdown(text), [text]);
  return <>{children(nodes)}</>;
}

/** A rough height for text not rendered yet: about 90 characters a line. */
const estimate = (chars: number) => (chars / 90) * 19;

/**
 * A text as its first piece, then the rest, itself cut the same way once it nears the view: the
 * first paint costs one piece whatever the length. The first piece is about a screenful; later
 * ones are larger (fewer steps while scrolling).
 */
function Pieces({ text, size, render, first = size }: { text: string; size: number; first?: number; render(piece: string): ComponentChildren }) {
  const end = useMemo(() => firstPieceEnd(text, first), [text, first]);
  if (end >= text.length) return <>{render(text)}</>;
  const rest = text.slice(end);
  return (
    <>
      {render(text.slice(0, end))}
      <Lazy estimate={estimate(rest.length)}>{() => <Pieces text={rest} size={size} render={render} />}</Lazy>
    </>
  );
}

const renderMarkdown = (piece: string) => <Piece text={piece} />;
const renderPlain = (piece: string) => piece;

export function Markdown({ text }: { text: string }) {
  return (
    <div class="md">
      <Pieces text={text} first={4_000} size={16_000} render={renderMarkdown} />
    </div>
  );
}

/** Plain text kept as written, long text in pieces as Markdown is. */
export function PlainText({ text }: { text: string }) {
  return (
    <div class="dt-text">
      <Pieces text={text} first={8_000} size={32_000} render={renderPlain} />
    </div>
  );
}

/** A message's text: Markdown when it reads as Markdown, else as written. */
export function RichText({ text, raw = false }: { text: string; raw?: boolean }) {
  const md = useMemo(() => !raw && looksLikeMarkdown(text), [text, raw]);
  return md ? <Markdown text={text} /> : <PlainText text={text} />;
}
