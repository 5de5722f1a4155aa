/**
 * Settings: what the user can set, as stored in storage.local under SETTINGS_KEY: the shape,
 * the defaults and bounds, the normalisation of whatever is stored, and which sites are recorded
 * and with what hook configuration.
 */
export {
  DEFAULT_SETTINGS, LIMITS, SETTINGS_KEY, capturePolicy, hookConfigFor, hostMatches, isLocalHost, normalizeSettings,
  type CaptureContext, type CapturePolicy, type OtlpPushSettings, type Settings, type SiteRule,
} from "./user-settings";
