/**
 * Sending one batch and acting on the answer (delivery/response.ts): the events go to their
 * grouped deletion, or the batches get smaller, or sending backs off. The sender also keeps what
 * the batches in flight carry, so that no other batch sends or reports it again meanwhile.
 */
import type { StoredEvent } from '../queue/store'
import { Verdict, verdictOf } from './response'
import type { SendResult } from './transport'
import type { DeliveryConfig, DeliveryParts } from './types'
import { requestBody } from './wire'

/** (Fields written `_name_` are internal: the build gives them short names.) */
export interface Sender {
  /** Events per batch now: the configured batch size, halved by every 413. */
  _limit_: number
  /** Of the `stored` dropped count, what no batch in flight or awaiting deletion has reported. */
  _unreported_(stored: number): number
  /** Posts one batch (and `dropped`, the count it reports) and acts on the answer. */
  _send_(rows: StoredEvent[], dropped: number): Promise<SendResult>
}

export function createSender({ _batchSize_: batchSize, _transport_: transport, _report_: report }: DeliveryConfig, parts: DeliveryParts): Sender {
  const { _backoff_: backoff, _settlement_: settlement, _outbox_: outbox } = parts
  /** Dropped events counted in batches still in flight: another batch must not report them too. */
  let droppedInFlight = 0
  const sender: Sender = {
    _limit_: batchSize,
    _unreported_: (stored) => Math.max(0, stored - settlement._settledDropped_ - droppedInFlight),
    async _send_(rows, dropped) {
      const keys = rows.map((row) => row[0])
      droppedInFlight += dropped
      const result = await settlement._markInFlight_(keys, transport.send(requestBody(rows, dropped)))
      // (No longer in flight, and counted as settled or as unreported again in the same step.)
      droppedInFlight -= dropped
      if (parts._stopped_) return result
      const verdict = verdictOf(result, keys.length, report)
      if (verdict === Verdict.Delivered) backoff._succeeded_()
      if (verdict === Verdict.Delivered || verdict === Verdict.Rejected) await settlement._settleLater_(keys, dropped)
      else if (verdict === Verdict.Smaller) sender._limit_ = Math.max(1, keys.length >> 1)
      else parts._flushTimer_._at_(backoff._failed_(result))
      // Not delivered: what was sent unwritten is written now.
      if (result.retry && keys.some((key) => outbox._unwritten_.has(key))) outbox._schedule_(0)
      return result
    },
  }
  return sender
}
