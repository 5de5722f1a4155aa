/**
 * Built-in detectors: credentials with a recognisable shape, and personal data. Each is a
 * bounded regex (checked by regex.ts like any user pattern, which also yields its span)
 * plus, where a regex alone would misfire, a check of the matched text.
 *
 * Credentials are matched by their prefix and a minimum body, then absorb the rest of their
 * token run (`extend`), so a key longer than expected is still removed to its last character.
 * A key body must hold a digit or a capital letter: real keys are random, while slugs such as
 * "sk-learn-compatible-estimators" are not, and lowercase-only text of that length almost never
 * occurs in a random token (odds below 1e-13 over 20 base62 characters). Secrets without a
 * shape of their own (a password, a client secret) are known by the field that holds them
 * (secret-fields.ts).
 *
 * Personal data detectors are conservative (shapes plus checksums), because a false positive
 * destroys text the user wanted to see; a miss of something the user cares about is what the
 * user-defined patterns are for.
 */
import { LOOKBEHIND_MAX, shapeRegex } from "./regex";
import type { Rule, Where } from "./scan";
import { SECRET_FIELD_SHAPES } from "./secret-fields";

export const DETECTOR_IDS = [
  "openai-key", "anthropic-key", "google-api-key", "github-token", "slack-token", "aws-access-key",
  "huggingface-token", "groq-key", "tavily-key", "jwt", "bearer-token", "secret-field", "email", "phone", "card",
] as const;
export type DetectorId = (typeof DETECTOR_IDS)[number];

export interface DetectorInfo {
  id: DetectorId;
  /** "secret": credentials, on by default. "pii": personal data, off by default. */
  kind: "secret" | "pii";
  label: string;
  where: readonly Where[];
}

interface Shape {
  /** What is removed. */
  source: string;
  /**
   * What must precede it to be removed (a field's name), matched but kept: see Rule.value. At
   * most LOOKBEHIND_MAX characters.
   */
  prefix?: string;
  /** Character class (inside [...]) of the token run absorbed after the match. */
  extend?: string;
  /** A run absorbed after the match that a class cannot say (escapes); see Rule.hold. */
  run?: { source: string; hold: number };
  /** `before`: up to LOOKBEHIND_MAX characters before the match (what a look-behind saw). */
  valid?: (match: string, before: string) => boolean;
  reasonOf?: (match: string, before: string) => string;
}

interface Detector extends DetectorInfo {
  shapes: Shape[];
}

const EVERYWHERE: readonly Where[] = ["url", "headers", "bodies"];
/** Header values hold dates, ids and versions that look like numbers; phones and cards are not sent there. */
const NOT_HEADERS: readonly Where[] = ["url", "bodies"];

/** The token after a `prefix`-long prefix holds a digit or a capital letter (see above). */
const randomAfter = (prefix: number) => (m: string): boolean => /[0-9A-Z]/.test(m.slice(prefix));

/** Not preceded by a token character: "task-..." holds "sk-" but is no key. */
const start = (cls: string): string => `(?<![${cls}])`;

