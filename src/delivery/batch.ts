/**
 * Filling one request: the send loop and the exit send pack their batches here, so that their
 * limits cannot drift apart (they did twice when each had its own loop).
 */
import type { StoredEvent } from '../queue/store'
import { byteLength, KEEPALIVE_BUDGET } from './transport'

/** Requests stay under this, so that any one of them also fits the keep-alive budget. */
export const MAX_BATCH_BYTES = KEEPALIVE_BUDGET

/** Bytes of a request body besides its events: `{"sentAt":"…","events":[…],"dropped":n}`. */
export const BODY_OVERHEAD = 64

/** (Members written `_name_` are internal: the build gives them short names.) */
export interface Batch {
  /** The events taken, in the order they were added, as they go on the wire. */
  readonly _rows_: StoredEvent[]
  /** As many events as a batch takes, or one was refused for want of room. */
  readonly _full_: boolean
  /** Takes an event if it fits (its JSON and a comma within `maxBytes`); false, and full, if not. */
  _add_(key: string, json: string): boolean
}

/** An empty batch of at most `maxEvents` events and `maxBytes` bytes of body. */
export function createBatch(maxEvents: number, maxBytes: number): Batch {
  const rows: StoredEvent[] = []
  let bytes = BODY_OVERHEAD
  let refused = false
  return {
    _rows_: rows,
    get _full_() {
      return refused || rows.length >= maxEvents
    },
    _add_(key, json) {
      const size = byteLength(json) + 1
      if (rows.length >= maxEvents || bytes + size > maxBytes) {
        refused = true
        return false
      }
      rows.push([key, json])
      bytes += size
      return true
    },
  }
}
