/**
 * What the queue's storage promises (src/queue/store.ts), checked against each backend:
 * IndexedDB through idb-keyval (on fake-indexeddb) and this page's memory.
 */
import { describe, expect, test } from 'vitest'
import { indexedDBStorage } from '../../src/queue/indexeddb'
import { memoryStorage } from '../../src/queue/memory'
import type { QueueStorage } from '../../src/queue/store'
import { TEST_SCOPE, namedRows, useFreshStorage } from '../helpers/storage'

useFreshStorage()

const scope = TEST_SCOPE
const rows = namedRows

/** The same behaviour is expected of both stores. */
describe.each([
  ['indexedDBStorage', () => indexedDBStorage(scope)],
  ['memoryStorage', memoryStorage],
])('%s', (name, create: () => QueueStorage) => {
  test('reads events back oldest first (by order key), at most `limit`', async () => {
    const storage = create()
    await storage._write_(rows('k3', 'k1', 'k2'), [], 100)
    expect(storage._persistent_).toBe(name === 'indexedDBStorage')
    const all = await storage._read_(10)
    expect(all._dropped_).toBe(0)
    if (name === 'indexedDBStorage') expect(all._events_.map(([key]) => key)).toEqual(['k1', 'k2', 'k3'])
    else expect(all._events_.map(([key]) => key)).toEqual(['k3', 'k1', 'k2']) // insertion order = tracking order
    expect((await storage._read_(2))._events_).toHaveLength(2)
  })

  test('stores state beside events without mixing them up', async () => {
    const storage = create()
    await storage._write_(rows('a'), [['anonymousId', 'anon-1'], ['session', { id: 's', count: 2 }]], 100)
    await storage._write_([], [['session', undefined]], 100)
    expect(await storage._readState_()).toEqual([['anonymousId', 'anon-1']])
    expect((await storage._read_(10))._events_).toEqual(rows('a'))
  })

  test('trims the oldest beyond maxEvents and counts them as dropped, with events lost earlier', async () => {
    const storage = create()
    expect((await storage._write_(rows('e1', 'e2', 'e3'), [], 5))._trimmed_).toBe(0)
    expect((await storage._write_(rows('e4', 'e5', 'e6', 'e7'), [], 5, 3))._trimmed_).toBe(2)
    const { _events_: events, _dropped_: dropped } = await storage._read_(10)
    expect(events.map(([key]) => key)).toEqual(['e3', 'e4', 'e5', 'e6', 'e7'])
    expect(dropped).toBe(5)
  })

  test('remove deletes delivered events and subtracts the dropped count they carried', async () => {
    const storage = create()
    await storage._write_(rows('a', 'b', 'c'), [], 100, 4)
    await storage._remove_(['a', 'c'], 4)
    expect(await storage._read_(10)).toEqual({ _events_: rows('b'), _dropped_: 0 })
    await storage._remove_(['missing'], 0)
    expect((await storage._read_(10))._events_).toEqual(rows('b'))
  })

  test('destroy forgets everything', async () => {
    const storage = create()
    await storage._write_(rows('a'), [['anonymousId', 'x']], 100, 1)
    await storage._destroy_()
    const fresh = name === 'indexedDBStorage' ? create() : storage
    expect(await fresh._read_(10)).toEqual({ _events_: [], _dropped_: 0 })
    expect(await fresh._readState_()).toEqual([])
  })
})
