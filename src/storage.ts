/**
 * Where queued events and the journey's state live between page loads: IndexedDB through
 * idb-keyval, behind a small interface so that a memory store can take over when IndexedDB is
 * missing, blocked or failing.
 *
 * One database, one object store, four kinds of keys:
 * - `q:<order key>` → the event, serialized to a JSON string when it was queued (so a bad event
 *   can never fail later at send time). Order keys sort in the order events were tracked.
 * - `s:<name>` → a state value (anonymous id, session, phase state, first touch, …).
 * - `d:dropped` → events dropped and not yet reported in a delivered batch.
 * - `l:lease` → the sending lease (`{ owner, until, length }`), where Web Locks are missing or refused.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval'

/** A stored event: its order key and its JSON. */
export type StoredEvent = [key: string, json: string]

export interface QueueStorage {
  /** false for the memory store. */
  readonly persistent: boolean
  /**
   * Stores events and state changes in one transaction, then trims the queue to `maxEvents` by
   * deleting the oldest. The number trimmed (plus `alsoDropped`, events lost before they could be
   * stored) is added to the stored `dropped` count in the same transaction, so that tabs never
   * overwrite each other's count. Resolves with how many were trimmed.
   */
  write(events: StoredEvent[], state: Array<[string, unknown]>, maxEvents: number, alsoDropped?: number): Promise<number>
  /** The oldest `limit` stored events, and how many events were dropped and not yet reported. */
  read(limit: number): Promise<{ events: StoredEvent[]; dropped: number }>
  /** Deletes delivered (or rejected) events; `reported` dropped events went with them. */
  remove(keys: string[], reported?: number): Promise<void>
  /** Every state value. */
  readState(): Promise<Array<[string, unknown]>>
  /**
   * Takes (or renews) the sending lease for `owner` until `until` when it is free, expired or
   * already `owner`'s; `until` 0 releases it. Used only where Web Locks are missing.
   */
  lease(owner: string, until: number): Promise<boolean>
  /** Deletes everything (consent denied). */
  destroy(): Promise<void>
}

const DB_NAME = 'journeykit'
const STORE_NAME = 'journeykit'
const OPEN_TIMEOUT = 3000
const QUEUE = (): IDBKeyRange => IDBKeyRange.bound('q:', 'q;', false, true)
const STATE = (): IDBKeyRange => IDBKeyRange.bound('s:', 's;', false, true)
const LEASE_KEY = 'l:lease'
const DROPPED_KEY = 'd:dropped'

