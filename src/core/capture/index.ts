/**
 * Capture: what a page may hand the background, and how it becomes exchanges. Every event is
 * checked against its type and size bounds (validation.ts), held to the tab's lifetime
 * (clock.ts) and to its rates (rate-limit.ts); the events of one exchange are folded into its
 * stored record and chunks, in any order and any number of times (fold.ts). Also the checks a
 * body's media type passes where it enters, the weight of a value for budgets, and each tab's
 * share when storage must shrink. See docs/DESIGN.md, "Validation" and "Limits".
 */
export { DEFAULT_EVENT_LIMITS, eventBytes, eventLimits, isCaptureEvent, type EventLimits } from "./validation";
export { FUTURE_SKEW_MS, PAST_SKEW_MS, clampEventTimes, tabTimeRange, type TimeRange } from "./clock";
export { CaptureRateLimiter, DEFAULT_RATE_LIMITS, type Admission, type Rate, type RateLimits } from "./rate-limit";
export {
  applyEvent, assembleExchange, chunkBlock, chunkRecords, emptyExchange, isExchangeEvent, markUnverified, mergeChunks, storedChunks, unpackChunks,
} from "./fold";
export { checkedBodyType, isMediaType } from "./media-type";
export { approximateBytes } from "./size";
export { fairShares } from "./fair-shares";
