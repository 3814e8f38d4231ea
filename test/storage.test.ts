/**
 * The queue's storage: IndexedDB through idb-keyval (on fake-indexeddb), the memory store, and
 * the resilient wrapper that reopens once and otherwise falls back to memory.
 */
import { forceCloseDatabase } from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { indexedDBStorage, memoryStorage, resilientStorage, type QueueStorage, type StoredEvent } from '../src/storage'
import {
  DB_NAME,
  countTransactions,
  databaseNames,
  failEventWrites,
  freshIndexedDB,
  openHangs,
  openThrows,
  readDatabase,
  removeIndexedDB,
  restoreStorage,
} from './helpers/storage'
import { idle, useFakeClock } from './helpers/time'

beforeEach(() => {
  freshIndexedDB()
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  restoreStorage()
})

const rows = (...names: string[]): StoredEvent[] => names.map((name) => [name, JSON.stringify({ name })])

/** The same behaviour is expected of both stores. */
describe.each([
  ['indexedDBStorage', indexedDBStorage],
  ['memoryStorage', memoryStorage],
])('%s', (_, create: () => QueueStorage) => {
  test('reads events back oldest first (by order key), at most `limit`', async () => {
    const storage = create()
    await storage.write(rows('k3', 'k1', 'k2'), [], 100)
    expect(storage.persistent).toBe(create === indexedDBStorage)
    const all = await storage.read(10)
    expect(all.dropped).toBe(0)
    if (create === indexedDBStorage) expect(all.events.map(([key]) => key)).toEqual(['k1', 'k2', 'k3'])
    else expect(all.events.map(([key]) => key)).toEqual(['k3', 'k1', 'k2']) // insertion order = tracking order
    expect((await storage.read(2)).events).toHaveLength(2)
  })

  test('stores state beside events without mixing them up', async () => {
    const storage = create()
    await storage.write(rows('a'), [['anonymousId', 'anon-1'], ['session', { id: 's', count: 2 }]], 100)
    await storage.write([], [['session', undefined]], 100)
    expect(await storage.readState()).toEqual([['anonymousId', 'anon-1']])
    expect((await storage.read(10)).events).toEqual(rows('a'))
  })

  test('trims the oldest beyond maxEvents and counts them as dropped, with events lost earlier', async () => {
    const storage = create()
    expect(await storage.write(rows('e1', 'e2', 'e3'), [], 5)).toBe(0)
    expect(await storage.write(rows('e4', 'e5', 'e6', 'e7'), [], 5, 3)).toBe(2)
    const { events, dropped } = await storage.read(10)
    expect(events.map(([key]) => key)).toEqual(['e3', 'e4', 'e5', 'e6', 'e7'])
    expect(dropped).toBe(5)
  })

  test('remove deletes delivered events and subtracts the dropped count they carried', async () => {
    const storage = create()
    await storage.write(rows('a', 'b', 'c'), [], 100, 4)
    await storage.remove(['a', 'c'], 4)
    expect(await storage.read(10)).toEqual({ events: rows('b'), dropped: 0 })
    await storage.remove(['missing'], 0)
    expect((await storage.read(10)).events).toEqual(rows('b'))
  })

  test('destroy forgets everything', async () => {
    const storage = create()
    await storage.write(rows('a'), [['anonymousId', 'x']], 100, 1)
    await storage.destroy()
    const fresh = create === indexedDBStorage ? create() : storage
    expect(await fresh.read(10)).toEqual({ events: [], dropped: 0 })
    expect(await fresh.readState()).toEqual([])
  })
})

