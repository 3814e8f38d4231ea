/**
 * The queue's storage in IndexedDB (src/queue/indexeddb.ts) through idb-keyval, on
 * fake-indexeddb: transactions, its database and keys, the lease, connections closed or never
 * opened, and the records that hold a journey's events. What every backend promises is in
 * store.test.ts.
 */
import { forceCloseDatabase } from 'fake-indexeddb'
import { describe, expect, test, vi } from 'vitest'
import { indexedDBStorage } from '../../src/queue/indexeddb'
import { queueScope } from '../../src/queue/scope'
import { RECORD_EVENTS } from '../../src/queue/records'
import type { StoredEvent } from '../../src/queue/store'
import { DB_NAME, TEST_SCOPE, countTransactions, databaseNames, namedRows, openHangs, openThrows, readDatabase, seedDatabase, useFreshStorage } from '../helpers/storage'
import { idle, useFakeClock } from '../helpers/time'

useFreshStorage()

const scope = TEST_SCOPE
const rows = namedRows

describe('indexedDBStorage', () => {
  test('one write is one readwrite transaction, whatever it carries', async () => {
    const storage = indexedDBStorage(scope)
    await storage._readState_()
    const transactions = countTransactions()
    await storage._write_(rows(...Array.from({ length: 500 }, (_, i) => `k${String(i).padStart(4, '0')}`)), [['a', 1], ['b', 2]], 10_000, 1)
    expect(transactions.readwrite()).toBe(1)
    expect((await readDatabase())?.queue).toHaveLength(500)
  })

  test("uses its own database and store: the endpoint's q and d keys, shared s: keys", async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(rows('k1'), [['anonymousId', 'x']], 10, 2)
    expect(await databaseNames()).toEqual([DB_NAME])
    expect((await readDatabase())?.keys.sort()).toEqual(
      [JSON.stringify(['d', scope._endpoint_]), JSON.stringify(['q', scope._endpoint_, 'k1', 'k1', 1]), 's:anonymousId'].sort(),
    )
  })

  test('the sending lease: taken when free, renewed by its owner, refused to others until it expires', async () => {
    useFakeClock()
    const a = indexedDBStorage(scope)
    const b = indexedDBStorage(scope)
    const now = Date.now()
    expect(await a._lease_('tab-a', now + 10_000)).toBe(true)
    expect(await b._lease_('tab-b', now + 10_000)).toBe(false)
    expect(await a._lease_('tab-a', now + 20_000)).toBe(true)
    vi.setSystemTime(now + 20_001)
    expect(await b._lease_('tab-b', Date.now() + 10_000)).toBe(true)
    // Only the owner releases it.
    expect(await a._lease_('tab-a', 0)).toBe(false)
    expect(await a._lease_('tab-a', Date.now() + 1)).toBe(false)
    await b._lease_('tab-b', 0)
    expect(await a._lease_('tab-a', Date.now() + 10_000)).toBe(true)
  })

  test('closes its connection for another tab deleting the database (not blocked)', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(rows('a'), [], 10)
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
    const storage = indexedDBStorage(scope)
    await storage._write_(rows('a'), [], 10)
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 5)
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    upgraded.close()
    await storage._write_(rows('b'), [], 10)
    expect((await storage._read_(10))._events_.map(([key]) => key)).toEqual(['a', 'b'])
  })

  test('reopens after the browser closed its connection (Safari, DevTools, forceCloseDatabase)', async () => {
    const connections: IDBDatabase[] = []
    const transaction = IDBDatabase.prototype.transaction
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args) {
      if (!connections.includes(this)) connections.push(this)
      return transaction.apply(this, args)
    })
    const storage = indexedDBStorage(scope)
    await storage._write_(rows('a'), [], 10)
    forceCloseDatabase(connections[0]! as never) // its type says the class; it takes a connection
    await idle(5)
    await storage._write_(rows('b'), [], 10)
    expect((await storage._read_(10))._events_.map(([key]) => key)).toEqual(['a', 'b'])
    expect(connections.length).toBe(2)
  })

  test('an open() that never settles is given up after 3 s', async () => {
    useFakeClock()
    openHangs()
    const storage = indexedDBStorage(scope)
    const reading = storage._read_(10)
    let error: unknown
    reading.catch((e: unknown) => (error = e))
    await vi.advanceTimersByTimeAsync(2999)
    expect(error).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(String(error)).toMatch(/3000 ms/)
  })

  test('a throwing open() rejects the call instead of throwing', async () => {
    openThrows()
    const storage = indexedDBStorage(scope)
    let result: Promise<unknown> | undefined
    expect(() => (result = storage._read_(10))).not.toThrow()
    await expect(result).rejects.toThrow()
  })
})

