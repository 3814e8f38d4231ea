/**
 * Sending one batch and acting on the answer (delivery/response.ts): the events go to their
 * grouped deletion, or the batches get smaller, or sending backs off. The sender also keeps what
 * the batches in flight carry, so that no other batch sends or reports it again meanwhile.
 */
import type { Reporter } from '../errors'
import type { WireFormat } from '../formats/types'
import type { Outbox } from '../queue/outbox'
import type { StoredEvent } from '../queue/store'
import type { Backoff } from './backoff'
import { verdictOf } from './response'
import type { Settlement } from './settlement'
import type { SendResult, Transport } from './transport'
import type { Wire } from './wire'

export interface SenderConfig {
  /** Events per batch, until an endpoint says that is too large (413). */
  batchSize: number
  transport: Transport
  wire: Wire
  format?: WireFormat
  report: Reporter
  backoff: Backoff
  settlement: Settlement
  outbox: Outbox
  /** Delivery stopped (consent withdrawn, destroyed): an answer changes nothing any more. */
  stopped(): boolean
  /** A failed send is to be retried in `delay` ms. */
  retryIn(delay: number): void
}

export interface Sender {
  /** Events per batch now: halved by every 413. */
  readonly limit: number
  /** Of the `stored` dropped count, what no batch in flight or awaiting deletion has reported. */
  unreported(stored: number): number
  /** Posts one batch (and `dropped`, the count it reports) and acts on the answer. */
  send(rows: StoredEvent[], dropped: number): Promise<SendResult>
}

export function createSender(config: SenderConfig): Sender {
  const { transport, wire, format, report, backoff, settlement, outbox } = config
  let limit = config.batchSize
  /** Dropped events counted in batches still in flight: another batch must not report them too. */
  let droppedInFlight = 0
  return {
    get limit() {
      return limit
    },
    unreported: (stored) => Math.max(0, stored - settlement.settledDropped - droppedInFlight),
    async send(rows, dropped) {
      const keys = rows.map((row) => row[0])
      droppedInFlight += dropped
      const result = await settlement.markInFlight(keys, transport.send(wire.body(rows, dropped)))
      // (Counted as reported again, or as settled, in the same step: never neither.)
      droppedInFlight -= dropped
      if (config.stopped()) return result
      const verdict = verdictOf(result, keys.length, format, report)
      if (verdict === 'delivered') backoff.succeeded()
      if (verdict === 'delivered' || verdict === 'rejected') await settlement.settleLater(keys, dropped)
      else if (verdict === 'smaller') limit = Math.max(1, keys.length >> 1)
      else if (verdict === 'retry') config.retryIn(backoff.failed(result))
      else {
        // Sending stops for this page (the exit send too); counted as to retry.
        backoff.refuseForPage()
        result.retry = true
      }
      // Not delivered: what was sent unwritten is written now.
      if (result.retry && keys.some((key) => outbox.unwritten.has(key))) outbox.schedule(0)
      return result
    },
  }
}
