/**
 * User settings: their shape, defaults, validation and the per-site capture decision. Pure;
 * persisted by the extension in storage.local under SETTINGS_KEY.
 */
import { DEFAULT_BODY_CAP, type HookConfig } from "./capture-events";

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
}

export const DEFAULT_SETTINGS: Settings = {
  captureEnabled: true,
  siteRules: [],
  bodyCapBytes: DEFAULT_BODY_CAP,
  maxSpans: 20_000,
};

export const LIMITS = {
  bodyCapBytes: { min: 1024, max: 64 * 1024 * 1024 },
  maxSpans: { min: 100, max: 1_000_000 },
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
  };
}

export function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith("*.")) {
    const base = pattern.slice(2);
    return host === base || host.endsWith(`.${base}`);
  }
  return host === pattern;
}

export function captureAllowed(settings: Settings, host: string): boolean {
  if (!settings.captureEnabled) return false;
  const rule = settings.siteRules.find((r) => hostMatches(r.host, host.toLowerCase()));
  return rule ? rule.capture : true;
}

export function hookConfigFor(settings: Settings, host: string): HookConfig {
  return { enabled: captureAllowed(settings, host), bodyCap: settings.bodyCapBytes };
}
