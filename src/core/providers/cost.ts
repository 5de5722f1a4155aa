/**
 * What a model call cost, from the provider's reported token usage and a price table. Pure.
 *
 * Rates are list prices in USD per 1M tokens. Never an estimate: when the usage or the price
 * is unknown, costOf says so (undefined, or `missing` lists what was not reported) rather than
 * guessing.
 */
import type { Attributes } from "../contract";

export interface ModelPrice {
  /** Uncached input tokens. */
  input: number;
  /** Input tokens read from the provider's prompt cache; absent: charged at `input`. */
  cachedInput?: number;
  /** Input tokens written to the prompt cache (Anthropic); absent: charged at `input`. */
  cacheWrite?: number;
  /** Output tokens, reasoning included (every provider bills reasoning as output). */
  output: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** When DEFAULT_PRICES was last compared with the providers' pricing pages (shown in the panel). */
export const PRICES_AS_OF = "November 2026";

/**
 * Public list prices, standard (non-batch) tier and base context tier (prompts up to 200k
 * tokens), as published on the providers' pricing pages — compiled in November 2026 (PRICES_AS_OF).
 * Prices change and new models appear: users override or add entries in Settings (validated
 * by parsePriceTable), and their table is searched before this one.
 * Keys are base model names; dated snapshots and -latest aliases find them (see findPrice).
 * Anthropic: cacheWrite is the 5-minute cache write (1.25x input); cache reads are 0.1x input.
 */
export const DEFAULT_PRICES: PriceTable = {
  // OpenAI
  "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  // The first gpt-4o snapshot kept its launch price.
  "gpt-4o-2024-05-13": { input: 5, output: 15 },
  "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-4": { input: 30, output: 60 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  "o1": { input: 15, cachedInput: 7.5, output: 60 },
  "o1-mini": { input: 1.1, cachedInput: 0.55, output: 4.4 },
  "o1-pro": { input: 150, output: 600 },
  "o3": { input: 2, cachedInput: 0.5, output: 8 },
  "o3-mini": { input: 1.1, cachedInput: 0.55, output: 4.4 },
  "o3-pro": { input: 20, output: 80 },
  "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "text-embedding-ada-002": { input: 0.1, output: 0 },

  // Anthropic
  "claude-opus-4-5": { input: 5, cachedInput: 0.5, cacheWrite: 6.25, output: 25 },
  "claude-opus-4-1": { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 },
  "claude-opus-4": { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 },
  "claude-sonnet-4-5": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "claude-sonnet-4": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "claude-haiku-4-5": { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5 },
  "claude-3-7-sonnet": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "claude-3-5-sonnet": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, cacheWrite: 1, output: 4 },
  "claude-3-opus": { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 },
  "claude-3-haiku": { input: 0.25, cachedInput: 0.03, cacheWrite: 0.3, output: 1.25 },

  // Google Gemini (Gemini API; cachedInput is the context-cache read rate, storage not included)
  "gemini-2.5-pro": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gemini-2.5-flash": { input: 0.3, cachedInput: 0.03, output: 2.5 },
  "gemini-2.5-flash-lite": { input: 0.1, cachedInput: 0.01, output: 0.4 },
  "gemini-2.0-flash": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "gemini-2.0-flash-lite": { input: 0.075, output: 0.3 },
  "gemini-1.5-pro": { input: 1.25, output: 5 },
  "gemini-1.5-flash": { input: 0.075, output: 0.3 },
  "gemini-embedding-001": { input: 0.15, output: 0 },

  // Mistral
  "mistral-large": { input: 2, output: 6 },
  "mistral-medium": { input: 0.4, output: 2 },
  "mistral-small": { input: 0.1, output: 0.3 },
  "magistral-medium": { input: 2, output: 5 },
  "magistral-small": { input: 0.5, output: 1.5 },
  "codestral": { input: 0.3, output: 0.9 },
  "ministral-8b": { input: 0.1, output: 0.1 },
  "ministral-3b": { input: 0.04, output: 0.04 },
  "open-mistral-nemo": { input: 0.15, output: 0.15 },
  "pixtral-large": { input: 2, output: 6 },
  "mistral-embed": { input: 0.1, output: 0 },

  // Llama on Groq (model ids are Groq's own; other hosts price the same weights differently)
  "llama-3.3-70b-versatile": { input: 0.59, output: 0.79 },
  "llama-3.1-8b-instant": { input: 0.05, output: 0.08 },
  "llama-4-scout-17b-16e-instruct": { input: 0.11, output: 0.34 },
  "llama-4-maverick-17b-128e-instruct": { input: 0.2, output: 0.6 },

  // DeepSeek (cache-hit input at cachedInput)
  "deepseek-chat": { input: 0.28, cachedInput: 0.028, output: 0.42 },
  "deepseek-reasoner": { input: 0.28, cachedInput: 0.028, output: 0.42 },
};

// ---------------------------------------------------------------------------------------------
// Matching a model name to a table entry

/** Suffixes naming a snapshot or alias of a base model, tried from the end of the name. */
const VERSION_SUFFIXES = [
  /-\d{4}-\d{2}-\d{2}$/, // gpt-4o-mini-2024-07-18
  /[-@]\d{8}$/, // claude-3-5-haiku-20241022, Vertex claude-3-5-haiku@20241022
  /-latest$/, // claude-3-5-haiku-latest, mistral-large-latest
  /-\d{3}$/, // gemini-2.0-flash-001
  /-v\d+(?::\d+)?$/, // Bedrock anthropic.claude-3-5-haiku-20241022-v1:0
  /-\d{4}$/, // mistral-large-2411
];

/** Bedrock-style vendor prefixes ("us.anthropic.claude-..."), which the price does not depend on. */
const VENDOR_PREFIX = /^(?:(?:us|eu|apac|global)\.)?(?:anthropic|meta|mistral|amazon|cohere|deepseek)\./;

function normalize(model: string): string {
  let m = model.trim().toLowerCase();
  // "models/gemini-2.0-flash", "openai/gpt-4o", "meta-llama/llama-4-scout-...": the id is the last segment.
  m = m.slice(m.lastIndexOf("/") + 1);
  return m.replace(VENDOR_PREFIX, "");
}

function withoutVersion(model: string): string {
  let m = model;
  for (let changed = true; changed; ) {
    changed = false;
    for (const re of VERSION_SUFFIXES) {
      const next = m.replace(re, "");
      if (next !== m && next !== "") {
        m = next;
        changed = true;
      }
    }
  }
  return m;
}

/** A prefix only counts at a name boundary: "gpt-4o" prices "gpt-4o-audio", not "gpt-4o1". */
const BOUNDARY = /[-:@_]/;

function lookup(model: string, table: PriceTable): { key: string; price: ModelPrice } | undefined {
  const keys = Object.keys(table);
  const lower = new Map(keys.map((k) => [k.toLowerCase(), k]));
  const hit = (name: string) => {
    const key = lower.get(name);
    return key !== undefined ? { key, price: table[key]! } : undefined;
  };
  const exact = hit(model);
  if (exact) return exact;
  const base = withoutVersion(model);
  const dated = hit(base);
  if (dated) return dated;
  let best: string | undefined;
  for (const [k] of lower) {
    if (k.length > (best?.length ?? 0) && base.startsWith(k) && BOUNDARY.test(base.charAt(k.length))) best = k;
  }
  return best !== undefined ? hit(best) : undefined;
}

export interface PriceMatch {
  /** The table key that matched. */
  key: string;
  price: ModelPrice;
  /** The match came from the user's table. */
  custom: boolean;
}

/**
 * The price of a model: exact name, then the base of a dated variant or alias, then the longest
 * table key that prefixes it at a name boundary. The user's table is searched first, entirely,
 * so a user entry for "gpt-4o" also prices its snapshots.
 */
export function findPrice(model: string, extraPrices?: PriceTable): PriceMatch | undefined {
  const name = normalize(model);
  if (name === "") return undefined;
  if (extraPrices) {
    const found = lookup(name, extraPrices);
    if (found) return { ...found, custom: true };
  }
  const found = lookup(name, DEFAULT_PRICES);
  return found ? { ...found, custom: false } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Cost of one span

export type CostPart = "input" | "cache_read" | "cache_creation" | "output" | "reasoning";

export interface CostLine {
  part: CostPart;
  tokens: number;
  /** USD per 1M tokens applied. */
  rate: number;
  usd: number;
}

export interface Cost {
  usd: number;
  /** The model name priced (response model when reported, else the requested one). */
  model: string;
  match: PriceMatch;
  /** Lines in display order; they add up to `usd`. Output excludes reasoning, listed apart. */
  breakdown: CostLine[];
  /** Counts the provider did not report, so the total leaves them out. */
  missing: ("input" | "output")[];
}

const count = (attributes: Attributes, key: string): number | undefined => {
  const v = attributes[key];
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;
};

/**
 * Cost of a span from its gen_ai.usage.* attributes (docs/DESIGN.md, "The span": input_tokens includes cached
 * reads and cache creation; output_tokens includes reasoning). Undefined when no model is
 * named, no price is known, or no token count was reported.
 */
export function costOf(attributes: Attributes, extraPrices?: PriceTable): Cost | undefined {
  const input = count(attributes, "gen_ai.usage.input_tokens");
  const output = count(attributes, "gen_ai.usage.output_tokens");
  if (input === undefined && output === undefined) return undefined;

  const candidates = [attributes["gen_ai.response.model"], attributes["gen_ai.request.model"]].filter((m): m is string => typeof m === "string" && m !== "");
  let model: string | undefined;
  let match: PriceMatch | undefined;
  for (const m of candidates) {
    match = findPrice(m, extraPrices);
    if (match) {
      model = m;
      break;
    }
  }
  if (!match || model === undefined) return undefined;
  const p = match.price;

  const lines: CostLine[] = [];
  const add = (part: CostPart, tokens: number, rate: number) => {
    if (tokens > 0) lines.push({ part, tokens, rate, usd: (tokens * rate) / 1e6 });
  };
  if (input !== undefined) {
    // Cached parts can never exceed the input they are part of, whatever a provider reports.
    const cacheRead = Math.min(count(attributes, "gen_ai.usage.cache_read.input_tokens") ?? 0, input);
    const cacheCreation = Math.min(count(attributes, "gen_ai.usage.cache_creation.input_tokens") ?? 0, input - cacheRead);
    add("input", input - cacheRead - cacheCreation, p.input);
    add("cache_read", cacheRead, p.cachedInput ?? p.input);
    add("cache_creation", cacheCreation, p.cacheWrite ?? p.input);
  }
  if (output !== undefined) {
    const reasoning = Math.min(count(attributes, "gen_ai.usage.reasoning.output_tokens") ?? 0, output);
    add("output", output - reasoning, p.output);
    add("reasoning", reasoning, p.output);
  }
  const missing: Cost["missing"] = [];
  if (input === undefined) missing.push("input");
  // Embeddings have no output tokens to report.
  if (output === undefined && attributes["gen_ai.operation.name"] !== "embeddings") missing.push("output");
  return { usd: lines.reduce((sum, l) => sum + l.usd, 0), model, match, breakdown: lines, missing };
}

// ---------------------------------------------------------------------------------------------
// User-defined prices (Settings)

const FIELDS: readonly (keyof ModelPrice)[] = ["input", "cachedInput", "cacheWrite", "output"];
const REQUIRED: readonly (keyof ModelPrice)[] = ["input", "output"];

export interface ParsedPrices {
  /** The valid entries (all of them when `errors` is empty). */
  table: Record<string, ModelPrice>;
  /** One readable sentence per problem; empty when the table is valid. */
  errors: string[];
}

/**
 * Validates a user price table, given as JSON text or an already parsed value, shaped like
 * DEFAULT_PRICES: `{ "my-model": { "input": 1, "output": 2, "cachedInput": 0.5 } }`, USD per
 * 1M tokens. Invalid entries are reported and left out; the settings page refuses to save
 * while `errors` is not empty.
 */
export function parsePriceTable(json: unknown): ParsedPrices {
  let value = json;
  if (typeof json === "string") {
    if (json.trim() === "") return { table: {}, errors: [] };
    try {
      value = JSON.parse(json);
    } catch (error) {
      return { table: {}, errors: [`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { table: {}, errors: ['Expected an object mapping model names to prices, like {"my-model": {"input": 1, "output": 2}}.'] };
  }
  const table: Record<string, ModelPrice> = {};
  const errors: string[] = [];
  for (const [name, entry] of Object.entries(value)) {
    const model = name.trim();
    const where = `"${name}"`;
    if (model === "") {
      errors.push("A model name is empty.");
      continue;
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      errors.push(`${where}: expected an object such as {"input": 1, "output": 2} (USD per 1M tokens).`);
      continue;
    }
    const problems: string[] = [];
    const price: Partial<ModelPrice> = {};
    for (const [field, v] of Object.entries(entry)) {
      if (!(FIELDS as readonly string[]).includes(field)) {
        problems.push(`unknown field "${field}" (allowed: ${FIELDS.join(", ")})`);
      } else if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        problems.push(`"${field}" must be a number of USD per 1M tokens, 0 or more (got ${JSON.stringify(v)})`);
      } else {
        price[field as keyof ModelPrice] = v;
      }
    }
    for (const field of REQUIRED) if (!(field in entry)) problems.push(`"${field}" is required`);
    if (problems.length > 0) errors.push(`${where}: ${problems.join("; ")}.`);
    else table[model] = price as ModelPrice;
  }
  return { table, errors };
}
