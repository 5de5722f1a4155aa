/**
 * The text a Weaviate GraphQL query searches for: the `concepts` of a nearText argument, else
 * the `query` (or `question`) of hybrid, bm25 or ask.
 *
 * The query is page content of up to the body cap, so it is read in one pass over its tokens,
 * keeping a stack of the open objects and lists. Regular expressions that looked for
 * `nearText: {...concepts: [...]` took quadratic time on a query with many openings and no
 * closing brace (seconds on a few hundred KB, in the worker that serves every tab).
 */

/** What a string token holds once unescaped, for the two kinds GraphQL has. */
function stringValue(raw: string, block: boolean): string {
  if (block) return raw.replace(/\\"""/g, '"""').trim();
  if (!raw.includes("\\")) return raw;
  try {
    // GraphQL string escapes are JSON's (\uXXXX, \n, \", ...).
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** The names that matter here; every other name is just a name. */
type Word = "nearText" | "concepts" | "operator" | "text";

/** The Word that the name of `length` characters at `i` is, if any; read in place, not sliced out. */
function wordAt(q: string, i: number, length: number): Word | undefined {
  switch (length) {
    case 3: return q.startsWith("ask", i) ? "operator" : undefined;
    case 4: return q.startsWith("bm25", i) ? "operator" : undefined;
    case 5: return q.startsWith("query", i) ? "text" : undefined;
    case 6: return q.startsWith("hybrid", i) ? "operator" : undefined;
    case 8: return q.startsWith("nearText", i) ? "nearText" : q.startsWith("concepts", i) ? "concepts" : q.startsWith("question", i) ? "text" : undefined;
    default: return undefined;
  }
}

interface Frame {
  /** The field whose value this object or list is: nearText in `nearText: {`. */
  field: Word | undefined;
  list: boolean;
  /** The last `name:` read directly inside this object. */
  key: Word | undefined;
}

/** Nesting kept track of; a real query is a few levels deep, and each level costs memory. */
const MAX_DEPTH = 64;
/** Concepts kept: the span shows the search text, not a list of thousands. */
const MAX_CONCEPTS = 32;

const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57);
const isOpen = (c: number): boolean => c === 123 /* { */ || c === 91 /* [ */ || c === 40; /* ( */
const isClose = (c: number): boolean => c === 125 /* } */ || c === 93 /* ] */ || c === 41; /* ) */
/** Whitespace, line ends, commas and the BOM separate tokens and mean nothing. */
const isIgnored = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 0xfeff;

/** Where the string token opening at `i` ends (index of its closing quote), or -1 if it never does. */
function stringEnd(query: string, i: number, block: boolean): number {
  if (block) {
    // A block string ends at the first """ that is not escaped as \""".
    let end = query.indexOf('"""', i + 3);
    while (end > 0 && query.charCodeAt(end - 1) === 92) end = query.indexOf('"""', end + 1);
    return end;
  }
  // A plain string cannot span lines.
  for (let end = i + 1; end < query.length; end++) {
    const c = query.charCodeAt(end);
    if (c === 34) return end;
    if (c === 10 || c === 13) return -1;
    if (c === 92) end++;
  }
  return -1;
}

export function graphqlSearchText(query: string): string | undefined {
  const stack: Frame[] = [{ field: undefined, list: false, key: undefined }];
  /** Levels opened beyond MAX_DEPTH: counted only, and nothing inside them is read. */
  let deeper = 0;
  let name: Word | undefined;
  let afterColon = false;
  let concepts: string[] | undefined;
  let text: string | undefined;
  const n = query.length;
  let i = 0;
  while (i < n) {
    const c = query.charCodeAt(i);
    if (isIgnored(c)) {
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      const eol = query.indexOf("\n", i);
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (isNameStart(c)) {
      let end = i + 1;
      while (end < n && isNameChar(query.charCodeAt(end))) end++;
      name = wordAt(query, i, end - i);
      afterColon = false;
      i = end;
      continue;
    }
    if (c === 34 /* " */) {
      const block = query.charCodeAt(i + 1) === 34 && query.charCodeAt(i + 2) === 34;
      const end = stringEnd(query, i, block);
      if (end < 0) break; // unterminated: nothing after it is a token
      const top = stack[stack.length - 1]!;
      const quote = block ? 3 : 1;
      if (deeper === 0) {
        if (top.list && top.field === "concepts" && stack.length > 2 && stack[stack.length - 2]!.field === "nearText" && !stack[stack.length - 2]!.list) {
          concepts ??= [];
          if (concepts.length < MAX_CONCEPTS) concepts.push(stringValue(query.slice(i + quote, end), block));
        } else if (text === undefined && afterColon && !top.list && top.field === "operator" && top.key === "text") {
          text = stringValue(query.slice(i + quote, end), block);
        }
      }
      i = end + quote;
    } else if (c === 58 /* : */) {
      if (deeper === 0) stack[stack.length - 1]!.key = name;
      i++;
      afterColon = true;
      name = undefined;
      continue;
    } else if (isOpen(c)) {
      if (stack.length < MAX_DEPTH && deeper === 0) stack.push({ field: afterColon ? stack[stack.length - 1]!.key : undefined, list: c === 91, key: undefined });
      else deeper++;
      i++;
    } else if (isClose(c)) {
      i++;
      if (deeper > 0) deeper--;
      else if (stack.length > 1) {
        const closed = stack.pop()!;
        // The first nearText concepts that hold a string decide; hybrid and the rest only come after.
        if (closed.list && closed.field === "concepts" && concepts) return concepts.join(", ");
      }
    } else {
      i++;
    }
    afterColon = false;
    name = undefined;
  }
  return concepts ? concepts.join(", ") : text;
}
