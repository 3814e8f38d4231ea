/**
 * IndexedDB for unit tests: a fresh fake-indexeddb factory per test, a look inside the
 * library's database without keeping a connection open, counters for write transactions, and
 * ways to break IndexedDB the ways browsers do (missing, open throwing, open hanging, writes
 * failing with a quota error or aborting with a null error).
 */
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, beforeEach, vi } from 'vitest'
import { decodeEvents } from '../../src/queue/records'
import { queueScope } from '../../src/queue/scope'
import type { QueueStorage, StoredEvent } from '../../src/queue/store'

export const DB_NAME = 'journeykit'
export const STORE_NAME = 'journeykit'

const undo: Array<() => void> = []

/**
 * A key of queued events: a record `['q', endpoint, firstKey, lastKey, count]`, one event
 * `['q', endpoint, orderKey]` as the previous version stored it, or `q:<orderKey>` as stored
 * before queues were scoped by endpoint.
 */
export function isEventKey(key: unknown): boolean {
  return (typeof key === 'string' && key.startsWith('q:')) || (Array.isArray(key) && key[0] === 'q')
}

function patch<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  const own = Object.getOwnPropertyDescriptor(target, key)
  Object.defineProperty(target, key, { configurable: true, writable: true, value })
  undo.push(() => {
    if (own) Object.defineProperty(target, key, own)
    else delete target[key]
  })
}

/** Undoes every patch made by the helpers in this file. */
export function restoreStorage(): void {
  for (const step of undo.splice(0).reverse()) step()
}

/** The queue scope the storage tests use. */
export const TEST_SCOPE = queueScope('https://collect.example/e')

/** Stored events named `names`, each stored as the JSON of `{ name }`. */
export const namedRows = (...names: string[]): StoredEvent[] => names.map((name) => [name, JSON.stringify({ name })])

/**
 * The storage tests' set-up, called at the top of a test file: each test on a fresh IndexedDB;
 * afterwards real timers, mocks and every patch of this file undone.
 */
export function useFreshStorage(): void {
  beforeEach(() => {
    freshIndexedDB()
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
    restoreStorage()
  })
}

/** A new, empty IndexedDB for this test (the same one for every journey until called again). */
export function freshIndexedDB(): IDBFactory {
  const factory = new IDBFactory()
  patch(globalThis as { indexedDB?: IDBFactory }, 'indexedDB', factory)
  return factory
}

/** Names of the databases that exist. */
export async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((info) => info.name ?? '')
}

export interface Contents {
  /** Stored events in key order: [order key, parsed event]. */
  queue: Array<[string, Record<string, unknown>]>
  state: Record<string, unknown>
  /** Dropped counts of every endpoint, summed. */
  dropped: number
  /** A sending lease (of any endpoint). */
  lease: unknown
  /** Order keys of the stored events by endpoint (`''`: stored before queues were scoped). */
  endpoints: Record<string, string[]>
  /** Every raw key: strings as they are, array keys as JSON. */
  keys: string[]
}

/** Reads the library's database (without creating it) and closes the connection again. */
export async function readDatabase(): Promise<Contents | undefined> {
  if (!(await databaseNames()).includes(DB_NAME)) return undefined
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  try {
    if (!db.objectStoreNames.contains(STORE_NAME)) return { queue: [], state: {}, dropped: 0, lease: undefined, endpoints: {}, keys: [] }
    const tx = db.transaction(STORE_NAME, 'readonly')
    const store = tx.objectStore(STORE_NAME)
    const keys = store.getAllKeys()
    const values = store.getAll()
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve()
      tx.onerror = tx.onabort = () => reject(tx.error)
    })
    const contents: Contents = {
      queue: [],
      state: {},
      dropped: 0,
      lease: undefined,
      endpoints: {},
      keys: keys.result.map((key) => (typeof key === 'string' ? key : JSON.stringify(key))),
    }
    keys.result.forEach((key, i) => {
      const value = values.result[i]
      // Scoped keys are ['q' | 'd' | 'l', endpoint, …]; the unscoped ones 'q:…', 'd:dropped', 'l:lease'.
      const [kind, endpoint, orderKey] = Array.isArray(key) ? (key as string[]) : [String(key).slice(0, 1), '', String(key).slice(2)]
      if (String(key).startsWith('s:')) contents.state[String(key).slice(2)] = value
      else if (kind === 'q') {
        // A record of several events (`orderKey json` lines), or one event's JSON.
        const events = Array.isArray(key) && key.length === 5 ? decodeEvents(value as string) : [[orderKey!, value as string] as const]
        for (const [eventKey, json] of events) {
          contents.queue.push([eventKey, JSON.parse(json) as Record<string, unknown>])
          ;(contents.endpoints[endpoint!] ??= []).push(eventKey)
        }
      } else if (kind === 'd') contents.dropped += value as number
      else if (kind === 'l') contents.lease = value
    })
    contents.queue.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    return contents
  } finally {
    db.close()
  }
}

/**
 * Counts IndexedDB transactions from now on: `readwrite` ones, and those that stored new events
 * (a `put` of a queue key before any deletion in the transaction: deleting delivered events
 * rewrites the records that keep some, which is not storing events).
 */
