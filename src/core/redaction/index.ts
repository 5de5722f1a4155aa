/**
 * Redaction: secrets removed before anything is stored, the same for live capture and imported
 * files (docs/DESIGN.md, "Redaction"). A redactor built once per settings (redact.ts) redacts
 * URLs, headers, bodies, exchanges, interactions, marks and imported spans, and a streamed body
 * chunk by chunk with a held-back window (stream.ts); the built-ins (credential headers, secret
 * names, key shapes) apply without one. Also what the settings page shows: the user's patterns
 * and their check (patterns.ts), and the built-in detectors (detectors.ts).
 */
export {
  createRedactor, isRedacted, redactExchange, redactHeaders, redactImportedExchange, redactUrl, redactedMark,
  type PreviewMatch, type Redactor, type RedactorOptions, type TabEventFields,
} from "./redact";
export { heldBack, type StreamRedactState, type StreamStep } from "./stream";
export type { Meter, Where } from "./scan";
export {
  DEFAULT_REDACTION, REDACTION_LIMITS, WHERE, checkUserPattern, normalizeRedaction,
  type PatternCheck, type PatternProblem, type RedactionSettings, type UserPattern,
} from "./patterns";
export { DEFAULT_DETECTORS, DETECTOR_IDS, DETECTOR_INFO, type DetectorId, type DetectorInfo } from "./detectors";
