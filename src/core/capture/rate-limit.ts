/**
 * Per-tab rate limits on what a page may have stored: token buckets for events, new exchanges
 * and bytes (eventBytes), each with a sustained rate and a burst on top. Pure: the caller says
 * what time it is, so tests can run a minute of traffic in no time.
 */
import type { CaptureEvent } from "../contract";
import { eventBytes } from "./validation";

export interface Rate {
  /** Tokens per second. */
  rate: number;
  burst: number;
}

export interface RateLimits {
  events: Rate;
  /** New exchanges (request events): a page making hundreds of calls a second is flooding us. */
  exchanges: Rate;
  bytes: Rate;
}

const MiB = 1024 * 1024;

/**
 * Far above any real page: a stream is many chunk events, and model calls carry kilobytes, not
 * megabytes. A page over them is flooding the background that every tab shares.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  events: { rate: 10_000, burst: 20_000 },
  exchanges: { rate: 300, burst: 3_000 },
  bytes: { rate: 4 * MiB, burst: 32 * MiB },
};

interface Bucket {
  tokens: number;
  at: number;
}

/** An exchange refused now stays refused: its later events would make a headless record. */
const MAX_REFUSED = 100_000;

export interface Admission<E> {
  admitted: E[];
  dropped: number;
}

export class CaptureRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refused = new Map<number, Set<string>>();

  constructor(private readonly limits: RateLimits = DEFAULT_RATE_LIMITS) {}

  /**
   * The events of a batch the tab may have stored at `now`. `maxEventBytes`: the largest event
   * the validator lets through, which the byte burst must hold, or such events never pass.
   */
  admit<E extends CaptureEvent>(tabId: number, events: readonly E[], now: number, maxEventBytes = 0): Admission<E> {
    const bytesLimit = { ...this.limits.bytes, burst: Math.max(this.limits.bytes.burst, maxEventBytes) };
    const eventTokens = this.bucket(`e${tabId}`, this.limits.events, now);
    const exchangeTokens = this.bucket(`x${tabId}`, this.limits.exchanges, now);
    const byteTokens = this.bucket(`b${tabId}`, bytesLimit, now);
    let refused = this.refused.get(tabId);
    if (!refused) this.refused.set(tabId, (refused = new Set()));
    if (refused.size > MAX_REFUSED) refused.clear();
    const admitted: E[] = [];
    const requested = new Set<string>();
    for (const e of events) {
      if (e.t === "request" && !refused.has(e.id) && !requested.has(e.id)) {
        requested.add(e.id);
        if (exchangeTokens.tokens < 1) refused.add(e.id);
        else exchangeTokens.tokens -= 1;
      }
      if (refused.has(e.id)) continue;
      const bytes = eventBytes(e);
      if (eventTokens.tokens < 1 || byteTokens.tokens < bytes) continue;
      eventTokens.tokens -= 1;
      byteTokens.tokens -= bytes;
      admitted.push(e);
    }
    return { admitted, dropped: events.length - admitted.length };
  }

  forget(tabId: number): void {
    for (const prefix of ["e", "x", "b"]) this.buckets.delete(`${prefix}${tabId}`);
    this.refused.delete(tabId);
  }

  private bucket(key: string, limit: Rate, now: number): Bucket {
    const b = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * limit.rate);
    b.at = now;
    this.buckets.set(key, b);
    return b;
  }
}
