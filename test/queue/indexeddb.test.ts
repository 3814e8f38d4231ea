/**
 * The IndexedDB storage of one journey's queue (src/queue/indexeddb.ts), on fake-indexeddb: what
 * it wires from the connection and the record steps into one transaction per call. (The shared
 * QueueStorage behaviour and the scoped record layout are in test/queue/storage.test.ts.)
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { indexedDBStorage } from '../../src/queue/indexeddb'
import { RECORD_EVENTS } from '../../src/queue/records'
import { queueScope } from '../../src/queue/scope'
import type { StoredEvent } from '../../src/queue/store'
import { countTransactions, databaseNames, freshIndexedDB, restoreStorage } from '../helpers/storage'
import { useFakeClock } from '../helpers/time'

beforeEach(() => freshIndexedDB())
afterEach(() => {
  vi.useRealTimers()
  restoreStorage()
})

const scope = queueScope('https://collect.example/e')
const events = (n: number, from = 0): StoredEvent[] =>
  Array.from({ length: n }, (_, i) => [`k${String(from + i).padStart(4, '0')}`, JSON.stringify({ n: from + i })])

test('a read takes only as many records as `limit` needs, and at most `limit` events of them', async () => {
  const storage = indexedDBStorage(scope)
  await storage.write(events(RECORD_EVENTS * 3), [], 10_000, 4)
  expect((await storage.read(RECORD_EVENTS + 1)).events).toEqual(events(RECORD_EVENTS + 1))
  expect((await storage.read(3)).events).toEqual(events(3))
  // No events asked for: only the dropped count.
  expect(await storage.read(0)).toEqual({ events: [], dropped: 4 })
})

test('restore stores the journaled events, deletes the keys noted delivered and trims, in one transaction', async () => {
  const storage = indexedDBStorage(scope)
  await storage.write(events(3), [], 100)
  const transactions = countTransactions()
  const written = await storage.restore(events(2, 3), [['session', 's1']], 10, ['k0000'])
  expect(transactions.readwrite()).toBe(1)
  expect(written).toEqual({ trimmed: 0, durable: true })
  expect((await storage.read(10)).events.map(([key]) => key)).toEqual(['k0001', 'k0002', 'k0003', 'k0004'])
  expect(await storage.readState()).toEqual([['session', 's1']])
  // Over the queue's limit: the oldest go, and count as dropped.
  expect(await storage.restore(events(1, 5), [], 3)).toEqual({ trimmed: 2, durable: true })
  expect(await storage.read(10)).toEqual({ events: events(3, 3), dropped: 2 })
})

test('a state value written as undefined is deleted', async () => {
  const storage = indexedDBStorage(scope)
  await storage.write([], [['userId', 'u1'], ['session', 's1']], 100)
  await storage.write([], [['userId', undefined]], 100)
  expect(await storage.readState()).toEqual([['session', 's1']])
})

test('a lease with more time left than it was taken for (the wall clock stepped back) counts as expired', async () => {
  useFakeClock()
  const a = indexedDBStorage(scope)
  const b = indexedDBStorage(scope)
  const now = Date.now()
  expect(await a.lease('tab-a', now + 10_000)).toBe(true)
  expect(await b.lease('tab-b', now + 10_000)).toBe(false)
  // The clock goes back a minute: tab-a's lease now seems to have 70 s left of a 10 s lease.
  vi.setSystemTime(now - 60_000)
  expect(await b.lease('tab-b', Date.now() + 10_000)).toBe(true)
})

test('destroy closes the connection and deletes the database', async () => {
  const storage = indexedDBStorage(scope)
  await storage.write(events(1), [], 100)
  expect(await databaseNames()).toEqual(['journeykit'])
  await storage.destroy()
  expect(await databaseNames()).toEqual([])
})
