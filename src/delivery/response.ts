/**
 * What an endpoint's answer to a batch means for its events: delivered; too large, so smaller
 * batches from now on; worth a retry; or refused for good, so dropped. Each problem is reported
 * here, once per batch.
 */
import type { Reporter } from '../errors'
import type { SendResult } from './transport'

/** (An enum: the build writes its members as numbers.) */
export const enum Verdict {
  Delivered,
  Smaller,
  Retry,
  Rejected,
}

/** The verdict on `result`, the answer to a batch of `count` events. */
export function verdictOf(result: SendResult, count: number, report: Reporter): Verdict {
  if (result.ok) return Verdict.Delivered
  // 413: the endpoint takes smaller requests (one event alone is not made any smaller: rejected).
  if (result.tooLarge && count > 1) return Verdict.Smaller
  const detail = { status: result.status, count, cause: result.error }
  if (result.retry) {
    report._warn_('delivery_failed', __DEV__ && `Sending ${count} events failed (${result.status || 'network error'}); retrying later`, detail)
    return Verdict.Retry
  }
  report._warn_('delivery_rejected', __DEV__ && `The endpoint refused ${count} events (${result.status}); they were dropped`, detail)
  return Verdict.Rejected
}
