/**
 * The queue in this page's memory (src/queue/memory.ts), where IndexedDB cannot be used: what
 * sets it apart from IndexedDB. What every backend promises is in store.test.ts.
 */
import { describe, expect, test } from 'vitest'
import { memoryStorage } from '../../src/queue/memory'
import type { StoredEvent } from '../../src/queue/store'

const rows = (...names: string[]): StoredEvent[] => names.map((name) => [name, JSON.stringify({ name })])
const keys = async (storage: ReturnType<typeof memoryStorage>) => (await storage._read_(100))._events_.map(([key]) => key)

describe('memoryStorage', () => {
  test('is not persistent, and no write is durable', async () => {
    const storage = memoryStorage()
    expect(storage._persistent_).toBe(false)
    expect(await storage._write_(rows('a'), [], 10)).toEqual({ _trimmed_: 0, _durable_: false })
    expect(await storage._restore_(rows('b'), [], 10)).toEqual({ _trimmed_: 0, _durable_: false })
  })

  test('keeps events in the order they were written (tracking order) and trims the earliest written', async () => {
    const storage = memoryStorage()
    await storage._write_(rows('k2', 'k1'), [], 3)
    expect((await storage._write_(rows('k4', 'k3'), [], 3))._trimmed_).toBe(1)
    expect(await keys(storage)).toEqual(['k1', 'k4', 'k3'])
  })

  test('restore deletes the keys the journaling page knew delivered, and stores an event already there once', async () => {
    const storage = memoryStorage()
    await storage._write_(rows('a', 'b', 'c'), [], 10)
    await storage._restore_(rows('b', 'd'), [['session', 'journaled']], 10, ['a', 'c'])
    expect(await keys(storage)).toEqual(['b', 'd'])
    expect(await storage._readState_()).toEqual([['session', 'journaled']])
  })

  test('trimming, in restore too, counts as dropped; events lost before storing add to it', async () => {
    const storage = memoryStorage()
    await storage._write_(rows('a', 'b'), [], 2, 5)
    await storage._restore_(rows('c'), [], 2)
    expect(await storage._read_(10)).toEqual({ _events_: rows('b', 'c'), _dropped_: 6 })
  })

  test('the dropped count never goes below zero', async () => {
    const storage = memoryStorage()
    await storage._write_(rows('a'), [], 10, 2)
    await storage._remove_(['a'], 5)
    expect((await storage._read_(10))._dropped_).toBe(0)
    await storage._write_(rows('b'), [], 10, 1)
    expect((await storage._read_(10))._dropped_).toBe(1)
  })

  test('the lease is always granted: memory is this page alone', async () => {
    const a = memoryStorage()
    expect(await a._lease_('tab-a', Date.now() + 10_000)).toBe(true)
    expect(await a._lease_('tab-b', Date.now() + 10_000)).toBe(true)
  })

  test('two memory stores share nothing, and destroy empties one that still works afterwards', async () => {
    const a = memoryStorage()
    const b = memoryStorage()
    await a._write_(rows('a'), [['anonymousId', 'x']], 10, 1)
    expect(await b._read_(10)).toEqual({ _events_: [], _dropped_: 0 })
    await a._destroy_()
    expect(await a._read_(10)).toEqual({ _events_: [], _dropped_: 0 })
    expect(await a._readState_()).toEqual([])
    await a._write_(rows('later'), [], 10)
    expect(await keys(a)).toEqual(['later'])
  })
})