/** Adds `delta` to the stored dropped count inside the transaction of `s`. */
function addDropped(s: IDBObjectStore, delta: number): void {
  if (!delta) return
  const current = s.get(DROPPED_KEY)
  current.onsuccess = () => s.put(Math.max(0, ((current.result as number) || 0) + delta), DROPPED_KEY)
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

/** The IndexedDB storage. Every call is one transaction. */
export function indexedDBStorage(): QueueStorage {
  const store = openStore()
  const done = (s: IDBObjectStore): Promise<void> => promisifyRequest(s.transaction)
  return {
    persistent: true,
    write: (events, state, maxEvents, alsoDropped = 0) =>
      store.use('readwrite', (s) => {
        for (const [key, json] of events) s.put(json, 'q:' + key)
        for (const [name, value] of state) {
          if (value === undefined) s.delete('s:' + name)
          else s.put(value, 's:' + name)
        }
        let trimmed = 0
        const counting = s.count(QUEUE())
        counting.onsuccess = () => {
          trimmed = Math.max(0, counting.result - maxEvents)
          addDropped(s, trimmed + alsoDropped)
          if (!trimmed) return
          const oldest = s.getAllKeys(QUEUE(), trimmed)
          oldest.onsuccess = () => oldest.result.forEach((key) => s.delete(key))
        }
        return done(s).then(() => trimmed)
      }),
    read: (limit) =>
      store.use('readonly', (s) => {
        const keys = s.getAllKeys(QUEUE(), limit)
        const values = s.getAll(QUEUE(), limit)
        const dropped = s.get(DROPPED_KEY)
        return done(s).then(() => ({
          events: keys.result.map((key, i): StoredEvent => [String(key).slice(2), values.result[i] as string]),
          dropped: (dropped.result as number) || 0,
        }))
      }),
    remove: (keys, reported = 0) =>
      store.use('readwrite', (s) => {
        for (const key of keys) s.delete('q:' + key)
        addDropped(s, -reported)
        return done(s)
      }),
    readState: () =>
      store.use('readonly', (s) => {
        const keys = s.getAllKeys(STATE())
        const values = s.getAll(STATE())
        return done(s).then(() => keys.result.map((key, i): [string, unknown] => [String(key).slice(2), values.result[i]]))
      }),
    lease: (owner, until) =>
      store.use('readwrite', (s) => {
        let taken = false
        const current = s.get(LEASE_KEY)
        current.onsuccess = () => {
          const lease = current.result as { owner: string; until: number; length?: number } | undefined
          if (until === 0) {
            if (lease?.owner === owner) s.delete(LEASE_KEY)
            return
          }
          const now = Date.now()
          // More time left than the lease was taken for: written before the wall clock stepped
          // back (NTP, a restored VM), so as good as expired.
          if (!lease || lease.owner === owner || lease.until < now || lease.until - now > (lease.length ?? Infinity) + 1000) {
            s.put({ owner, until, length: until - now }, LEASE_KEY)
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

/** Keeps everything in this page's memory: used when IndexedDB cannot be. */
export function memoryStorage(): QueueStorage {
  // Map iteration follows insertion order; order keys are inserted in tracking order.
  let events = new Map<string, string>()
  let state = new Map<string, unknown>()
  let dropped = 0
  return {
    persistent: false,
    async write(added, changes, maxEvents, alsoDropped = 0) {
      for (const [key, json] of added) events.set(key, json)
      for (const [name, value] of changes) value === undefined ? state.delete(name) : state.set(name, value)
      let trimmed = 0
      for (const key of events.keys()) {
        if (events.size <= maxEvents) break
        events.delete(key)
        trimmed++
      }
      dropped += trimmed + alsoDropped
      return trimmed
    },
    read: async (limit) => ({ events: [...events].slice(0, limit), dropped }),
    async remove(keys, reported = 0) {
      for (const key of keys) events.delete(key)
      dropped = Math.max(0, dropped - reported)
    },
    readState: async () => [...state],
    lease: async () => true,
    async destroy() {
      events = new Map()
      state = new Map()
      dropped = 0
    },
  }
}

/**
 * IndexedDB when it works; otherwise memory, said once. A failed call gets one retry on a freshly
 * opened connection (WebKit drops connections of background tabs; Firefox can wedge after a quota
 * error until reopened); if that fails too, this page switches to memory for good and the call is
 * served from memory, so the events of a failed write are not lost.
 */
export function resilientStorage(onFallback: (error: unknown) => void): QueueStorage {
  const memory = memoryStorage()
  let current: QueueStorage = memory
  // After destroy() (consent denied) nothing may open the database again, not even the answer of a
  // request that was on its way: every call is served by the emptied memory store.
  let destroyed = false
  try {
    if (typeof indexedDB !== 'undefined' && indexedDB) current = indexedDBStorage()
    else onFallback(new Error('IndexedDB is not available'))
  } catch (error) {
    onFallback(error)
  }
  const run = <K extends Exclude<keyof QueueStorage, 'persistent' | 'destroy'>>(
    method: K,
    args: Parameters<QueueStorage[K]>,
  ): ReturnType<QueueStorage[K]> => {
    const call = (storage: QueueStorage) => (storage[method] as (...a: unknown[]) => Promise<unknown>)(...args)
    const attempt = destroyed ? memory : current
    return call(attempt)
      .catch((error: unknown) => {
        if (destroyed) return call(memory)
        if (attempt === memory) throw error
        current = indexedDBStorage()
        return call(current)
      })
      .catch((error: unknown) => {
        if (destroyed) return call(memory)
        if (current !== memory) {
          current = memory
          onFallback(error)
        }
        return call(memory)
      }) as ReturnType<QueueStorage[K]>
  }
  return {
    get persistent() {
      return current.persistent
    },
    write: (...args) => run('write', args),
    read: (...args) => run('read', args),
    remove: (...args) => run('remove', args),
    readState: (...args) => run('readState', args),
    lease: (...args) => run('lease', args),
    // Both: events may sit in memory after a fallback, and in IndexedDB from earlier pages.
    destroy() {
      destroyed = true
      // The database goes even when this page fell back to memory: earlier pages stored there.
      const database = current !== memory ? current : typeof indexedDB !== 'undefined' && indexedDB ? indexedDBStorage() : undefined
      // A failed deletion rejects: the caller reports it.
      return Promise.all([memory.destroy(), database?.destroy()]).then(() => {})
    },
  }
}
