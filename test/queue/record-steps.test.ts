/** Steps on a journey's queue records inside one transaction (src/queue/record-steps.ts), on fake-indexeddb. */
import { afterEach, beforeEach, expect, test } from 'vitest'
import { openStore } from '../../src/queue/connection'
import { addDropped, deleteEvents, eventsOf, putRecords, spanOf, trimQueue } from '../../src/queue/record-steps'
import { encodeEvents, RECORD_EVENTS } from '../../src/queue/records'
import { queueScope } from '../../src/queue/scope'
import type { StoredEvent } from '../../src/queue/store'
import { freshIndexedDB, restoreStorage } from '../helpers/storage'

const scope = queueScope('https://collect.example/e')
const other = queueScope('https://other.example/e')
let store: ReturnType<typeof openStore>

beforeEach(() => {
  freshIndexedDB()
  store = openStore()
})
afterEach(() => {
  store._close_()
  restoreStorage()
})

/** Runs `steps` in one readwrite transaction; resolves with their result once it has committed. */
function transaction<T>(steps: (s: IDBObjectStore) => T): Promise<T> {
  return store._use_('readwrite', (s) => {
    const result = steps(s)
    return new Promise<T>((resolve, reject) => {
      s.transaction.oncomplete = () => resolve(result)
      s.transaction.onerror = () => reject(s.transaction.error)
    })
  })
}

/** Every record of `queue`: key and events. */
const records = (queue = scope) =>
  store._use_('readonly', (s) => {
    const keys = s.getAllKeys(queue._queueRange_())
    const values = s.getAll(queue._queueRange_())
    return new Promise<Array<{ key: IDBValidKey; events: string[] }>>((resolve) => {
      s.transaction.oncomplete = () => resolve(keys.result.map((key, i) => ({ key, events: eventsOf(key, values.result[i]).map(([k]) => k) })))
    })
  })

const events = (n: number, from = 0): StoredEvent[] => Array.from({ length: n }, (_, i) => [`k${String(from + i).padStart(4, '0')}`, `{"n":${from + i}}`])
const dropped = (queue = scope) => store._use_('readonly', (s) => new Promise((resolve) => (s.get(queue._droppedKey_).onsuccess = (e) => resolve((e.target as IDBRequest).result))))

test('puts events as records of up to RECORD_EVENTS, each key saying its span and count', async () => {
  await transaction((s) => putRecords(s, scope, events(RECORD_EVENTS + 2)))
  const stored = await records()
  expect(stored.map(({ key }) => spanOf(key))).toEqual([
    { first: 'k0000', last: `k00${RECORD_EVENTS - 1}`, count: RECORD_EVENTS },
    { first: `k00${RECORD_EVENTS}`, last: `k00${RECORD_EVENTS + 1}`, count: 2 },
  ])
  expect(await records(other)).toEqual([])
})

test("deletes events by key, rewriting only the records that held them; another journey's queue is untouched", async () => {
  await transaction((s) => {
    putRecords(s, scope, events(3))
    putRecords(s, scope, events(2, 3))
    putRecords(s, other, events(2))
  })
  await transaction((s) => deleteEvents(s, scope, ['k0001', 'k0003', 'k0004']))
  expect((await records()).map(({ events }) => events)).toEqual([['k0000', 'k0002']])
  expect((await records(other)).flatMap(({ events }) => events)).toEqual(['k0000', 'k0001'])
  await transaction((s) => deleteEvents(s, scope, []))
  expect((await records()).flatMap(({ events }) => events)).toEqual(['k0000', 'k0002'])
})

test('trims the oldest events, cutting a record where needed, and counts them as dropped with the others', async () => {
  await transaction((s) => {
    putRecords(s, scope, events(3))
    putRecords(s, scope, events(3, 3))
  })
  const trimmed = await transaction((s) => trimQueue(s, scope, 2, 5))
  expect(trimmed()).toBe(4)
  expect((await records()).flatMap(({ events }) => events)).toEqual(['k0004', 'k0005'])
  expect(await dropped()).toBe(9)
  expect((await transaction((s) => trimQueue(s, scope, 10, 0)))()).toBe(0)
  expect(await dropped()).toBe(9)
})

test('the dropped count never goes below zero', async () => {
  await transaction((s) => addDropped(s, scope._droppedKey_, 2))
  await transaction((s) => addDropped(s, scope._droppedKey_, -5))
  expect(await dropped()).toBe(0)
})

test("a previous version's one-event record, or a record that is not text, reads as one event", () => {
  expect(eventsOf(['q', scope._endpoint_, 'k1'], '{"a":1}')).toEqual([['k1', '{"a":1}']])
  expect(eventsOf(['q', scope._endpoint_, 'k1', 'k2', 2], 42)).toEqual([['k1', 42]])
  expect(eventsOf(['q', scope._endpoint_, 'k1', 'k2', 2], encodeEvents([['k1', '{}'], ['k2', '[]']]))).toEqual([['k1', '{}'], ['k2', '[]']])
  expect(spanOf(['q', scope._endpoint_, 'k1'])).toEqual({ first: 'k1', last: 'k1', count: 1 })
})