const DETECTORS: readonly Detector[] = [
  {
    id: "anthropic-key", kind: "secret", label: "Anthropic API keys (sk-ant-…)", where: EVERYWHERE,
    shapes: [{ source: `${start("A-Za-z0-9_-")}sk-ant-[A-Za-z0-9_-]{20,120}`, extend: "A-Za-z0-9_-", valid: randomAfter(7) }],
  },
  {
    // Legacy sk-…, project sk-proj-…, service account and admin keys share the prefix.
    id: "openai-key", kind: "secret", label: "OpenAI API keys (sk-…, sk-proj-…)", where: EVERYWHERE,
    shapes: [{ source: `${start("A-Za-z0-9_-")}sk-(?!ant-)[A-Za-z0-9_-]{20,120}`, extend: "A-Za-z0-9_-", valid: randomAfter(3) }],
  },
  {
    id: "google-api-key", kind: "secret", label: "Google API keys (AIza…)", where: EVERYWHERE,
    shapes: [{ source: `${start("A-Za-z0-9_-")}AIza[0-9A-Za-z_-]{35}`, extend: "A-Za-z0-9_-" }],
  },
  {
    id: "github-token", kind: "secret", label: "GitHub tokens (ghp_…, github_pat_…)", where: EVERYWHERE,
    shapes: [{ source: `${start("A-Za-z0-9_")}g(?:h[pousr]_[A-Za-z0-9]{36}|ithub_pat_[A-Za-z0-9_]{22})`, extend: "A-Za-z0-9_" }],
  },
  {
    id: "slack-token", kind: "secret", label: "Slack tokens (xoxb-…, xoxp-…, xoxa-…)", where: EVERYWHERE,
    shapes: [{ source: `${start("A-Za-z0-9_-")}xox[abeoprs]-[A-Za-z0-9-]{10,60}`, extend: "A-Za-z0-9-", valid: randomAfter(5) }],
  },
  {
    id: "aws-access-key", kind: "secret", label: "AWS access key ids (AKIA…, ASIA…)", where: EVERYWHERE,
    shapes: [{ source: `${start("A-Za-z0-9")}A(?:KIA|SIA)[A-Z0-9]{16}`, extend: "A-Z0-9" }],
  },
  {
    id: "huggingface-token", kind: "secret", label: "Hugging Face tokens (hf_…)", where: EVERYWHERE,
    shapes: [{ source: `${start("A-Za-z0-9_-")}hf_[A-Za-z0-9]{30,60}`, extend: "A-Za-z0-9", valid: randomAfter(3) }],
  },
  {
    id: "groq-key", kind: "secret", label: "Groq API keys (gsk_…)", where: EVERYWHERE,
    shapes: [{ source: `${start("A-Za-z0-9_-")}gsk_[A-Za-z0-9]{40,60}`, extend: "A-Za-z0-9", valid: randomAfter(4) }],
  },
  {
    id: "tavily-key", kind: "secret", label: "Tavily API keys (tvly-…)", where: EVERYWHERE,
    shapes: [{ source: `${start("A-Za-z0-9_-")}tvly-[A-Za-z0-9_-]{20,120}`, extend: "A-Za-z0-9_-", valid: randomAfter(5) }],
  },
  {
    // header.payload[.signature]: both JSON objects, so both start "eyJ" ('{"' in base64url).
    id: "jwt", kind: "secret", label: "JSON Web Tokens (eyJ….eyJ….…)", where: EVERYWHERE,
    shapes: [{ source: `${start("A-Za-z0-9_-")}eyJ[A-Za-z0-9_-]{8,200}\\.eyJ[A-Za-z0-9_-]{4}`, extend: "A-Za-z0-9_.-" }],
  },
  {
    // "Bearer <token>" inside bodies (headers have their own rule): the scheme stays readable.
    id: "bearer-token", kind: "secret", label: "Bearer tokens in text (Bearer …)", where: EVERYWHERE,
    shapes: [{ source: "(?<=\\b[Bb]earer[ \\t]{1,8})[A-Za-z0-9._~+/=-]{16,120}", extend: "A-Za-z0-9._~+/=-", valid: randomAfter(0) }],
  },
  {
    // Whatever the value looks like: password, api_key, client_secret, access_token… (secret-fields.ts).
    id: "secret-field", kind: "secret", label: "Values of secret fields (password, api_key, client_secret, token…) in JSON, forms and multipart", where: EVERYWHERE,
    shapes: [...SECRET_FIELD_SHAPES],
  },
  {
    id: "email", kind: "pii", label: "Email addresses", where: EVERYWHERE,
    // Tried only where a local part can begin: inside a long word every attempt would otherwise
    // read 64 characters before failing. A local part is at most 64 characters (RFC 5321).
    shapes: [{
      source: `${start("A-Za-z0-9._%+-")}[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,40}){1,4}`,
      valid: (m) => /\.[A-Za-z]{2,}$/.test(m) && !m.startsWith("."),
    }],
  },
  {
    // International numbers need their "+"; national ones the North American 3-3-4 shape with
    // separators. Bare digit runs (ids, amounts, timestamps) are never taken for phones.
    id: "phone", kind: "pii", label: "Phone numbers (+ international, (555) 123-4567)", where: NOT_HEADERS,
    shapes: [
      { source: "(?<![\\w+])\\+[1-9][0-9]{7,14}(?![0-9])" },
      { source: "(?<![\\w+])\\+[1-9][0-9]{0,3}(?:[ .-](?:\\([0-9]{1,4}\\)|[0-9]{1,5})){2,5}(?![0-9])", valid: (m) => digitCount(m, 8, 15) },
      { source: "(?<![\\w+.-])(?:\\([2-9][0-9]{2}\\) ?|[2-9][0-9]{2}[.-])[0-9]{3}[.-][0-9]{4}(?![0-9])" },
    ],
  },
  {
    id: "card", kind: "pii", label: "Payment card numbers (Luhn-checked)", where: NOT_HEADERS,
    shapes: [
      { source: "(?<![0-9.,-])[0-9]{13,19}(?![0-9])", valid: cardNumber },
      { source: "(?<![0-9.,-])[0-9]{4}(?:[ -][0-9]{4}){3}(?![0-9])", valid: cardNumber },
      { source: "(?<![0-9.,-])[0-9]{4}[ -][0-9]{6}[ -][0-9]{5}(?![0-9])", valid: cardNumber }, // American Express 4-6-5
    ],
  },
];

