/**
 * Steps on one journey's queue records inside an IndexedDB transaction (the object store `s` of
 * it): putting events as records, deleting some of them, trimming the queue, counting what was
 * dropped. Each only queues requests; the caller's transaction commits them together.
 *
 * A record's key says which events it may hold and how many (queue/scope.ts), so that deleting
 * and trimming read only the records concerned.
 */
import { decodeEvents, encodeEvents, RECORD_EVENTS } from './records'
import type { QueueScope } from './scope'
import type { StoredEvent } from './store'

/** What a record's key says: its first and last order key and how many events it holds. */
interface Span {
  first: string
  last: string
  count: number
}

/** The span of a record key; a one-event key of the previous version is a record of one. */
export function spanOf(key: IDBValidKey): Span {
  const [, , first, last = first, count = 1] = key as [string, string, string, string?, number?]
  return { first, last, count }
}

/** The events of the record at `key`. */
export function eventsOf(key: IDBValidKey, value: unknown): StoredEvent[] {
  // A one-event record of the previous version holds the event's JSON as it is; so, as far as
  // the queue's check can tell, does a record that is not text (tampered): the check drops it.
  return (key as unknown[]).length === 3 || typeof value !== 'string' ? [[spanOf(key).first, value as string]] : decodeEvents(value)
}

/** Adds `delta` to the stored dropped count at `key` inside the transaction of `s`. */
export function addDropped(s: IDBObjectStore, key: IDBValidKey, delta: number): void {
  if (!delta) return
  const current = s.get(key)
  current.onsuccess = () => s.put(Math.max(0, ((current.result as number) || 0) + delta), key)
}

/** Puts events (sorted by order key) as records of up to RECORD_EVENTS. */
export function putRecords(s: IDBObjectStore, scope: QueueScope, events: StoredEvent[]): void {
  for (let i = 0; i < events.length; i += RECORD_EVENTS) {
    const part = events.slice(i, i + RECORD_EVENTS)
    s.put(encodeEvents(part), scope._recordKey_(part))
  }
}

/**
 * Deletes the events of `keys` (sorted), rewriting the records that held them. `then` runs once
 * every rewrite is queued: requests it makes see the records as they are after the deletion.
 */
export function deleteEvents(s: IDBObjectStore, scope: QueueScope, keys: string[], then?: () => void): void {
  if (!keys.length) return then?.()
  const gone = new Set(keys)
  // Only records whose key says they may hold one of `keys` are looked at.
  const candidates = s.getAllKeys(scope._queueRange_(keys[keys.length - 1]))
  candidates.onsuccess = () => {
    let reading = 1
    const read = (): void => void (--reading || then?.())
    for (const key of candidates.result) {
      // (A record is read even when its span and count suggest it is delivered whole: keys in
      // its span may be another record's, or no longer stored.)
      if (spanOf(key).last < keys[0]!) continue
      reading++
      const value = s.get(key)
      value.onsuccess = () => {
        const events = eventsOf(key, value.result)
        const kept = events.filter(([orderKey]) => !gone.has(orderKey))
        if (kept.length < events.length) {
          s.delete(key)
          putRecords(s, scope, kept)
        }
        read()
      }
    }
    read()
  }
}

/**
 * Trims the queue to `maxEvents`, oldest records first, and adds what it trimmed and
 * `alsoDropped` to the dropped count. Returns how many it trims (known once the transaction completes).
 */
export function trimQueue(s: IDBObjectStore, scope: QueueScope, maxEvents: number, alsoDropped: number): () => number {
  let trimmed = 0
  const records = s.getAllKeys(scope._queueRange_())
  records.onsuccess = () => {
    let excess = records.result.reduce<number>((sum, key) => sum + spanOf(key).count, 0) - maxEvents
    trimmed = Math.max(0, excess)
    addDropped(s, scope._droppedKey_, trimmed + alsoDropped)
    for (const key of records.result) {
      if (excess <= 0) break
      const { count } = spanOf(key)
      if (count <= excess) s.delete(key)
      else {
        const drop = excess
        const value = s.get(key)
        value.onsuccess = () => {
          s.delete(key)
          putRecords(s, scope, eventsOf(key, value.result).slice(drop))
        }
      }
      excess -= count
    }
  }
  return () => trimmed
}