export function countTransactions() {
  const readwrite: IDBTransaction[] = []
  const eventWrites = new Set<IDBTransaction>()
  const deleting = new WeakSet<IDBTransaction>()
  const transaction = IDBDatabase.prototype.transaction
  patch(IDBDatabase.prototype, 'transaction', function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const tx = transaction.apply(this, args)
    if (args[1] === 'readwrite') readwrite.push(tx)
    return tx
  } as IDBDatabase['transaction'])
  const put = IDBObjectStore.prototype.put
  patch(IDBObjectStore.prototype, 'put', function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    if (isEventKey(key) && !deleting.has(this.transaction)) eventWrites.add(this.transaction)
    return put.call(this, value, key)
  } as IDBObjectStore['put'])
  const remove = IDBObjectStore.prototype.delete
  patch(IDBObjectStore.prototype, 'delete', function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
    if (isEventKey(key) && !eventWrites.has(this.transaction)) deleting.add(this.transaction)
    return remove.call(this, key)
  } as IDBObjectStore['delete'])
  return {
    readwrite: () => readwrite.length,
    eventWrites: () => eventWrites.size,
  }
}

/** No IndexedDB at all (Firefox private windows of old, `dom.indexedDB.enabled=false`). */
export function removeIndexedDB(): void {
  patch(globalThis as { indexedDB?: IDBFactory }, 'indexedDB', undefined)
}

/** `indexedDB.open()` throws (Firefox private mode: InvalidStateError). Returns the call count. */
export function openThrows(error: unknown = new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError')) {
  let calls = 0
  const factory = freshIndexedDB()
  patch(factory, 'open', (() => {
    calls++
    throw error
  }) as IDBFactory['open'])
  return { calls: () => calls }
}

/** `indexedDB.open()` returns a request that never settles (Safari 14, WebKit bug 226547). */
export function openHangs() {
  let calls = 0
  const factory = freshIndexedDB()
  patch(factory, 'open', (() => {
    calls++
    return {
      result: undefined,
      error: null,
      readyState: 'pending',
      onsuccess: null,
      onerror: null,
      onupgradeneeded: null,
      onblocked: null,
      addEventListener() {},
      removeEventListener() {},
    } as unknown as IDBOpenDBRequest
  }) as IDBFactory['open'])
  return { calls: () => calls }
}

/**
 * Writes of events fail: every `put` of an event key aborts its transaction, which then rejects
 * with a `QuotaExceededError` (`'quota'`, as a full origin does) or with a null error
 * (`'abort-null'`, idb-keyval #163).
 * `times` limits how many writes fail (all by default). Returns how many failed.
 */
export function failEventWrites(kind: 'quota' | 'abort-null' = 'quota', times = Infinity) {
  let failed = 0
  const failedTransactions = new Set<IDBTransaction>()
  const put = IDBObjectStore.prototype.put
  patch(IDBObjectStore.prototype, 'put', function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    const isEvent = isEventKey(key)
    if (isEvent && (failedTransactions.has(this.transaction) || failed < times)) {
      if (!failedTransactions.has(this.transaction)) {
        failedTransactions.add(this.transaction)
        failed++
      }
      const request = put.call(this, value, key)
      if (kind === 'quota') {
        // A full origin, as browsers report it: the request is taken, then the transaction aborts
        // with the quota's error.
        const transaction = this.transaction
        const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
        Object.defineProperty(transaction, 'error', { configurable: true, get: () => quota, set() {} })
        request.addEventListener('success', () => {
          try {
            transaction.abort()
          } catch {
            // already aborted
          }
        })
        return request
      }
      try {
        this.transaction.abort()
      } catch {
        // already aborted
      }
      return request
    }
    return put.call(this, value, key)
  } as IDBObjectStore['put'])
  return { failed: () => failed }
}

/**
 * A `QueueStorage` whose calls fail on demand: `fail._write_ = n` makes the next n writes reject
 * with `error`, and so on for each method. Calls are counted.
 */
export function flakyStorage(inner: QueueStorage, error: unknown = new DOMException('The quota has been exceeded.', 'QuotaExceededError')) {
  const fail: Partial<Record<keyof QueueStorage, number>> = {}
  const calls: Partial<Record<keyof QueueStorage, number>> = {}
  const wrap = <K extends Exclude<keyof QueueStorage, '_persistent_'>>(method: K) =>
    ((...args: unknown[]) => {
      calls[method] = (calls[method] ?? 0) + 1
      if ((fail[method] ?? 0) > 0) {
        fail[method]!--
        return Promise.reject(error)
      }
      return (inner[method] as (...a: unknown[]) => Promise<unknown>)(...args)
    }) as QueueStorage[K]
  const storage: QueueStorage = {
    get _persistent_() {
      return inner._persistent_
    },
    _write_: wrap('_write_'),
    _restore_: wrap('_restore_'),
    _read_: wrap('_read_'),
    _remove_: wrap('_remove_'),
    _readState_: wrap('_readState_'),
    _lease_: wrap('_lease_'),
    _destroy_: wrap('_destroy_'),
  }
  return { storage, fail, calls }
}

/** Puts raw `[key, value]` entries in the library's database (creating it), then closes it. */
export async function seedDatabase(entries: Array<[IDBValidKey, unknown]>): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME)
    request.onupgradeneeded = () => request.result.createObjectStore(STORE_NAME)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  try {
    const tx = db.transaction(STORE_NAME, 'readwrite')
    for (const [key, value] of entries) tx.objectStore(STORE_NAME).put(value, key)
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve()
      tx.onerror = tx.onabort = () => reject(tx.error)
    })
  } finally {
    db.close()
  }
}
