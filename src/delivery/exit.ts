/**
 * The exit send: when the page is hidden or left, this page's unacknowledged events go out in
 * keep-alive requests, as many as the browser's keep-alive budget takes. They stay stored until a
 * 2xx is seen: a page that is gone never sees the answer, so the next page load sends them again,
 * with the same ids, as it does whatever did not fit the budget. (Counting them as sent would
 * avoid that duplicate, but lose them silently when the endpoint or network fails at that moment,
 * or a blocker swallows the request.)
 */
import type { Outbox } from '../queue/outbox'
import { createBatch, MAX_BATCH_BYTES, type Batch } from './batch'
import type { Settlement } from './settlement'
import type { Transport } from './transport'
import type { Wire } from './wire'

export interface ExitSend {
  /** Events per request at most (the send loop's current batch size). */
  limit: number
  transport: Transport
  wire: Wire
  outbox: Outbox
  settlement: Settlement
  /** Delivery stopped: a late answer deletes nothing. */
  stopped(): boolean
}

/** Sends what is unacknowledged and not in flight, within what is left of the keep-alive budget. */
export function sendOnExit({ limit, transport, wire, outbox, settlement, stopped }: ExitSend): void {
  // Each request within what is left of the keep-alive budget.
  const nextBatch = (): Batch => createBatch(limit, Math.min(MAX_BATCH_BYTES, transport.budgetLeft()))
  let batch = nextBatch()
  const send = (): boolean => {
    const { rows } = batch
    if (!rows.length) return true
    const keys = rows.map((row) => row[0])
    const request = transport.sendOnExit(wire.body(rows, 0))
    batch = nextBatch()
    if (!request) return false
    // Seen only if the page lives on (hidden, not closed).
    void settlement.markInFlight(keys, request).then((result) => {
      if (result.ok && !stopped()) void settlement.settle(keys, 0)
    })
    return true
  }
  for (const [key, stored] of outbox.unacknowledged) {
    const json = !settlement.taken(key) && wire.event(stored)
    // Full: send it and start the next (refused: no room left in the budget, even for this one).
    if (json && !batch.add(key, json) && (!send() || !batch.add(key, json))) break
  }
  send()
}