describe('queues scoped by endpoint', () => {
  const other = queueScope('https://other.example/collect')

  /** Order keys k0000, k0001, …: they sort as they are numbered. */
  const numbered = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => `k${String(from + i).padStart(4, '0')}`)
  const queueRecords = async () => (await readDatabase())!.keys.filter((key) => key.startsWith('["q"')).map((key) => JSON.parse(key) as unknown[])

  test('a burst is stored as records of RECORD_EVENTS events, keyed by first and last order key and count', async () => {
    const storage = indexedDBStorage(scope)
    const puts = vi.spyOn(IDBObjectStore.prototype, 'put')
    await storage._write_(rows(...numbered(0, 120)), [], 10_000)
    expect(puts.mock.calls.filter(([, key]) => Array.isArray(key) && key[0] === 'q')).toHaveLength(Math.ceil(120 / RECORD_EVENTS))
    expect(await queueRecords()).toEqual([
      ['q', scope._endpoint_, 'k0000', 'k0049', 50],
      ['q', scope._endpoint_, 'k0050', 'k0099', 50],
      ['q', scope._endpoint_, 'k0100', 'k0119', 20],
    ])
    expect((await storage._read_(60))._events_).toEqual(rows(...numbered(0, 60)))
  })

  test('removing some events of a record keeps the others, under a key that says so', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(rows(...numbered(0, 100)), [], 10_000)
    // Delivered: the first 20, and 5 from the middle of the second record.
    await storage._remove_([...numbered(0, 20), ...numbered(60, 5)])
    expect(await queueRecords()).toEqual([
      ['q', scope._endpoint_, 'k0020', 'k0049', 30],
      ['q', scope._endpoint_, 'k0050', 'k0099', 45],
    ])
    expect((await storage._read_(1000))._events_).toEqual(rows(...numbered(20, 40), ...numbered(65, 35)))
    await storage._remove_(numbered(0, 100))
    expect(await queueRecords()).toEqual([])
  })

  test('removing keys that are no longer stored (delivered twice) keeps the events around them', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(rows('k0001', 'k0002', 'k0003'), [], 10_000)
    await storage._remove_(['k0002'])
    // The span k0001…k0003 still holds two events, and two keys of it are removed: only one is there.
    await storage._remove_(['k0001', 'k0002'])
    expect((await storage._read_(10))._events_).toEqual(rows('k0003'))
  })

  test('trimming a full queue drops whole records and then part of one, oldest first', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(rows(...numbered(0, 100)), [], 10_000)
    expect((await storage._write_(rows(...numbered(100, 10)), [], 45))._trimmed_).toBe(65)
    expect((await storage._read_(1000))._events_).toEqual(rows(...numbered(65, 45)))
    expect((await storage._read_(0))._dropped_).toBe(65)
  })

  test("the previous version's one-event records are read, sent and deleted with the new ones", async () => {
    await seedDatabase([
      [['q', scope._endpoint_, 'k0001'], JSON.stringify({ name: 'k0001' })],
      [['q', scope._endpoint_, 'k0003'], JSON.stringify({ name: 'k0003' })],
    ])
    const storage = indexedDBStorage(scope)
    await storage._write_(rows('k0002', 'k0004'), [], 10_000)
    expect((await storage._read_(10))._events_).toEqual(rows('k0001', 'k0002', 'k0003', 'k0004'))
    // Trimming counts them as one event each.
    expect((await storage._write_([], [], 3))._trimmed_).toBe(1)
    await storage._remove_(['k0002', 'k0003'])
    expect((await storage._read_(10))._events_).toEqual(rows('k0004'))
  })

  test('an event journaled and also stored by its own page is read once and deleted everywhere', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(rows('k0001', 'k0002'), [], 10_000)
    await storage._restore_(rows('k0002', 'k0003'), [], 10_000)
    expect((await storage._read_(10))._events_).toEqual(rows('k0001', 'k0002', 'k0003'))
    await storage._remove_(['k0002'])
    expect((await storage._read_(10))._events_).toEqual(rows('k0001', 'k0003'))
  })

  test('a record that is not text (tampered) reads as one unreadable event, which can be removed', async () => {
    await seedDatabase([[['q', scope._endpoint_, 'k0001', 'k0009', 3], { not: 'text' }]])
    const storage = indexedDBStorage(scope)
    expect((await storage._read_(10))._events_).toEqual([['k0001', { not: 'text' }]])
    await storage._remove_(['k0001'])
    expect(await queueRecords()).toEqual([])
  })

  test('two endpoints keep separate queues, dropped counts and leases, and share the state', async () => {
    const a = indexedDBStorage(scope)
    const b = indexedDBStorage(other)
    await a._write_(rows('k1', 'k3'), [['anonymousId', 'visitor']], 100, 2)
    await b._write_(rows('k2'), [['session', 's']], 100)
    expect(await a._read_(10)).toEqual({ _events_: rows('k1', 'k3'), _dropped_: 2 })
    expect(await b._read_(10)).toEqual({ _events_: rows('k2'), _dropped_: 0 })
    await b._remove_(['k1', 'k3'], 2)
    expect(await a._read_(10)).toEqual({ _events_: rows('k1', 'k3'), _dropped_: 2 })
    // Trimming counts this endpoint's events only.
    expect((await b._write_(rows('k4'), [], 2))._trimmed_).toBe(0)
    expect(await a._lease_('tab', Date.now() + 10_000)).toBe(true)
    expect(await b._lease_('other-tab', Date.now() + 10_000)).toBe(true)
    expect(await b._readState_()).toEqual([['anonymousId', 'visitor'], ['session', 's']])
    expect((await readDatabase())?.endpoints).toEqual({ [scope._endpoint_]: ['k1', 'k3'], [other._endpoint_]: ['k2', 'k4'] })
  })

  test('the queue stored before scopes is adopted by the first journey that reads, with its dropped count, once', async () => {
    await seedDatabase([
      ['q:k1', JSON.stringify({ name: 'k1' })],
      ['q:k2', JSON.stringify({ name: 'k2' })],
      ['d:dropped', 3],
      ['s:anonymousId', 'old-visitor'],
    ])
    const a = indexedDBStorage(scope)
    const b = indexedDBStorage(other)
    expect(await a._read_(10)).toEqual({ _events_: rows('k1', 'k2'), _dropped_: 3 })
    expect(await b._read_(10)).toEqual({ _events_: [], _dropped_: 0 })
    expect(await a._readState_()).toEqual([['anonymousId', 'old-visitor']])
    const stored = await readDatabase()
    expect(stored?.keys.filter((key) => key.startsWith('q:') || key === 'd:dropped')).toEqual([])
    expect(stored?.endpoints).toEqual({ [scope._endpoint_]: ['k1', 'k2'] })
  })

  test('restore stores journaled events, and the journaled state over the stored (undefined deletes)', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_([], [['session', 'stored'], ['userId', 'u0']], 100)
    await storage._restore_(rows('j1', 'j2'), [['session', 'journaled'], ['anonymousId', 'journaled'], ['userId', undefined]], 100)
    expect((await storage._read_(10))._events_).toEqual(rows('j1', 'j2'))
    expect(new Map(await storage._readState_())).toEqual(new Map([['session', 'journaled'], ['anonymousId', 'journaled']]))
    // Restoring what is stored already changes nothing.
    await storage._restore_(rows('j1'), [], 100)
    expect((await storage._read_(10))._events_).toEqual(rows('j1', 'j2'))
  })
})

