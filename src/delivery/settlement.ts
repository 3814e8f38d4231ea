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

export interface SettlementConfig {
  storage: QueueStorage
  outbox: Outbox
  /** Tells the other tabs which keys are delivered. */
  tellDelivered(keys: string[]): void
}

export interface Settlement {
  /** Keys in flight now. */
  readonly inFlight: number
  /** Keys delivered and waiting for their grouped deletion. */
  readonly settled: ReadonlySet<string>
  /** Being sent right now, or delivered and waiting for its grouped deletion: not to send again. */
  taken(key: string): boolean
  /** The dropped count reported by delivered batches whose deletion is still to come. */
  readonly settledDropped: number
  /** Marks `keys` in flight until `request` settles. */
  markInFlight(keys: string[], request: Promise<SendResult>): Promise<SendResult>
  /** Deletes what the endpoint has (or refused for good) now, and tells the other tabs. */
  settle(keys: string[], dropped: number): Promise<void>
  /** Deletes with the next group (now when this completes one). */
  settleLater(keys: string[], dropped: number): Promise<void> | undefined
  /** Deletes the group gathered so far. */
  settleNow(): Promise<void>
}

export function createSettlement({ storage, outbox, tellDelivered }: SettlementConfig): Settlement {
  const inFlight = new Set<string>()
  /** Keys the endpoint has, not yet deleted, and the dropped count their batches reported. */
  const settled = new Set<string>()
  let settledDropped = 0
  let settledBatches = 0

  async function settle(keys: string[], dropped: number): Promise<void> {
    // (A write of some of them may still be on its way: deleted after it, not before.)
    await outbox.writing
    await storage.remove(keys, dropped)
    outbox.acknowledge(keys)
    tellDelivered(keys)
  }

  async function settleNow(): Promise<void> {
    if (!settled.size) return
    const keys = [...settled]
    const dropped = settledDropped
    settledBatches = settledDropped = 0
    try {
      await settle(keys, dropped)
    } finally {
      // Deleted, or the deletion failed and the next run sends them again (same ids): either
      // way they are no longer this run's to skip.
      keys.forEach((key) => settled.delete(key))
    }
  }

  return {
    get inFlight() {
      return inFlight.size
    },
    settled,
    taken: (key) => inFlight.has(key) || settled.has(key),
    get settledDropped() {
      return settledDropped
    },
    markInFlight(keys, request) {
      keys.forEach((key) => inFlight.add(key))
      return request.then((result) => {
        keys.forEach((key) => inFlight.delete(key))
        return result
      })
    },
    settle,
    settleLater(keys, dropped) {
      for (const key of keys) {
        // Never written: nothing to delete, and no other tab can have it to send.
        if (outbox.unwritten.delete(key)) outbox.acknowledge([key])
        else settled.add(key)
      }
      settledDropped += dropped
      return ++settledBatches >= REMOVE_EVERY ? settleNow() : undefined
    },
    settleNow,
  }
}