export const DETECTOR_INFO: readonly DetectorInfo[] = DETECTORS.map(({ id, kind, label, where }) => ({ id, kind, label, where }));

/** Credentials on, personal data off: a leaked key is a breach; PII patterns cost readable text. */
export const DEFAULT_DETECTORS: Readonly<Record<DetectorId, boolean>> = Object.freeze(
  Object.fromEntries(DETECTORS.map((d) => [d.id, d.kind === "secret"])) as Record<DetectorId, boolean>,
);

function digitCount(m: string, min: number, max: number): boolean {
  const n = m.replace(/[^0-9]/g, "").length;
  return n >= min && n <= max;
}

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** 13-19 digits, issuer digit 2-6 (Mastercard 2/5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay 6), Luhn. */
function cardNumber(m: string): boolean {
  const digits = m.replace(/[^0-9]/g, "");
  return digits.length >= 13 && digits.length <= 19 && digits[0]! >= "2" && digits[0]! <= "6" && luhnValid(digits);
}

let compiled: Map<DetectorId, Rule[]> | undefined;

function compileAll(): Map<DetectorId, Rule[]> {
  const out = new Map<DetectorId, Rule[]>();
  for (const d of DETECTORS) {
    out.set(d.id, d.shapes.map((shape, i): Rule => {
      const checked = shapeRegex(shape.prefix !== undefined ? `${shape.prefix}(${shape.source})` : shape.source);
      if (!checked.ok) throw new Error(`built-in detector ${d.id} #${i}: ${checked.error}`);
      if (shape.prefix !== undefined) {
        const prefix = shapeRegex(shape.prefix);
        if (!prefix.ok || prefix.span - 1 + prefix.behind > LOOKBEHIND_MAX) throw new Error(`built-in detector ${d.id} #${i}: its prefix is longer than ${LOOKBEHIND_MAX}`);
      }
      return {
        key: `d:${d.id}:${i}`, reason: d.id, re: new RegExp(checked.source, "gu"), span: checked.span, where: d.where,
        ...(shape.prefix !== undefined ? { value: true as const } : {}),
        ...(shape.valid ? { valid: shape.valid } : {}),
        ...(shape.reasonOf ? { reasonOf: (m: RegExpExecArray, before: string) => shape.reasonOf!(shape.prefix !== undefined ? m[1]! : m[0], before) } : {}),
        ...(shape.extend ? { extend: new RegExp(`[${shape.extend}]*`, "uy") } : {}),
        ...(shape.run ? { extend: new RegExp(shape.run.source, "uy"), hold: shape.run.hold } : {}),
      };
    }));
  }
  return out;
}

/** Compiled rules of the enabled detectors, in a fixed order (compiled once per worker). */
export function detectorRules(enabled: Readonly<Partial<Record<DetectorId, boolean>>>): Rule[] {
  compiled ??= compileAll();
  return DETECTORS.filter((d) => enabled[d.id] ?? DEFAULT_DETECTORS[d.id]).flatMap((d) => compiled!.get(d.id)!);
}
