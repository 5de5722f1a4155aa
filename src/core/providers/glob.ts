/**
 * URL globs of the user's rules: `*` matches any run of characters (slashes included), `?`
 * exactly one; case-insensitive.
 *
 * Matched piece by piece rather than as a regular expression: `^.*a.*b.*$` backtracks over the
 * URL once per `*`, which made a two-star rule take quadratic time on a long URL that the page
 * chose. Here the parts between stars are found left to right, each searched for once from
 * where the previous one ended: leftmost is always right for a glob, so nothing is retried.
 */

export interface UrlGlob {
  test(url: string): boolean;
}

/** `piece` (with `?` for any character) at `at` in `text`; compared from its end, where a near miss usually differs. */
function matchesAt(text: string, piece: string, at: number): boolean {
  if (at < 0 || at + piece.length > text.length) return false;
  for (let k = piece.length - 1; k >= 0; k--) {
    const p = piece.charCodeAt(k);
    if (p !== 63 /* ? */ && p !== text.charCodeAt(at + k)) return false;
  }
  return true;
}

/**
 * Where `piece` first occurs in `text` at or after `from`, ending by `limit`, or -1. A piece
 * without `?` is found by indexOf; one with `?` is tried at each position, which costs at most
 * the piece's length per character of the URL.
 */
function find(text: string, piece: string, from: number, limit: number): number {
  const last = limit - piece.length;
  if (!piece.includes("?")) {
    const at = text.indexOf(piece, from);
    return at >= 0 && at <= last ? at : -1;
  }
  for (let at = from; at <= last; at++) if (matchesAt(text, piece, at)) return at;
  return -1;
}

/** The last URL lowercased: every rule is tried on the same URL in turn. */
let lastUrl = "";
let lastLower = "";
function lower(url: string): string {
  if (url !== lastUrl) [lastUrl, lastLower] = [url, url.toLowerCase()];
  return lastLower;
}

export function compileGlob(glob: string): UrlGlob {
  const pieces = glob.toLowerCase().split("*");
  const first = pieces[0]!;
  return {
    test(url) {
      const text = lower(url);
      if (pieces.length === 1) return text.length === first.length && matchesAt(text, first, 0);
      const last = pieces[pieces.length - 1]!;
      const end = text.length - last.length;
      if (end < first.length || !matchesAt(text, first, 0) || !matchesAt(text, last, end)) return false;
      let at = first.length;
      for (let i = 1; i < pieces.length - 1; i++) {
        const found = find(text, pieces[i]!, at, end);
        if (found < 0) return false;
        at = found + pieces[i]!.length;
      }
      return true;
    },
  };
}
