/** The connection to journeykit's database (src/queue/connection.ts), on fake-indexeddb. */
import { forceCloseDatabase } from 'fake-indexeddb'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { DB_NAME, OPEN_TIMEOUT, openStore, withTimeout } from '../../src/queue/connection'
import { freshIndexedDB, openHangs, openThrows, restoreStorage } from '../helpers/storage'
import { idle } from '../helpers/time'

beforeEach(() => freshIndexedDB())
afterEach(() => {
  vi.useRealTimers()
  restoreStorage()
})

const put = (store: ReturnType<typeof openStore>, key: string, value: unknown) =>
  store._use_('readwrite', (s) => (s.put(value, key), new Promise<void>((resolve) => (s.transaction.oncomplete = () => resolve()))))
const get = (store: ReturnType<typeof openStore>, key: string) =>
  store._use_('readonly', (s) => new Promise((resolve) => (s.get(key).onsuccess = (event) => resolve((event.target as IDBRequest).result))))

test('creates the database and its store on first use, and keeps one connection', async () => {
  const open = vi.spyOn(indexedDB, 'open')
  const store = openStore()
  await put(store, 'k', 1)
  expect(await get(store, 'k')).toBe(1)
  expect(open).toHaveBeenCalledTimes(1)
  expect(open).toHaveBeenCalledWith(DB_NAME)
})

test("another tab's deletion is not blocked: the connection closes on versionchange, and the next use reopens", async () => {
  const store = openStore()
  await put(store, 'k', 1)
  await new Promise<void>((resolve, reject) => {
    const deletion = indexedDB.deleteDatabase(DB_NAME)
    deletion.onsuccess = () => resolve()
    deletion.onblocked = () => reject(new Error('blocked'))
  })
  expect(await get(store, 'k')).toBeUndefined()
})

test('a connection the browser closed on its own is reopened', async () => {
  const store = openStore()
  await put(store, 'k', 1)
  const connection = await store._use_('readonly', (s) => Promise.resolve(s.transaction.db))
  forceCloseDatabase(connection as never) // its type says the class; it takes a connection
  await idle(5)
  expect(await get(store, 'k')).toBe(1)
})

test('an open that throws, or never settles, is a rejection', async () => {
  openThrows()
  await expect(get(openStore(), 'k')).rejects.toThrow()
  restoreStorage()
  freshIndexedDB()
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  openHangs()
  const use = get(openStore(), 'k')
  const failed = expect(use).rejects.toThrow(`Opening IndexedDB did not finish within ${OPEN_TIMEOUT} ms`)
  await vi.advanceTimersByTimeAsync(OPEN_TIMEOUT)
  await failed
})

test('withTimeout passes a settled promise through, and gives up on one that does not settle', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  await expect(withTimeout(Promise.resolve(7), 10, 'x')).resolves.toBe(7)
  await expect(withTimeout(Promise.reject(new Error('no')), 10, 'x')).rejects.toThrow('no')
  const never = withTimeout(new Promise(() => {}), 10, 'Waiting')
  const failed = expect(never).rejects.toThrow('Waiting did not finish within 10 ms')
  await vi.advanceTimersByTimeAsync(10)
  await failed
})