const events = (n: number, from = 0): StoredEvent[] =>
  Array.from({ length: n }, (_, i) => [`k${String(from + i).padStart(4, '0')}`, JSON.stringify({ n: from + i })])


describe('indexedDBStorage, as wired from the connection and the record steps', () => {
  test('a read takes only as many records as `limit` needs, and at most `limit` events of them', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(events(RECORD_EVENTS * 3), [], 10_000, 4)
    expect((await storage._read_(RECORD_EVENTS + 1))._events_).toEqual(events(RECORD_EVENTS + 1))
    expect((await storage._read_(3))._events_).toEqual(events(3))
    // No events asked for: only the dropped count.
    expect(await storage._read_(0)).toEqual({ _events_: [], _dropped_: 4 })
  })

  test('restore stores the journaled events, deletes the keys noted delivered and trims, in one transaction', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(events(3), [], 100)
    const transactions = countTransactions()
    const written = await storage._restore_(events(2, 3), [['session', 's1']], 10, ['k0000'])
    expect(transactions.readwrite()).toBe(1)
    expect(written).toEqual({ _trimmed_: 0, _durable_: true })
    expect((await storage._read_(10))._events_.map(([key]) => key)).toEqual(['k0001', 'k0002', 'k0003', 'k0004'])
    expect(await storage._readState_()).toEqual([['session', 's1']])
    // Over the queue's limit: the oldest go, and count as dropped.
    expect(await storage._restore_(events(1, 5), [], 3)).toEqual({ _trimmed_: 2, _durable_: true })
    expect(await storage._read_(10)).toEqual({ _events_: events(3, 3), _dropped_: 2 })
  })

  test('a state value written as undefined is deleted', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_([], [['userId', 'u1'], ['session', 's1']], 100)
    await storage._write_([], [['userId', undefined]], 100)
    expect(await storage._readState_()).toEqual([['session', 's1']])
  })

  test('a lease with more time left than it was taken for (the wall clock stepped back) counts as expired', async () => {
    useFakeClock()
    const a = indexedDBStorage(scope)
    const b = indexedDBStorage(scope)
    const now = Date.now()
    expect(await a._lease_('tab-a', now + 10_000)).toBe(true)
    expect(await b._lease_('tab-b', now + 10_000)).toBe(false)
    // The clock goes back a minute: tab-a's lease now seems to have 70 s left of a 10 s lease.
    vi.setSystemTime(now - 60_000)
    expect(await b._lease_('tab-b', Date.now() + 10_000)).toBe(true)
  })

  test('destroy closes the connection and deletes the database', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(events(1), [], 100)
    expect(await databaseNames()).toEqual(['journeykit'])
    await storage._destroy_()
    expect(await databaseNames()).toEqual([])
  })
})

