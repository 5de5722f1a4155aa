/**
 * The user's redaction settings: their shape, normalisation of whatever is stored, the check
 * the settings page shows next to each pattern, and compilation into scan rules (once per
 * settings change). A stored pattern that fails the check is kept in settings (the user sees
 * why it is not applied) and reported by the redactor as a problem, never dropped silently.
 */
import { DEFAULT_DETECTORS, DETECTOR_IDS, type DetectorId } from "./detectors";
import { shapeRegex } from "./regex";
import type { Rule, Where } from "./scan";

export type { Where } from "./scan";

export interface UserPattern {
  pattern: string;
  /** "literal": the exact text. "regex": JavaScript syntax, Unicode mode, no flags. */
  kind: "regex" | "literal";
  /** Shown in the mark: [REDACTED:<label>]. Default "custom". */
  label?: string;
  /** Where it applies; absent means everywhere. */
  applyTo?: Where[];
}

export interface RedactionSettings {
  patterns: UserPattern[];
  detectors: Record<DetectorId, boolean>;
}

export const WHERE: readonly Where[] = ["url", "headers", "bodies"];

export const REDACTION_LIMITS = { patterns: 100, patternLength: 1000, labelLength: 40 } as const;

export const DEFAULT_REDACTION: RedactionSettings = { patterns: [], detectors: { ...DEFAULT_DETECTORS } };

const DEFAULT_LABEL = "custom";

/**
 * A label fit for a mark: no brackets (they delimit the mark), no control characters, one
 * line, at most labelLength characters.
 */
export function cleanLabel(label: string): string {
  return label.replace(/[[\]\p{Cc}]/gu, "").replace(/\s+/gu, " ").trim().slice(0, REDACTION_LIMITS.labelLength).trim();
}

export const reasonOf = (p: UserPattern): string => (p.label !== undefined && cleanLabel(p.label)) || DEFAULT_LABEL;

/** Whatever is stored (older versions, hand edits), a valid RedactionSettings comes out. */
export function normalizeRedaction(stored: unknown): RedactionSettings {
  const s = (typeof stored === "object" && stored !== null ? stored : {}) as { patterns?: unknown; detectors?: unknown };
  const detectorsIn = (typeof s.detectors === "object" && s.detectors !== null ? s.detectors : {}) as Record<string, unknown>;
  const detectors = Object.fromEntries(DETECTOR_IDS.map((id) => {
    const v = detectorsIn[id];
    return [id, typeof v === "boolean" ? v : DEFAULT_DETECTORS[id]];
  })) as Record<DetectorId, boolean>;
  const patterns: UserPattern[] = [];
  for (const raw of Array.isArray(s.patterns) ? s.patterns : []) {
    const p = normalizePattern(raw);
    if (p && patterns.length < REDACTION_LIMITS.patterns) patterns.push(p);
  }
  return { patterns, detectors };
}

function normalizePattern(raw: unknown): UserPattern | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.pattern !== "string" || r.pattern === "" || r.pattern.length > REDACTION_LIMITS.patternLength) return undefined;
  if (r.kind !== "regex" && r.kind !== "literal") return undefined;
  const out: UserPattern = { pattern: r.pattern, kind: r.kind };
  const label = typeof r.label === "string" ? cleanLabel(r.label) : "";
  if (label) out.label = label;
  // An empty or unreadable place list would make the pattern apply nowhere: everywhere is the safe reading.
  const places = Array.isArray(r.applyTo) ? WHERE.filter((w) => (r.applyTo as unknown[]).includes(w)) : [];
  if (places.length > 0 && places.length < WHERE.length) out.applyTo = places;
  return out;
}

export type PatternCheck =
  | { ok: true; /** characters a stream holds back for this pattern */ span: number }
  | { ok: false; field: "pattern" | "label" | "applyTo"; error: string };

const escapeRegex = (s: string): string => s.replace(/[\^$\\.*+?()[\]{}|/]/g, "\\$&");

const sourceOf = (p: UserPattern): string => (p.kind === "literal" ? escapeRegex(p.pattern) : p.pattern);

/** What the settings page shows next to a pattern: fine, or what to change. */
export function checkUserPattern(p: UserPattern): PatternCheck {
  if (p.pattern === "") return { ok: false, field: "pattern", error: "Enter a pattern." };
  if (p.pattern.length > REDACTION_LIMITS.patternLength) {
    return { ok: false, field: "pattern", error: `A pattern can be at most ${REDACTION_LIMITS.patternLength} characters long.` };
  }
  if (p.label !== undefined && p.label !== "" && cleanLabel(p.label) !== p.label.trim()) {
    return { ok: false, field: "label", error: `A label can be at most ${REDACTION_LIMITS.labelLength} characters, on one line, without [ or ].` };
  }
  if (p.applyTo !== undefined && !WHERE.some((w) => p.applyTo!.includes(w))) {
    return { ok: false, field: "applyTo", error: "Choose at least one of URL, headers and bodies." };
  }
  const shape = shapeRegex(sourceOf(p));
  return shape.ok ? { ok: true, span: shape.span } : { ok: false, field: "pattern", error: shape.error };
}

export interface PatternProblem {
  index: number;
  pattern: string;
  error: string;
}

/** Hash of a pattern, so a stream's saved cursor follows its rule across redactor rebuilds. */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export function userPatternRules(patterns: readonly UserPattern[]): { rules: Rule[]; problems: PatternProblem[] } {
  const rules: Rule[] = [];
  const problems: PatternProblem[] = [];
  patterns.forEach((p, index) => {
    const check = checkUserPattern(p);
    if (!check.ok && check.field !== "label") {
      problems.push({ index, pattern: p.pattern, error: check.error });
      return;
    }
    const shape = shapeRegex(sourceOf(p));
    if (!shape.ok) return; // unreachable: checked above
    rules.push({
      key: `u:${p.kind}:${fingerprint(p.pattern)}:${index}`,
      reason: reasonOf(p),
      re: new RegExp(shape.source, "gu"),
      span: shape.span,
      where: p.applyTo?.length ? WHERE.filter((w) => p.applyTo!.includes(w)) : WHERE,
    });
  });
  return { rules, problems };
}
