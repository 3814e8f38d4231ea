/**
 * Where queued events and the journey's state live between page loads: IndexedDB through
 * idb-keyval, behind a small interface so that a memory store can take over when IndexedDB is
 * missing, blocked or failing.
 *
 * One database, one object store. Events belong to the journey (endpoint) that tracked them, so
 * the queue is scoped by endpoint (queue/scope.ts); the visitor's state is shared by every journey
 * of the site:
 * - `['q', endpoint, orderKey]` → the event, serialized to a JSON string when it was queued (so a
 *   bad event can never fail later at send time). Order keys sort in the order events were tracked.
 * - `['d', endpoint]` → events dropped and not yet reported in a delivered batch.
 * - `['l', endpoint]` → the sending lease (`{ owner, until, length }`), where Web Locks are missing or refused.
 * - `s:<name>` → a state value (anonymous id, session, phase state, first touch, …).
 *
 * Before scopes, events were `q:<orderKey>` and the count `d:dropped`: the first journey to read
 * the queue adopts them (they were bound for whichever journey sent first then, too).
 */
import { promisifyRequest, type UseStore } from 'idb-keyval'
import type { QueueScope } from './queue/scope'

/** A stored event: its order key and its JSON. */
export type StoredEvent = [key: string, json: string]

/** What a write did: how many of the oldest events it trimmed, and whether it reached IndexedDB. */
export interface Written {
  trimmed: number
  /** false when it ended in memory (no IndexedDB, or a write refused for quota). */
  durable: boolean
}

export interface QueueStorage {
  /** false for the memory store. */
  readonly persistent: boolean
  /**
   * Stores events and state changes in one transaction, then trims the queue to `maxEvents` by
   * deleting the oldest. The number trimmed (plus `alsoDropped`, events lost before they could be
   * stored) is added to the stored `dropped` count in the same transaction, so that tabs never
   * overwrite each other's count. Resolves with how many were trimmed and whether the write is
   * durable (in IndexedDB).
   */
  write(events: StoredEvent[], state: Array<[string, unknown]>, maxEvents: number, alsoDropped?: number): Promise<Written>
  /**
   * Stores what an earlier page journaled on its way out (queue/journal.ts): like `write`. The
   * journaled state overwrites what is stored (it was changed after the page's last committed
   * write), and an undefined value deletes.
   */
  restore(events: StoredEvent[], state: Array<[string, unknown]>, maxEvents: number): Promise<Written>
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
  /** Deletes everything, of every journey (consent denied). */
  destroy(): Promise<void>
}

