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
import { promisifyRequest, type UseStore } from 'idb-keyval'
import { byOrderKey, decodeEvents, encodeEvents, RECORD_EVENTS } from './records'
import type { QueueScope } from './scope'
import type { QueueStorage, StateChange, StoredEvent, Written } from './store'

const DB_NAME = 'journeykit'
const STORE_NAME = 'journeykit'
const OPEN_TIMEOUT = 3000
const STATE = (): IDBKeyRange => IDBKeyRange.bound('s:', 's;', false, true)
/** The queue before scopes: `q:<orderKey>` strings. */
const LEGACY_QUEUE = (): IDBKeyRange => IDBKeyRange.bound('q:', 'q;', false, true)
const LEGACY_DROPPED = 'd:dropped'

/** What a record's key says: its first and last order key and how many events it holds. */
interface Span {
  first: string
  last: string
  count: number
}

/** The span of a record key; a one-event key of the previous version is a record of one. */
function spanOf(key: IDBValidKey): Span {
  const [, , first, last = first, count = 1] = key as [string, string, string, string?, number?]
  return { first, last, count }
}

/** The events of the record at `key`. */
function eventsOf(key: IDBValidKey, value: unknown): StoredEvent[] {
  // A one-event record of the previous version holds the event's JSON as it is; so, as far as
  // the queue's check can tell, does a record that is not text (tampered): the check drops it.
  return (key as unknown[]).length === 3 || typeof value !== 'string' ? [[spanOf(key).first, value as string]] : decodeEvents(value)
}

/** Adds `delta` to the stored dropped count at `key` inside the transaction of `s`. */
function addDropped(s: IDBObjectStore, key: IDBValidKey, delta: number): void {
  if (!delta) return
  const current = s.get(key)
  current.onsuccess = () => s.put(Math.max(0, ((current.result as number) || 0) + delta), key)
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    )
  })
}

/**
 * An idb-keyval store that, unlike `createStore`, also closes its connection when another tab
 * deletes or upgrades the database (`versionchange`; otherwise that tab's delete is blocked
 * forever) and gives up on an `open()` that never settles (Safari 14, WebKit bug 226547).
 */
function openStore(): { use: UseStore; close(): void } {
  let db: Promise<IDBDatabase> | undefined
  const forget = (): void => {
    db?.then((connection) => connection.close(), () => {})
    db = undefined
  }
  const connect = (): Promise<IDBDatabase> => {
    if (db) return db
    const request = indexedDB.open(DB_NAME)
    request.onupgradeneeded = () => request.result.createObjectStore(STORE_NAME)
    const opening = promisifyRequest(request)
    db = withTimeout(opening, OPEN_TIMEOUT, 'Opening IndexedDB')
    // Given up on, then opened after all: close it, or it would block another tab's deletion.
    db.catch(() => opening.then((late) => late.close(), () => {}))
    db.then(
      (connection) => {
        connection.onversionchange = forget
        // Safari closes connections on its own ("Connection to Indexed Database server lost").
        connection.onclose = () => (db = undefined)
      },
      () => (db = undefined),
    )
    return db
  }
  return {
    // `open()` can throw synchronously (Firefox private windows): as a rejection, like any failure.
    use: (mode, callback) =>
      new Promise<IDBDatabase>((resolve) => resolve(connect())).then((connection) =>
        callback(connection.transaction(STORE_NAME, mode).objectStore(STORE_NAME)),
      ),
    close: forget,
  }
}