describe('indexedDBStorage', () => {
  test('one write is one readwrite transaction, whatever it carries', async () => {
    const storage = indexedDBStorage()
    await storage.readState()
    const transactions = countTransactions()
    await storage.write(rows(...Array.from({ length: 500 }, (_, i) => `k${String(i).padStart(4, '0')}`)), [['a', 1], ['b', 2]], 10_000, 1)
    expect(transactions.readwrite()).toBe(1)
    expect((await readDatabase())?.queue).toHaveLength(500)
  })

  test('uses its own database and store, with q:, s: and d: keys', async () => {
    const storage = indexedDBStorage()
    await storage.write(rows('k1'), [['anonymousId', 'x']], 10, 2)
    expect(await databaseNames()).toEqual([DB_NAME])
    expect((await readDatabase())?.keys.sort()).toEqual(['d:dropped', 'q:k1', 's:anonymousId'])
  })

  test('the sending lease: taken when free, renewed by its owner, refused to others until it expires', async () => {
    useFakeClock()
    const a = indexedDBStorage()
    const b = indexedDBStorage()
    const now = Date.now()
    expect(await a.lease('tab-a', now + 10_000)).toBe(true)
    expect(await b.lease('tab-b', now + 10_000)).toBe(false)
    expect(await a.lease('tab-a', now + 20_000)).toBe(true)
    vi.setSystemTime(now + 20_001)
    expect(await b.lease('tab-b', Date.now() + 10_000)).toBe(true)
    // Only the owner releases it.
    expect(await a.lease('tab-a', 0)).toBe(false)
    expect(await a.lease('tab-a', Date.now() + 1)).toBe(false)
    await b.lease('tab-b', 0)
    expect(await a.lease('tab-a', Date.now() + 10_000)).toBe(true)
  })

  test('closes its connection for another tab deleting the database (not blocked)', async () => {
    const storage = indexedDBStorage()
    await storage.write(rows('a'), [], 10)
    let blocked = false
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(DB_NAME)
      request.onblocked = () => (blocked = true)
      request.onsuccess = () => resolve()
      request.onerror = () => reject(request.error)
    })
    expect(blocked).toBe(false)
    expect(await databaseNames()).toEqual([])
  })

  test('lets a newer version upgrade the database, then keeps working', async () => {
    const storage = indexedDBStorage()
    await storage.write(rows('a'), [], 10)
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 5)
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    upgraded.close()
    await storage.write(rows('b'), [], 10)
    expect((await storage.read(10)).events.map(([key]) => key)).toEqual(['a', 'b'])
  })

  test('reopens after the browser closed its connection (Safari, DevTools, forceCloseDatabase)', async () => {
    const connections: IDBDatabase[] = []
    const transaction = IDBDatabase.prototype.transaction
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args) {
      if (!connections.includes(this)) connections.push(this)
      return transaction.apply(this, args)
    })
    const storage = indexedDBStorage()
    await storage.write(rows('a'), [], 10)
    forceCloseDatabase(connections[0]! as never) // its type says the class; it takes a connection
    await idle(5)
    await storage.write(rows('b'), [], 10)
    expect((await storage.read(10)).events.map(([key]) => key)).toEqual(['a', 'b'])
    expect(connections.length).toBe(2)
  })

  test('an open() that never settles is given up after 3 s', async () => {
    useFakeClock()
    openHangs()
    const storage = indexedDBStorage()
    const reading = storage.read(10)
    let error: unknown
    reading.catch((e: unknown) => (error = e))
    await vi.advanceTimersByTimeAsync(2999)
    expect(error).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(String(error)).toMatch(/3000 ms/)
  })

  test('a throwing open() rejects the call instead of throwing', async () => {
    openThrows()
    const storage = indexedDBStorage()
    let result: Promise<unknown> | undefined
    expect(() => (result = storage.read(10))).not.toThrow()
    await expect(result).rejects.toThrow()
  })
})

