/**
 * User settings: their shape, defaults, validation and the per-site capture decision. Pure;
 * persisted by the extension in storage.local under SETTINGS_KEY.
 */
import { DEFAULT_BODY_CAP, type HookConfig } from "../contract";
import { DEFAULT_REDACTION, normalizeRedaction, type RedactionSettings } from "../redaction";
import { validateRules, type UserRule } from "../providers";

export const SETTINGS_KEY = "settings";

export interface SiteRule {
  /** A host ("app.example.com"), or "*.example.com" for it and its subdomains. */
  host: string;
  capture: boolean;
}

export interface Settings {
  /** Master switch. */
  captureEnabled: boolean;
  /** First matching rule wins; sites without a rule are captured when captureEnabled. */
  siteRules: SiteRule[];
  /** Per-body capture cap in bytes; longer bodies are cut with a truncation marker. */
  bodyCapBytes: number;
  /** Oldest spans are removed beyond this many (all tabs together). */
  maxSpans: number;
  /** Oldest traces are removed while the extension's storage use is above this (MB). */
  maxStorageMB: number;
  /** Record calls but no bodies (no prompts, no outputs). */
  metadataOnly: boolean;
  /** Record in private/incognito windows (off: nothing from them is kept). */
  recordPrivate: boolean;
  /**
   * User-defined redaction patterns and built-in detectors (see redaction/patterns.ts). Optional
   * for older stored settings; normalizeSettings always fills it in.
   */
  redaction?: RedactionSettings;
  /** The user's classification rules (URL pattern -> retrieval / tool / llm), see providers/rules.ts. */
  rules: UserRule[];
  /** The user's model prices, a JSON object (see providers/cost.ts parsePriceTable); "" for none. */
  prices: string;
  /** Opt-in push of finished traces to an OpenTelemetry collector. */
  otlp: OtlpPushSettings;
}

export interface OtlpPushSettings {
  enabled: boolean;
  /** Collector base URL (…/v1/traces is appended unless present). */
  url: string;
  /** Extra request headers, e.g. an API key for Langfuse or a hosted collector. */
  headers: [string, string][];
}

export const DEFAULT_SETTINGS: Settings = {
  captureEnabled: true,
  siteRules: [],
  bodyCapBytes: DEFAULT_BODY_CAP,
  maxSpans: 20_000,
  maxStorageMB: 2048,
  metadataOnly: false,
  recordPrivate: false,
  redaction: DEFAULT_REDACTION,
  rules: [],
  prices: "",
  otlp: { enabled: false, url: "http://localhost:4318", headers: [] },
};

export const LIMITS = {
  bodyCapBytes: { min: 1024, max: 64 * 1024 * 1024 },
  maxSpans: { min: 100, max: 1_000_000 },
  maxStorageMB: { min: 1, max: 1_000_000 },
} as const;

const clamp = (n: unknown, { min, max }: { min: number; max: number }, fallback: number): number =>
  typeof n === "number" && Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : fallback;

/** Whatever is stored (older versions, hand edits), a valid Settings comes out. */
export function normalizeSettings(stored: unknown): Settings {
  const s = (typeof stored === "object" && stored !== null ? stored : {}) as Partial<Record<keyof Settings, unknown>>;
  const rules = Array.isArray(s.siteRules) ? s.siteRules : [];
  return {
    captureEnabled: typeof s.captureEnabled === "boolean" ? s.captureEnabled : DEFAULT_SETTINGS.captureEnabled,
    siteRules: rules
      .filter((r): r is SiteRule => typeof r?.host === "string" && typeof r?.capture === "boolean")
      .map((r) => ({ host: r.host.trim().toLowerCase(), capture: r.capture }))
      .filter((r) => r.host !== ""),
    bodyCapBytes: clamp(s.bodyCapBytes, LIMITS.bodyCapBytes, DEFAULT_SETTINGS.bodyCapBytes),
    maxSpans: clamp(s.maxSpans, LIMITS.maxSpans, DEFAULT_SETTINGS.maxSpans),
    maxStorageMB: clamp(s.maxStorageMB, LIMITS.maxStorageMB, DEFAULT_SETTINGS.maxStorageMB),
    metadataOnly: s.metadataOnly === true,
    recordPrivate: s.recordPrivate === true,
    redaction: normalizeRedaction(s.redaction),
    // A field a rule's kind does not read is ignored, not a reason to drop the user's rules.
    rules: Array.isArray(s.rules) && validateRules(s.rules).every((e) => e.inapplicable) ? (s.rules as UserRule[]) : [],
    prices: typeof s.prices === "string" ? s.prices : "",
    otlp: normalizeOtlp(s.otlp),
  };
}

function normalizeOtlp(value: unknown): OtlpPushSettings {
  const o = (typeof value === "object" && value !== null ? value : {}) as Partial<Record<keyof OtlpPushSettings, unknown>>;
  const headers = Array.isArray(o.headers)
    ? o.headers.filter((h): h is [string, string] => Array.isArray(h) && h.length === 2 && typeof h[0] === "string" && typeof h[1] === "string" && h[0].trim() !== "")
    : [];
  return {
    enabled: o.enabled === true,
    url: typeof o.url === "string" ? o.url.trim() : DEFAULT_SETTINGS.otlp.url,
    headers,
  };
}

export function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith("*.")) {
    const base = pattern.slice(2);
    return host === base || host.endsWith(`.${base}`);
  }
  return host === pattern;
}

/** Development hosts, recorded always (unless denied): what the extension is for. */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "0.0.0.0";
}

/**
 * When a site is recorded: "always" (development hosts, sites the user allows), "never"
 * (denied, or recording switched off), or only while DevTools is open on the tab ("devtools"),
 * as the Network panel records. A matching rule wins over the defaults; the first rule wins.
 */
export type CapturePolicy = "always" | "never" | "devtools";

export function capturePolicy(settings: Settings, host: string): CapturePolicy {
  if (!settings.captureEnabled) return "never";
  const rule = settings.siteRules.find((r) => hostMatches(r.host, host.toLowerCase()));
  if (rule) return rule.capture ? "always" : "never";
  return isLocalHost(host) ? "always" : "devtools";
}

export interface CaptureContext {
  host: string;
  devtoolsOpen: boolean;
  privateWindow: boolean;
}

export function hookConfigFor(settings: Settings, context: CaptureContext): HookConfig {
  const policy = capturePolicy(settings, context.host);
  const enabled = (policy === "always" || (policy === "devtools" && context.devtoolsOpen)) && (!context.privateWindow || settings.recordPrivate);
  return { enabled, bodyCap: settings.bodyCapBytes, bodies: !settings.metadataOnly, capture: settings.rules.map((r) => r.urlPattern.trim().toLowerCase()) };
}
