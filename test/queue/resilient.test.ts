/**
 * The resilient queue storage (src/queue/resilient.ts): IndexedDB when it works, one retry on a
 * new connection, memory beside it for writes refused for quota, and memory for good (said once)
 * when IndexedDB is unusable.
 */
import { describe, expect, test, vi } from 'vitest'
import { indexedDBStorage } from '../../src/queue/indexeddb'
import { resilientStorage } from '../../src/queue/resilient'
import { DB_NAME, TEST_SCOPE, databaseNames, failEventWrites, namedRows, openHangs, openThrows, readDatabase, removeIndexedDB, useFreshStorage } from '../helpers/storage'
import { useFakeClock } from '../helpers/time'

useFreshStorage()

const scope = TEST_SCOPE
const rows = namedRows

describe('resilientStorage', () => {
  test('uses IndexedDB when it works, without a word', async () => {
    const fallback = vi.fn()
    const storage = resilientStorage(scope, fallback)
    await storage._write_(rows('a'), [], 10)
    expect(storage._persistent_).toBe(true)
    expect((await readDatabase())?.queue).toHaveLength(1)
    expect(fallback).not.toHaveBeenCalled()
  })

  test('without indexedDB: memory, said once', async () => {
    removeIndexedDB()
    const fallback = vi.fn()
    const storage = resilientStorage(scope, fallback)
    await storage._write_(rows('a'), [['k', 1]], 10)
    await storage._write_(rows('b'), [], 10)
    expect(storage._persistent_).toBe(false)
    expect((await storage._read_(10))._events_).toEqual(rows('a', 'b'))
    expect(fallback).toHaveBeenCalledTimes(1)
  })

  test('open() throwing synchronously: memory, said once, nothing thrown', async () => {
    openThrows()
    const fallback = vi.fn()
    const storage = resilientStorage(scope, fallback)
    let state: Promise<unknown> | undefined
    expect(() => (state = storage._readState_())).not.toThrow()
    await expect(state).resolves.toEqual([])
    await storage._write_(rows('a'), [], 10)
    expect(storage._persistent_).toBe(false)
    expect((await storage._read_(10))._events_).toEqual(rows('a'))
    expect(fallback).toHaveBeenCalledTimes(1)
  })

  test('open() never settling: memory after the timeout', async () => {
    useFakeClock()
    openHangs()
    const fallback = vi.fn()
    const storage = resilientStorage(scope, fallback)
    const writing = storage._write_(rows('a'), [], 10)
    await vi.advanceTimersByTimeAsync(7000)
    await expect(writing).resolves.toEqual({ _trimmed_: 0, _durable_: false })
    expect(storage._persistent_).toBe(false)
    expect(fallback).toHaveBeenCalledTimes(1)
    expect((await storage._read_(10))._events_).toEqual(rows('a'))
  })

  test('a database of that name without the store (idb-keyval #178): memory, said once', async () => {
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1)
      request.onupgradeneeded = () => request.result.createObjectStore('something-else')
      request.onsuccess = () => (request.result.close(), resolve())
      request.onerror = () => reject(request.error)
    })
    const fallback = vi.fn()
    const storage = resilientStorage(scope, fallback)
    await storage._write_(rows('a'), [], 10)
    expect((await storage._read_(10))._events_).toEqual(rows('a'))
    expect(fallback).toHaveBeenCalledTimes(1)
    expect(storage._persistent_).toBe(false)
  })

  test('one failed call is retried on a new connection and IndexedDB stays in use', async () => {
    const failing = failEventWrites('quota', 1)
    const fallback = vi.fn()
    const storage = resilientStorage(scope, fallback)
    await storage._write_(rows('a'), [], 10)
    expect(failing.failed()).toBe(1)
    expect(storage._persistent_).toBe(true)
    expect(fallback).not.toHaveBeenCalled()
    expect((await readDatabase())?.queue.map(([key]) => key)).toEqual(['a'])
  })

  test('a write refused for quota twice is served from memory: its events are not lost', async () => {
    failEventWrites('quota')
    const fallback = vi.fn()
    const writeFailed = vi.fn()
    const storage = resilientStorage(scope, fallback, writeFailed)
    // In memory, so not durable, though IndexedDB stays in use.
    expect(await storage._write_(rows('a', 'b'), [['anonymousId', 'x']], 10)).toEqual({ _trimmed_: 0, _durable_: false })
    expect(await storage._restore_(rows('c'), [], 10)).toEqual({ _trimmed_: 0, _durable_: false })
    expect(storage._persistent_).toBe(true)
    expect(fallback).not.toHaveBeenCalled()
    expect(writeFailed).toHaveBeenCalledTimes(2)
    expect(writeFailed.mock.calls[0]![0]).toMatchObject({ name: 'QuotaExceededError' })
    expect((await storage._read_(10))._events_).toEqual(rows('a', 'b', 'c'))
    expect(await storage._readState_()).toEqual([['anonymousId', 'x']])
  })

  test('a full origin still reads, sends and deletes what it stored before; later writes try IndexedDB again', async () => {
    const earlier = indexedDBStorage(scope)
    await earlier._write_(rows('old1', 'old2'), [['anonymousId', 'stored']], 100, 1)
    // Both attempts of the next write (the call and its retry) are refused.
    const full = failEventWrites('quota', 2)
    const fallback = vi.fn()
    const storage = resilientStorage(scope, fallback, () => {})
    await storage._write_(rows('new1'), [['session', 'this-page']], 100)
    expect(full.failed()).toBe(2)
    expect(storage._persistent_).toBe(true)
    // Both stores, in order; the dropped counts add up.
    expect(await storage._read_(10)).toEqual({ _events_: rows('new1', 'old1', 'old2'), _dropped_: 1 })
    expect(new Map(await storage._readState_())).toEqual(new Map([['anonymousId', 'stored'], ['session', 'this-page']]))
    await storage._remove_(['old1', 'new1'], 1)
    expect((await readDatabase())?.queue.map(([key]) => key)).toEqual(['old2'])
    expect(await storage._read_(10)).toEqual({ _events_: rows('old2'), _dropped_: 0 })
    expect(fallback).not.toHaveBeenCalled()
    // Space freed: the next write lands in IndexedDB again.
    await storage._write_(rows('later'), [], 100)
    expect((await readDatabase())?.queue.map(([key]) => key)).toEqual(['later', 'old2'])
  })

  test('a read that fails twice: memory for good, said once', async () => {
    const fallback = vi.fn()
    const storage = resilientStorage(scope, fallback, () => {})
    await storage._write_(rows('a'), [], 10)
    vi.spyOn(IDBObjectStore.prototype, 'getAll').mockImplementation(() => {
      throw new DOMException('broken', 'UnknownError')
    })
    expect((await storage._read_(10))._events_).toEqual([])
    expect(storage._persistent_).toBe(false)
    await storage._write_(rows('b'), [], 10)
    expect((await storage._read_(10))._events_).toEqual(rows('b'))
    expect(fallback).toHaveBeenCalledTimes(1)
  })

  test('a rejection with a null error (idb-keyval #163) is handled like any failure', async () => {
    failEventWrites('abort-null')
    const fallback = vi.fn()
    const storage = resilientStorage(scope, fallback)
    await expect(storage._write_(rows('a'), [], 10)).resolves.toEqual({ _trimmed_: 0, _durable_: false })
    expect(storage._persistent_).toBe(false)
    expect(fallback).toHaveBeenCalledTimes(1)
    expect((await storage._read_(10))._events_).toEqual(rows('a'))
  })

  test('destroy deletes the database and what memory holds', async () => {
    const storage = resilientStorage(scope, () => {})
    await storage._write_(rows('a'), [['k', 1]], 10)
    expect(await databaseNames()).toEqual([DB_NAME])
    await storage._destroy_()
    expect(await databaseNames()).toEqual([])
  })
})
