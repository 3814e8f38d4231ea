/**
 * What happens to events once they are sent: in flight until the answer comes, then (delivered,
 * or refused for good) deleted from the queue. Deletions are grouped: one transaction after
 * {@link REMOVE_EVERY} batches, or when a send run ends, instead of one per batch. Meanwhile those
 * events are *taken*: no send picks them up again, and the dropped count their batches reported
 * is not reported again.
 */
import type { Outbox } from '../queue/outbox'
import type { QueueStorage } from '../queue/store'
import type { SendResult } from './transport'

/** Delivered events are deleted together, after this many batches (a tab dying in between re-sends them, same ids). */
const REMOVE_EVERY = 10

/** (Fields written `_name_` are internal: the build gives them short names.) */
export interface Settlement {
  /** Keys being sent right now. */
  readonly _inFlight_: ReadonlySet<string>
  /** Keys delivered and waiting for their grouped deletion. */
  readonly _settled_: ReadonlySet<string>
  /** The dropped count reported by the delivered batches whose deletion is still to come. */
  _settledDropped_: number
  /** Being sent right now, or delivered and waiting for its grouped deletion: not to send again. */
  _taken_(key: string): boolean
  /** Marks `keys` in flight until `request` settles. */
  _markInFlight_(keys: string[], request: Promise<SendResult>): Promise<SendResult>
  /** Deletes what the endpoint has (or refused for good) now, and tells the other tabs. */
  _settle_(keys: string[], dropped: number): Promise<void>
  /** Deletes with the next group (now when this completes one); `dropped` is the count their batch reported. */
  _settleLater_(keys: string[], dropped: number): Promise<void> | undefined
  /** Deletes the group gathered so far. */
  _settleNow_(): Promise<void>
}

/** Deletes from `storage`, acknowledges in `outbox`, and tells the other tabs with `tellDelivered`. */
export function createSettlement(storage: QueueStorage, outbox: Outbox, tellDelivered: (keys: string[]) => void): Settlement {
  const inFlight = new Set<string>()
  /** Keys the endpoint has, not yet deleted. */
  const settled = new Set<string>()
  let settledBatches = 0

  async function settle(keys: string[], dropped: number): Promise<void> {
    // (A write of some of them may still be on its way: deleted after it, not before.)
    await outbox._writing_
    await storage._remove_(keys, dropped)
    outbox._acknowledge_(keys)
    tellDelivered(keys)
  }

  async function settleNow(): Promise<void> {
    if (!settled.size) return
    const keys = [...settled]
    const dropped = settlement._settledDropped_
    settledBatches = settlement._settledDropped_ = 0
    try {
      await settle(keys, dropped)
    } finally {
      // Deleted, or the deletion failed and the next run sends them again (same ids): either
      // way they are no longer this run's to skip.
      keys.forEach((key) => settled.delete(key))
    }
  }

  const settlement: Settlement = {
    _inFlight_: inFlight,
    _settled_: settled,
    _settledDropped_: 0,
    _taken_: (key) => inFlight.has(key) || settled.has(key),
    _markInFlight_(keys, request) {
      keys.forEach((key) => inFlight.add(key))
      return request.then((result) => {
        keys.forEach((key) => inFlight.delete(key))
        return result
      })
    },
    _settle_: settle,
    _settleLater_(keys, dropped) {
      for (const key of keys) {
        // Never written: nothing to delete, and no other tab can have it to send.
        if (outbox._unwritten_.delete(key)) outbox._acknowledge_([key])
        else settled.add(key)
      }
      settlement._settledDropped_ += dropped
      return ++settledBatches >= REMOVE_EVERY ? settleNow() : undefined
    },
    _settleNow_: settleNow,
  }
  return settlement
}