describe('resilientStorage', () => {
  test('uses IndexedDB when it works, without a word', async () => {
    const fallback = vi.fn()
    const storage = resilientStorage(fallback)
    await storage.write(rows('a'), [], 10)
    expect(storage.persistent).toBe(true)
    expect((await readDatabase())?.queue).toHaveLength(1)
    expect(fallback).not.toHaveBeenCalled()
  })

  test('without indexedDB: memory, said once', async () => {
    removeIndexedDB()
    const fallback = vi.fn()
    const storage = resilientStorage(fallback)
    await storage.write(rows('a'), [['k', 1]], 10)
    await storage.write(rows('b'), [], 10)
    expect(storage.persistent).toBe(false)
    expect((await storage.read(10)).events).toEqual(rows('a', 'b'))
    expect(fallback).toHaveBeenCalledTimes(1)
  })

  test('open() throwing synchronously: memory, said once, nothing thrown', async () => {
    openThrows()
    const fallback = vi.fn()
    const storage = resilientStorage(fallback)
    let state: Promise<unknown> | undefined
    expect(() => (state = storage.readState())).not.toThrow()
    await expect(state).resolves.toEqual([])
    await storage.write(rows('a'), [], 10)
    expect(storage.persistent).toBe(false)
    expect((await storage.read(10)).events).toEqual(rows('a'))
    expect(fallback).toHaveBeenCalledTimes(1)
  })

  test('open() never settling: memory after the timeout', async () => {
    useFakeClock()
    openHangs()
    const fallback = vi.fn()
    const storage = resilientStorage(fallback)
    const writing = storage.write(rows('a'), [], 10)
    await vi.advanceTimersByTimeAsync(7000)
    await expect(writing).resolves.toBe(0)
    expect(storage.persistent).toBe(false)
    expect(fallback).toHaveBeenCalledTimes(1)
    expect((await storage.read(10)).events).toEqual(rows('a'))
  })

  test('a database of that name without the store (idb-keyval #178): memory, said once', async () => {
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1)
      request.onupgradeneeded = () => request.result.createObjectStore('something-else')
      request.onsuccess = () => (request.result.close(), resolve())
      request.onerror = () => reject(request.error)
    })
    const fallback = vi.fn()
    const storage = resilientStorage(fallback)
    await storage.write(rows('a'), [], 10)
    expect((await storage.read(10)).events).toEqual(rows('a'))
    expect(fallback).toHaveBeenCalledTimes(1)
    expect(storage.persistent).toBe(false)
  })

  test('one failed call is retried on a new connection and IndexedDB stays in use', async () => {
    const failing = failEventWrites('quota', 1)
    const fallback = vi.fn()
    const storage = resilientStorage(fallback)
    await storage.write(rows('a'), [], 10)
    expect(failing.failed()).toBe(1)
    expect(storage.persistent).toBe(true)
    expect(fallback).not.toHaveBeenCalled()
    expect((await readDatabase())?.queue.map(([key]) => key)).toEqual(['a'])
  })

  test('a call that fails twice is served from memory: its events are not lost', async () => {
    failEventWrites('quota')
    const fallback = vi.fn()
    const storage = resilientStorage(fallback)
    await storage.write(rows('a', 'b'), [['anonymousId', 'x']], 10)
    await storage.write(rows('c'), [], 10)
    expect(storage.persistent).toBe(false)
    expect(fallback).toHaveBeenCalledTimes(1)
    expect(fallback.mock.calls[0]![0]).toMatchObject({ name: 'QuotaExceededError' })
    expect((await storage.read(10)).events).toEqual(rows('a', 'b', 'c'))
    expect(await storage.readState()).toEqual([['anonymousId', 'x']])
  })

  test('a rejection with a null error (idb-keyval #163) is handled like any failure', async () => {
    failEventWrites('abort-null')
    const fallback = vi.fn()
    const storage = resilientStorage(fallback)
    await expect(storage.write(rows('a'), [], 10)).resolves.toBe(0)
    expect(storage.persistent).toBe(false)
    expect(fallback).toHaveBeenCalledTimes(1)
    expect((await storage.read(10)).events).toEqual(rows('a'))
  })

  test('destroy deletes the database and what memory holds', async () => {
    const storage = resilientStorage(() => {})
    await storage.write(rows('a'), [['k', 1]], 10)
    expect(await databaseNames()).toEqual([DB_NAME])
    await storage.destroy()
    expect(await databaseNames()).toEqual([])
  })
})
