/**
 * Providers: what a captured call was. An exchange is classified by its wire format (URL
 * grammar, headers, then the shapes of its bodies, and the user's rules first) and parsed into
 * a span draft by that format's parser (classify.ts); derive.ts makes the exchange's span from
 * it, with its cost at known prices (cost.ts). Also the framings the panel reads streams with
 * (server-sent events, newline-delimited JSON), the user's classification rules and their check,
 * and the narrowing helpers for untrusted JSON. See docs/DESIGN.md, "Provider names" and
 * "When a call is over".
 */
export { classifyExchange, type ClassifyOptions } from "./classify";
export type { SpanDraft } from "./draft";
export { deriveSpan, deriveSpans, findLiveAudio, type DeriveOptions } from "./derive";
export {
  DEFAULT_PRICES, PRICES_AS_OF, costOf, findPrice, parsePriceTable,
  type Cost, type CostLine, type CostPart, type ModelPrice, type ParsedPrices, type PriceMatch, type PriceTable,
} from "./cost";
export { RULE_FIELDS, validateRules, type RuleError, type RuleKind, type UserRule } from "./rules";
export type { RetrievedDoc } from "./retrieval-docs";
export { parseSse, type SseEvent } from "./sse";
export { parseNdjson, splitJsonArray, splitLines } from "./ndjson";
export { isObj, type Obj } from "./json";
export { providerForUrl } from "./hosts";