describe('restore at the queue limit', () => {
  const keysOf = async (storage: ReturnType<typeof indexedDBStorage>) => (await storage._read_(100))._events_.map(([key]) => key)

  test('events noted delivered are deleted before the trim counts: no stored event is trimmed for them', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(events(5), [], 10)
    await storage._write_(events(5, 5), [], 10)
    // 10 stored + 1 journaled - 1 delivered = 10: at the limit, nothing to trim.
    expect(await storage._restore_(events(1, 10), [], 10, ['k0007'])).toEqual({ _trimmed_: 0, _durable_: true })
    expect(await keysOf(storage)).toEqual(['k0000', 'k0001', 'k0002', 'k0003', 'k0004', 'k0005', 'k0006', 'k0008', 'k0009', 'k0010'])
    expect((await storage._read_(100))._dropped_).toBe(0)
  })

  test('journaled events the page had stored after all are kept once and counted once', async () => {
    const storage = indexedDBStorage(scope)
    await storage._write_(events(10), [], 11)
    // The journal holds k0005..k0009 (written after all) and k0010: 11 events, within the limit.
    expect(await storage._restore_(events(6, 5), [], 11)).toEqual({ _trimmed_: 0, _durable_: true })
    expect(await keysOf(storage)).toEqual(events(11).map(([key]) => key))
    expect(await storage._read_(100)).toEqual({ _events_: events(11), _dropped_: 0 })
    // Over the limit, the oldest go, and only as many as there are events too many.
    expect(await storage._restore_(events(2, 10), [], 11)).toEqual({ _trimmed_: 1, _durable_: true })
    expect(await storage._read_(100)).toEqual({ _events_: events(11, 1), _dropped_: 1 })
  })
})
