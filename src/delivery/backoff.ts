/**
 * When the next send may go after a failure: our own exponential backoff with jitter, and what
 * the endpoint asked for (Retry-After; a wire format's transport asks for the rest of the page's
 * life when the endpoint refuses its credentials). Only the deadlines
 * are kept here; the flush timer that waits for them is the caller's.
 */
import { monotonic } from './deadline'
import type { SendResult } from './transport'

const BASE_BACKOFF = 1000
const MAX_BACKOFF = 60_000

export interface Backoff {
  /** A send failed and is to be retried: returns how long to wait before the next one. */
  _failed_(result: SendResult): number
  /** A batch was delivered: the next failure waits the shortest time again. */
  _succeeded_(): void
  /** Back online or in view: our own backoff is forgotten (what the endpoint asked for is not). */
  _forget_(): void
  /** Milliseconds the endpoint asked to wait still (≤ 0: none): honoured by every send, even `flush()` and exits. */
  _askedToWait_(): number
  /** Milliseconds before a timed send may go (≤ 0: now): our backoff or the endpoint's wait, the longer. */
  _wait_(): number
}

/** `random` (0 ≤ n < 1) spreads the retries of many pages that failed at the same moment. */
export function createBackoff(random: () => number = Math.random): Backoff {
  let failures = 0
  /** Our own backoff: forgotten when the page comes back online or into view. */
  let blockedUntil = 0
  /** What the endpoint asked for. */
  let retryAfterUntil = 0
  const askedToWait = (): number => retryAfterUntil - monotonic()
  return {
    _failed_(result) {
      failures++
      const exponential = Math.min(MAX_BACKOFF, BASE_BACKOFF * 2 ** (failures - 1))
      // Never before the endpoint asked, and never sooner than the backoff (a `Retry-After: 0` on
      // every answer would otherwise make a hot loop).
      const delay = Math.max(result.retryAfter ?? 0, exponential * (0.75 + random() * 0.5))
      blockedUntil = monotonic() + delay
      // (Never shorter than a wait already asked for: a refused write key holds for the page.)
      if (result.retryAfter !== undefined) retryAfterUntil = Math.max(retryAfterUntil, monotonic() + result.retryAfter)
      return delay
    },
    _succeeded_() {
      failures = 0
    },
    _forget_() {
      failures = blockedUntil = 0
    },
    _askedToWait_: askedToWait,
    _wait_: () => Math.max(blockedUntil - monotonic(), askedToWait()),
  }
}
