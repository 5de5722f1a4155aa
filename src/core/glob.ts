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

/** `piece` (with `?` for any character) at `at` in `text`. */
function matchesAt(text: string, piece: string, at: number): boolean {
  if (at < 0 || at + piece.length > text.length) return false;
  for (let k = 0; k < piece.length; k++) {
    const p = piece.charCodeAt(k);
    if (p !== 63 /* ? */ && p !== text.charCodeAt(at + k)) return false;
  }
  return true;
}

/**
 * Where `piece` first occurs in `text` at or after `from`, ending by `limit`, or -1. Candidates
 * come from indexOf of the piece's longest run without `?`.
 */
function find(text: string, piece: string, from: number, limit: number): number {
  let anchor = "";
  let offset = 0;
  let pos = 0;
  for (const run of piece.split("?")) {
    if (run.length > anchor.length) [anchor, offset] = [run, pos];
    pos += run.length + 1;
  }
  if (anchor === "") return from + piece.length <= limit ? from : -1;
  for (let at = text.indexOf(anchor, from + offset); at >= 0; at = text.indexOf(anchor, at + 1)) {
    const start = at - offset;
    if (start + piece.length > limit) return -1;
    if (matchesAt(text, piece, start)) return start;
  }
  return -1;
}

export function compileGlob(glob: string): UrlGlob {
  const pieces = glob.toLowerCase().split("*");
  const first = pieces[0]!;
  return {
    test(url) {
      const text = url.toLowerCase();
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
