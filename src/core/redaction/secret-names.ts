/**
 * Which names hold secrets: headers, URL parameters, form fields and JSON keys. One list for
 * all of them, because the same credential travels under the same name in each (a proxy puts
 * the `x-api-key` header in a JSON body, an OAuth server answers `access_token` in JSON and in
 * a URL fragment). Names are compared normalised, so `X-Api-Key`, `api_key`, `apiKey` and
 * `user[password]` are all recognised.
 *
 * The context decides a few names that are secrets in one place and ordinary words in another:
 * `code` is an OAuth authorization code in a URL or form, but an error code or a program in a
 * model's JSON; `signature` signs a pre-signed URL but is an Anthropic thinking block's field
 * in JSON; a bare JSON `token` is a credential, or one streamed word of a chat answer.
 */

export type NameContext = "header" | "url" | "form" | "json";

/** Lowercase letters and digits only: separators, brackets and case do not matter. */
export const normalizeName = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Exact names (normalised) and the reason their mark shows. */
const EXACT = new Map<string, string>([
  ["authorization", "authorization"],
  ["proxyauthorization", "authorization"],
  ["cookie", "cookie"],
  ["setcookie", "cookie"],
  ["ocpapimsubscriptionkey", "api-key"],
  ["subscriptionkey", "api-key"],
  ["xfunctionskey", "api-key"],
  ["otp", "secret"],
  ["totp", "secret"],
  ["cvv", "secret"],
  ["cvc", "secret"],
]);

/** Endings (normalised) that make any name a secret: client_secret, new_password, openai_api_key... */
const SUFFIXES: readonly [string, string][] = [
  ["password", "password"],
  ["passwd", "password"],
  ["passphrase", "password"],
  ["secret", "secret"],
  ["secretkey", "secret"],
  ["secretaccesskey", "secret"],
  ["privatekey", "secret"],
  ["apikey", "api-key"],
  ["token", "token"],
];

/**
 * Names ending in "token" that are no credential: pagination cursors and a tokenizer's special
 * tokens (`"eos_token": "</s>"` in a model request).
 */
const PLAIN_TOKENS = new Set([
  "next", "page", "nextpage", "continuation", "cancellation", "pagination", "sync",
  "start", "end", "stop", "eos", "bos", "pad", "unk", "sep", "cls", "mask", "special",
]);

/** Secrets only in URLs and forms (see the header comment): `key` is Gemini's `?key=`, `auth` Firebase's. */
const URL_FORM_EXACT = new Map<string, string>([
  ["key", "api-key"],
  ["code", "code"],
  ["codeverifier", "code"],
  ["oauthverifier", "code"],
  ["auth", "token"],
  ["sig", "signature"],
  ["signature", "signature"],
  ["xamzsignature", "signature"],
  ["xgoogsignature", "signature"],
  ["xamzcredential", "signature"],
  ["xgoogcredential", "signature"],
  ["clientassertion", "secret"],
  ["assertion", "secret"],
  ["sessionid", "session"],
  ["jsessionid", "session"],
]);

/**
 * How every secret name above ends, as it is written (any case; `_` marks an optional `_` or
 * `-`): what the body detectors look for before asking secretNameReason about the whole name.
 * A name added above must end in one of these (a unit test checks it).
 */
export const NAME_ENDINGS: Readonly<Record<"json" | "form", readonly string[]>> = {
  json: ["password", "passwd", "passphrase", "secret", "key", "token", "authorization", "cookie", "otp", "cvv", "cvc"],
  form: [
    "password", "passwd", "passphrase", "secret", "key", "token", "authorization", "cookie", "otp", "cvv", "cvc",
    "code", "verifier", "auth", "sig", "signature", "credential", "assertion", "session_id",
  ],
};

/** Every name (normalised) or name ending this module knows, for the test above. */
export function knownNames(context: "json" | "form"): string[] {
  return [...EXACT.keys(), ...SUFFIXES.map(([s]) => s), ...(context === "form" ? URL_FORM_EXACT.keys() : [])];
}

/** Why a value under this name is a secret, or undefined when it is not one. */
export function secretNameReason(name: string, context: NameContext): string | undefined {
  const n = normalizeName(name);
  if (n === "") return undefined;
  const exact = EXACT.get(n) ?? (context === "url" || context === "form" ? URL_FORM_EXACT.get(n) : undefined);
  if (exact) return exact;
  for (const [suffix, reason] of SUFFIXES) {
    if (!n.endsWith(suffix)) continue;
    if (suffix === "token" && PLAIN_TOKENS.has(n.slice(0, -suffix.length))) return undefined;
    return reason;
  }
  // Header names ending in a "key" word (x-api-key, ocp-apim-subscription-key, x-rapidapi-key)
  // are credentials; ordinary words ending in "key" (a "monkey" header) are not.
  if (context === "header" && /(?:^|[-_])key$/i.test(name)) return "api-key";
  return undefined;
}

/**
 * A bare JSON `"token"` is taken for a credential only when its value looks like one: at least
 * 16 characters, no white space. A chat app streaming `{"token": " Hello"}` keeps its words.
 */
export function secretValueReason(name: string, value: string, context: NameContext): string | undefined {
  const reason = secretNameReason(name, context);
  if (!reason) return undefined;
  if (context === "json" && normalizeName(name) === "token" && (value.length < 16 || /\s/.test(value))) return undefined;
  return reason;
}