/** The IndexedDB storage of one journey's queue. Every call is one transaction. */
export function indexedDBStorage(scope: QueueScope): QueueStorage {
  const store = openStore()
  const done = (s: IDBObjectStore): Promise<void> => promisifyRequest(s.transaction)

  /** Puts events (sorted by order key) as records of up to RECORD_EVENTS. */
  const putRecords = (s: IDBObjectStore, events: StoredEvent[]): void => {
    for (let i = 0; i < events.length; i += RECORD_EVENTS) {
      const part = events.slice(i, i + RECORD_EVENTS)
      s.put(encodeEvents(part), scope.recordKey(part))
    }
  }

  /** Deletes the events of `keys` (sorted) inside `s`, rewriting the records that held them. */
  const deleteEvents = (s: IDBObjectStore, keys: string[]): void => {
    if (!keys.length) return
    const gone = new Set(keys)
    // Only records whose key says they may hold one of `keys` are looked at.
    const candidates = s.getAllKeys(scope.queueRange(keys[keys.length - 1]))
    candidates.onsuccess = () => {
      for (const key of candidates.result) {
        // (A record is read even when its span and count suggest it is delivered whole: keys in
        // its span may be another record's, or no longer stored.)
        if (spanOf(key).last < keys[0]!) continue
        const value = s.get(key)
        value.onsuccess = () => {
          const events = eventsOf(key, value.result)
          const kept = events.filter(([orderKey]) => !gone.has(orderKey))
          if (kept.length === events.length) return
          s.delete(key)
          putRecords(s, kept)
        }
      }
    }
  }

  /**
   * Trims the queue to `maxEvents`, oldest records first, inside `s`, and adds what it trimmed and
   * `alsoDropped` to the dropped count. Returns how many it trims (known once `s` completes).
   */
  const trim = (s: IDBObjectStore, maxEvents: number, alsoDropped: number): (() => number) => {
    let trimmed = 0
    const records = s.getAllKeys(scope.queueRange())
    records.onsuccess = () => {
      let excess = records.result.reduce<number>((sum, key) => sum + spanOf(key).count, 0) - maxEvents
      trimmed = Math.max(0, excess)
      addDropped(s, scope.droppedKey, trimmed + alsoDropped)
      for (const key of records.result) {
        if (excess <= 0) break
        const { count } = spanOf(key)
        if (count <= excess) s.delete(key)
        else {
          const drop = excess
          const value = s.get(key)
          value.onsuccess = () => {
            s.delete(key)
            putRecords(s, eventsOf(key, value.result).slice(drop))
          }
        }
        excess -= count
      }
    }
    return () => trimmed
  }

  const putState = (s: IDBObjectStore, state: StateChange[]): void => {
    for (const [name, value] of state) {
      if (value === undefined) s.delete('s:' + name)
      else s.put(value, 's:' + name)
    }
  }

  /** Moves the queue stored before scopes into this journey's: one transaction, so only one journey gets it. */
  const adoptLegacy = () =>
    store.use('readwrite', (s) => {
      const keys = s.getAllKeys(LEGACY_QUEUE())
      const values = s.getAll(LEGACY_QUEUE())
      const dropped = s.get(LEGACY_DROPPED)
      // The last request: the others' results are in by now.
      dropped.onsuccess = () => {
        putRecords(s, byOrderKey(keys.result.map((key, i): StoredEvent => [String(key).slice(2), values.result[i] as string])))
        s.delete(LEGACY_QUEUE())
        addDropped(s, scope.droppedKey, (dropped.result as number) || 0)
        s.delete(LEGACY_DROPPED)
      }
      return done(s)
    })

  const read = (limit: number): Promise<{ events: StoredEvent[]; dropped: number; legacy: boolean }> =>
    store.use('readonly', (s) => {
      const events = new Map<string, string>()
      if (limit > 0) {
        // Every record holds at least one event: `limit` records are always enough.
        const records = s.getAllKeys(scope.queueRange(), limit)
        records.onsuccess = () => {
          let needed = 0
          for (let held = 0; needed < records.result.length && held < limit; needed++) held += spanOf(records.result[needed]!).count
          if (!needed) return
          const values = s.getAll(scope.queueRange(), needed)
          values.onsuccess = () =>
            // (An event stored twice, by a journaled page whose write committed after all, is read once.)
            values.result.forEach((value, i) => eventsOf(records.result[i]!, value).forEach(([key, json]) => events.set(key, json)))
        }
      }
      const dropped = s.get(scope.droppedKey)
      const legacy = s.count(LEGACY_QUEUE())
      return done(s).then(() => ({
        // Records of tabs writing at the same time can overlap: sorted, oldest first.
        events: byOrderKey([...events]).slice(0, limit),
        dropped: (dropped.result as number) || 0,
        legacy: legacy.result > 0,
      }))
    })

  return {
    persistent: true,
    write: (events, state, maxEvents, alsoDropped = 0) =>
      store.use('readwrite', (s) => {
        putRecords(s, byOrderKey([...events]))
        putState(s, state)
        const trimmed = trim(s, maxEvents, alsoDropped)
        return done(s).then((): Written => ({ trimmed: trimmed(), durable: true }))
      }),
    // (What the journaling page's own write stored after all is stored twice under the same
    // order keys: read once, and deleted together.)
    restore: (events, state, maxEvents, delivered = []) =>
      store.use('readwrite', (s) => {
        putRecords(s, byOrderKey([...events]))
        putState(s, state)
        deleteEvents(s, [...delivered].sort())
        const trimmed = trim(s, maxEvents, 0)
        return done(s).then((): Written => ({ trimmed: trimmed(), durable: true }))
      }),
    read: (limit) =>
      read(limit)
        .then(({ events, dropped, legacy }) => (legacy ? adoptLegacy().then(() => read(limit)) : { events, dropped }))
        .then(({ events, dropped }) => ({ events, dropped })),
    remove: (keys, reported = 0) =>
      store.use('readwrite', (s) => {
        deleteEvents(s, [...keys].sort())
        addDropped(s, scope.droppedKey, -reported)
        return done(s)
      }),
    readState: () =>
      store.use('readonly', (s) => {
        const keys = s.getAllKeys(STATE())
        const values = s.getAll(STATE())
        return done(s).then(() => keys.result.map((key, i): StateChange => [String(key).slice(2), values.result[i]]))
      }),
    lease: (owner, until) =>
      store.use('readwrite', (s) => {
        let taken = false
        const current = s.get(scope.leaseKey)
        current.onsuccess = () => {
          const lease = current.result as { owner: string; until: number; length?: number } | undefined
          if (until === 0) {
            if (lease?.owner === owner) s.delete(scope.leaseKey)
            return
          }
          const now = Date.now()
          // More time left than the lease was taken for: written before the wall clock stepped
          // back (NTP, a restored VM), so as good as expired.
          if (!lease || lease.owner === owner || lease.until < now || lease.until - now > (lease.length ?? Infinity) + 1000) {
            s.put({ owner, until, length: until - now }, scope.leaseKey)
            taken = true
          }
        }
        return done(s).then(() => taken)
      }),
    destroy() {
      store.close()
      const request = indexedDB.deleteDatabase(DB_NAME)
      return withTimeout(promisifyRequest(request), OPEN_TIMEOUT, 'Deleting IndexedDB').then(() => {})
    },
  }
}
