/**
 * The queue and the journey's state in IndexedDB, through idb-keyval's request helper.
 *
 * One database, one object store. Events belong to the journey (endpoint) that tracked them, so
 * the queue is scoped by endpoint (queue/scope.ts); the visitor's state is shared by every journey
 * of the site:
 * - `['q', endpoint, firstKey, lastKey, count]` → a record of up to RECORD_EVENTS events, each
 *   serialized to JSON when it was queued (so a bad event can never fail later at send time),
 *   in the text format of queue/records.ts. Order keys sort in the order events were tracked.
 * - `['d', endpoint]` → events dropped and not yet reported in a delivered batch.
 * - `['l', endpoint]` → the sending lease (`{ owner, until, length }`), where Web Locks are missing or refused.
 * - `s:<name>` → a state value (anonymous id, session, phase state, first touch, …).
 *
 * Why records rather than one event per key: a `put` costs about the same for one event as for
 * fifty, and the page pays it on its main thread. A burst of 1 000 events is 20 puts.
 *
 * Older versions stored `['q', endpoint, orderKey]` → one event's JSON (read as a record of one,
 * and rewritten as records when touched), and before scopes `q:<orderKey>` and `d:dropped`: the
 * first journey to read the queue adopts those (they were bound for whichever journey sent first
 * then, too).
 */
import { promisifyRequest } from 'idb-keyval'
import { DB_NAME, OPEN_TIMEOUT, openStore, withTimeout } from './connection'
import { addDropped, deleteEvents, eventsOf, putRecords, spanOf, trimQueue } from './record-steps'
import { byOrderKey } from './records'
import type { QueueScope } from './scope'
import type { QueueRead, QueueStorage, StateChange, StoredEvent, Written } from './store'

/** The string keys `<letter>:<name>` (`;` follows `:`). */
const prefixed = (letter: string): IDBKeyRange => IDBKeyRange.bound(letter + ':', letter + ';', false, true)
const STATE = 's'
/** The queue before scopes: `q:<orderKey>` strings. */
const LEGACY_QUEUE = 'q'
const LEGACY_DROPPED = 'd:dropped'

const done = (s: IDBObjectStore): Promise<void> => promisifyRequest(s.transaction)

/** The `[name, value]` of every `<letter>:<name>` key, once the requests made here have succeeded. */
const entries = (s: IDBObjectStore, letter: string): (() => Array<[string, any]>) => {
  const keys = s.getAllKeys(prefixed(letter))
  const values = s.getAll(prefixed(letter))
  return () => keys.result.map((key, i) => [String(key).slice(2), values.result[i]])
}

const putState = (s: IDBObjectStore, state: StateChange[]): void => {
  for (const [name, value] of state) {
    if (value === undefined) s.delete('s:' + name)
    else s.put(value, 's:' + name)
  }
}

/** The IndexedDB storage of one journey's queue. Every call is one transaction. */
export function indexedDBStorage(scope: QueueScope): QueueStorage {
  const store = openStore()
  /** Moves the queue stored before scopes into this journey's: one transaction, so only one journey gets it. */
  const adoptLegacy = () =>
    store._use_('readwrite', (s) => {
      const events = entries(s, LEGACY_QUEUE)
      const dropped = s.get(LEGACY_DROPPED)
      // The last request: the others' results are in by now.
      dropped.onsuccess = () => {
        putRecords(s, scope, byOrderKey(events()))
        s.delete(prefixed(LEGACY_QUEUE))
        addDropped(s, scope._droppedKey_, (dropped.result as number) || 0)
        s.delete(LEGACY_DROPPED)
      }
      return done(s)
    })

  /** The queue's read; first, while the queue before scopes is there (`adopt`), it is adopted. */
  const read = (limit: number, adopt = true): Promise<QueueRead> =>
    store._use_('readonly', (s) => {
      const events = new Map<string, string>()
      if (limit > 0) {
        // Every record holds at least one event: `limit` records are always enough.
        const records = s.getAllKeys(scope._queueRange_(), limit)
        records.onsuccess = () => {
          let needed = 0
          for (let held = 0; needed < records.result.length && held < limit; needed++) held += spanOf(records.result[needed]!).count
          if (!needed) return
          const values = s.getAll(scope._queueRange_(), needed)
          values.onsuccess = () =>
            // (An event stored twice, by a journaled page whose write committed after all, is read once.)
            values.result.forEach((value, i) => eventsOf(records.result[i]!, value).forEach(([key, json]) => events.set(key, json)))
        }
      }
      const dropped = s.get(scope._droppedKey_)
      const legacy = s.count(prefixed(LEGACY_QUEUE))
      return done(s).then(() =>
        adopt && legacy.result
          ? adoptLegacy().then(() => read(limit, false))
          : {
              // Records of tabs writing at the same time can overlap: sorted, oldest first.
              _events_: byOrderKey([...events]).slice(0, limit),
              _dropped_: (dropped.result as number) || 0,
            },
      )
    })

  /**
   * Stores `state`, deletes the events of `deleted` (sorted), puts `events` (sorted here, in
   * place) and trims: the trim, which counts events by their records' keys, runs on the queue as
   * it will be.
   */
  const put = (events: StoredEvent[], state: StateChange[], maxEvents: number, alsoDropped: number, deleted: string[]): Promise<Written> =>
    store._use_('readwrite', (s) => {
      let trimmed = (): number => 0
      putState(s, state)
      deleteEvents(s, scope, deleted, () => {
        putRecords(s, scope, byOrderKey(events))
        trimmed = trimQueue(s, scope, maxEvents, alsoDropped)
      })
      return done(s).then(() => ({ _trimmed_: trimmed(), _durable_: true }))
    })

  return {
    _persistent_: true,
    _write_: (events, state, maxEvents, alsoDropped = 0) => put([...events], state, maxEvents, alsoDropped, []),
    _restore_(events, state, maxEvents, delivered = []) {
      const gone = new Set(delivered)
      // What the journaling page's own write stored after all is deleted first, with what was
      // delivered, and the journaled events put after: no event is stored twice.
      return put(events.filter(([key]) => !gone.has(key)), state, maxEvents, 0, [...events.map(([key]) => key), ...delivered].sort())
    },
    _read_: (limit) => read(limit),
    _remove_: (keys, reported = 0) =>
      store._use_('readwrite', (s) => {
        deleteEvents(s, scope, [...keys].sort())
        addDropped(s, scope._droppedKey_, -reported)
        return done(s)
      }),
    _readState_: () =>
      store._use_('readonly', (s) => {
        const state = entries(s, STATE)
        return done(s).then(state)
      }),
    _lease_: (owner, until) =>
      store._use_('readwrite', (s) => {
        let taken = false
        const current = s.get(scope._leaseKey_)
        current.onsuccess = () => {
          const lease = current.result as { owner: string; until: number; length?: number } | undefined
          if (until === 0) {
            if (lease?.owner === owner) s.delete(scope._leaseKey_)
            return
          }
          const now = Date.now()
          // More time left than the lease was taken for: written before the wall clock stepped
          // back (NTP, a restored VM), so as good as expired.
          if (!lease || lease.owner === owner || lease.until < now || lease.until - now > (lease.length ?? Infinity) + 1000) {
            s.put({ owner, until, length: until - now }, scope._leaseKey_)
            taken = true
          }
        }
        return done(s).then(() => taken)
      }),
    _destroy_() {
      store._close_()
      const request = indexedDB.deleteDatabase(DB_NAME)
      return withTimeout(promisifyRequest(request), OPEN_TIMEOUT, __DEV__ && 'Deleting IndexedDB').then(() => {})
    },
  }
}
