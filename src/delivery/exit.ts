/**
 * The exit send: when the page is hidden or left, this page's unacknowledged events go out in
 * keep-alive requests, as many as the browser's keep-alive budget takes. They stay stored until a
 * 2xx is seen: a page that is gone never sees the answer, so the next page load sends them again,
 * with the same ids, as it does whatever did not fit the budget. (Counting them as sent would
 * avoid that duplicate, but lose them silently when the endpoint or network fails at that moment,
 * or a blocker swallows the request.)
 */
import { createBatch, MAX_BATCH_BYTES, type Batch } from './batch'
import type { DeliveryConfig, DeliveryParts } from './types'
import { requestBody } from './wire'

/**
 * Sends what is unacknowledged and not in flight, in batches of at most `limit` events (the send
 * loop's batch size now), within what is left of the keep-alive budget.
 */
export function sendOnExit({ _transport_: transport }: DeliveryConfig, parts: DeliveryParts, limit: number): void {
  const { _outbox_: outbox, _settlement_: settlement } = parts
  // Each request within what is left of the keep-alive budget.
  const nextBatch = (): Batch => createBatch(limit, Math.min(MAX_BATCH_BYTES, transport.budgetLeft()))
  let batch = nextBatch()
  const send = (): boolean => {
    const { _rows_: rows } = batch
    if (!rows.length) return true
    const keys = rows.map((row) => row[0])
    const request = transport.sendOnExit(requestBody(rows, 0))
    batch = nextBatch()
    if (!request) return false
    // Seen only if the page lives on (hidden, not closed).
    void settlement._markInFlight_(keys, request).then((result) => {
      if (result.ok && !parts._stopped_) void settlement._settle_(keys, 0)
    })
    return true
  }
  for (const [key, stored] of outbox._unacknowledged_) {
    // Full: send it and start the next (refused: no room left in the budget, even for this one).
    if (!settlement._taken_(key) && !batch._add_(key, stored) && (!send() || !batch._add_(key, stored))) break
  }
  send()
}