const DB_NAME = 'journeykit'
const STORE_NAME = 'journeykit'
const OPEN_TIMEOUT = 3000
const STATE = (): IDBKeyRange => IDBKeyRange.bound('s:', 's;', false, true)
/** The queue before scopes: `q:<orderKey>` strings. */
const LEGACY_QUEUE = (): IDBKeyRange => IDBKeyRange.bound('q:', 'q;', false, true)
const LEGACY_DROPPED = 'd:dropped'

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
  const orderKey = (key: IDBValidKey): string => String((key as string[])[2])

  /** Puts events and state, trims to `maxEvents`, counts what was trimmed; resolves with that. */
  const put = (events: StoredEvent[], state: Array<[string, unknown]>, maxEvents: number, alsoDropped: number) =>
    store.use('readwrite', (s) => {
      for (const [key, json] of events) s.put(json, scope.queueKey(key))
      for (const [name, value] of state) {
        if (value === undefined) s.delete('s:' + name)
        else s.put(value, 's:' + name)
      }
      let trimmed = 0
      const counting = s.count(scope.queueRange())
      counting.onsuccess = () => {
        trimmed = Math.max(0, counting.result - maxEvents)
        addDropped(s, scope.droppedKey, trimmed + alsoDropped)
        if (!trimmed) return
        const oldest = s.getAllKeys(scope.queueRange(), trimmed)
        oldest.onsuccess = () => oldest.result.forEach((key) => s.delete(key))
      }
      return done(s).then((): Written => ({ trimmed, durable: true }))
    })

  /** Moves the queue stored before scopes into this journey's: one transaction, so only one journey gets it. */
  const adoptLegacy = () =>
    store.use('readwrite', (s) => {
      const keys = s.getAllKeys(LEGACY_QUEUE())
      const values = s.getAll(LEGACY_QUEUE())
      const dropped = s.get(LEGACY_DROPPED)
      // The last request: the others' results are in by now.
      dropped.onsuccess = () => {
        values.result.forEach((json, i) => s.put(json, scope.queueKey(String(keys.result[i]).slice(2))))
        s.delete(LEGACY_QUEUE())
        addDropped(s, scope.droppedKey, (dropped.result as number) || 0)
        s.delete(LEGACY_DROPPED)
      }
      return done(s)
    })

  const read = (limit: number): Promise<{ events: StoredEvent[]; dropped: number; legacy: boolean }> =>
    store.use('readonly', (s) => {
      const keys = s.getAllKeys(scope.queueRange(), limit)
      const values = s.getAll(scope.queueRange(), limit)
      const dropped = s.get(scope.droppedKey)
      const legacy = s.count(LEGACY_QUEUE())
      return done(s).then(() => ({
        events: keys.result.map((key, i): StoredEvent => [orderKey(key), values.result[i] as string]),
        dropped: (dropped.result as number) || 0,
        legacy: legacy.result > 0,
      }))
    })

  return {
    persistent: true,
    write: (events, state, maxEvents, alsoDropped = 0) => put(events, state, maxEvents, alsoDropped),
    restore: (events, state, maxEvents) => put(events, state, maxEvents, 0),
    read: (limit) =>
      read(limit).then(({ events, dropped, legacy }) => (legacy ? adoptLegacy().then(() => read(limit)) : { events, dropped }))
        .then(({ events, dropped }) => ({ events, dropped })),
    remove: (keys, reported = 0) =>
      store.use('readwrite', (s) => {
        for (const key of keys) s.delete(scope.queueKey(key))
        addDropped(s, scope.droppedKey, -reported)
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

/** Keeps everything in this page's memory: used when IndexedDB cannot be. */
export function memoryStorage(): QueueStorage {
  // Map iteration follows insertion order; order keys are inserted in tracking order.
  let events = new Map<string, string>()
  let state = new Map<string, unknown>()
  let dropped = 0
  const write = async (added: StoredEvent[], changes: Array<[string, unknown]>, maxEvents: number, alsoDropped = 0) => {
    for (const [key, json] of added) events.set(key, json)
    for (const [name, value] of changes) value === undefined ? state.delete(name) : state.set(name, value)
    let trimmed = 0
    for (const key of events.keys()) {
      if (events.size <= maxEvents) break
      events.delete(key)
      trimmed++
    }
    dropped += trimmed + alsoDropped
    return { trimmed, durable: false }
  }
  return {
    persistent: false,
    write,
    restore: (added, changes, maxEvents) => write(added, changes, maxEvents, 0),
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

/** Calls that store something: under a full quota they fail while reads and deletes still work. */
type WriteCall = 'write' | 'restore' | 'lease'
type ReadCall = 'read' | 'remove' | 'readState'

/**
 * IndexedDB when it works; otherwise memory, said once. A failed call gets one retry on a freshly
 * opened connection (WebKit drops connections of background tabs; Firefox can wedge after a quota
 * error until reopened).
 *
 * What fails after that decides what happens:
 * - a write refused for quota (a full origin: QuotaExceededError) is served from memory, so its
 *   events are not lost, and IndexedDB stays in use: what is already stored is still read, sent
 *   and deleted, and the next write tries IndexedDB again (delivering frees space). Reads merge
 *   both stores. `onWriteFailed` is told (every time: the reporter says it once).
 * - anything else (opening fails or never settles, a read or delete fails, a write aborts for
 *   another reason): IndexedDB is unusable, this page switches to memory for good and
 *   `onFallback` is told, once.
 */
export function resilientStorage(
  scope: QueueScope,
  onFallback: (error: unknown) => void,
  onWriteFailed: (error: unknown) => void = onFallback,
): QueueStorage {
  const memory = memoryStorage()
  let database: QueueStorage | undefined
  // After destroy() (consent denied) nothing may open the database again, not even the answer of a
  // request that was on its way: every call is served by the emptied memory store.
  let destroyed = false
  try {
    if (typeof indexedDB !== 'undefined' && indexedDB) database = indexedDBStorage(scope)
    else onFallback(new Error('IndexedDB is not available'))
  } catch (error) {
    onFallback(error)
  }
  type Answer = Promise<any>
  const call = (storage: QueueStorage, method: WriteCall | ReadCall, args: unknown[]): Answer =>
    (storage[method] as (...a: unknown[]) => Answer)(...args)

  /** Runs `method` on IndexedDB with one retry on a new connection; undefined when there is none. */
  const onDatabase = (method: WriteCall | ReadCall, args: unknown[]): Answer | undefined => {
    const attempt = database
    if (!attempt || destroyed) return undefined
    return call(attempt, method, args).catch((error: unknown) => {
      if (destroyed || !database) throw error
      if (database === attempt) database = indexedDBStorage(scope)
      return call(database, method, args)
    })
  }

  /** IndexedDB is unusable: memory for good, said once. */
  const abandon = (error: unknown): void => {
    if (destroyed || !database) return
    database = undefined
    onFallback(error)
  }

  /**
   * A write: IndexedDB, else memory. A full origin leaves reads and deletes working, so they go
   * on using IndexedDB; any other failure means IndexedDB is unusable.
   */
  const write = (method: WriteCall, args: unknown[]): Answer =>
    (onDatabase(method, args) ?? call(memory, method, args)).catch((error: unknown) => {
      if ((error as DOMException | null)?.name !== 'QuotaExceededError') abandon(error)
      else if (!destroyed && database) onWriteFailed(error)
      return call(memory, method, args)
    })

  /** A read or delete: IndexedDB and memory (which holds what could not be written), or memory alone for good. */
  const both = (method: ReadCall, args: unknown[], merge: (stored: any) => Answer): Answer => {
    const stored = onDatabase(method, args)
    if (!stored) return call(memory, method, args)
    return stored.then(merge, (error: unknown) => {
      abandon(error)
      return call(memory, method, args)
    })
  }

  return {
    get persistent() {
      return !!database && !destroyed
    },
    write: (...args) => write('write', args),
    restore: (...args) => write('restore', args),
    lease: (...args) => write('lease', args),
    read: (limit) =>
      both('read', [limit], async (stored: { events: StoredEvent[]; dropped: number }) => {
        const kept = await memory.read(limit)
        if (!kept.events.length && !kept.dropped) return stored
        // Order keys sort in tracking order, in both stores.
        const events = [...stored.events, ...kept.events].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, limit)
        return { events, dropped: stored.dropped + kept.dropped }
      }),
    async remove(keys, reported = 0) {
      // The dropped count reported was the sum of both stores': memory's share first.
      const inMemory = Math.min(reported, (await memory.read(0)).dropped)
      await memory.remove(keys, inMemory)
      return both('remove', [keys, reported - inMemory], async () => {})
    },
    readState: () =>
      both('readState', [], async (stored: Array<[string, unknown]>) => {
        const kept = await memory.readState()
        return kept.length ? [...new Map([...stored, ...kept])] : stored
      }),
    destroy() {
      destroyed = true
      // The database goes even when this page fell back to memory: earlier pages stored there.
      const stored = database ?? (typeof indexedDB !== 'undefined' && indexedDB ? indexedDBStorage(scope) : undefined)
      database = undefined
      // A failed deletion rejects: the caller reports it.
      return Promise.all([memory.destroy(), stored?.destroy()]).then(() => {})
    },
  }
}
