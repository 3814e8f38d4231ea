/**
 * Event ids (UUIDv7), which are also the queue's order keys.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { trackedAt, uuidv7 } from '../../src/event/id'
import { START, useFakeClock } from '../helpers/time'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The 48-bit millisecond timestamp of a UUIDv7. */
const msOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16)

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  history.replaceState(null, '', '/')
  document.title = ''
})

describe('uuidv7', () => {
  test('is an RFC 9562 version 7, variant 10 UUID carrying the current time', () => {
    useFakeClock()
    const id = uuidv7()
    expect(id).toMatch(UUID_V7)
    expect(msOf(id)).toBe(START)
  })

  test('20 000 ids made in one millisecond are unique and sort in the order they were made', () => {
    useFakeClock() // a frozen clock: every id in the same millisecond
    const ids = Array.from({ length: 20_000 }, () => uuidv7())
    expect(new Set(ids).size).toBe(ids.length)
    for (let i = 1; i < ids.length; i++) if (!(ids[i - 1]! < ids[i]!)) throw new Error(`out of order at ${i}: ${ids[i - 1]} ${ids[i]}`)
    for (const id of ids.slice(0, 100)) expect(id).toMatch(UUID_V7)
    // Borrowing milliseconds keeps them close to the clock.
    expect(msOf(ids.at(-1)!) - START).toBeLessThan(20)
  })

  test('still sort in order when the wall clock steps back', () => {
    useFakeClock()
    const before = uuidv7()
    vi.setSystemTime(START - 3_600_000)
    const after = uuidv7()
    expect(after > before).toBe(true)
    vi.setSystemTime(START + 5000)
    const later = uuidv7()
    expect(later > after).toBe(true)
    expect(msOf(later)).toBe(START + 5000)
  })

  test('random bits differ between ids of the same millisecond', () => {
    useFakeClock()
    const tails = new Set(Array.from({ length: 1000 }, () => uuidv7().slice(19)))
    expect(tails.size).toBe(1000)
  })

  test('trackedAt reads back the millisecond an id was made in, and 0 from a key that is not one', () => {
    useFakeClock()
    // Later than any id the tests above made: ids of one tab never go back in time.
    vi.setSystemTime(START + 60_000)
    expect(trackedAt(uuidv7())).toBe(START + 60_000)
    vi.setSystemTime(START + 61_234)
    expect(trackedAt(uuidv7())).toBe(START + 61_234)
    expect(trackedAt('not-a-key')).toBe(0)
  })

  test('works without crypto.getRandomValues (Math.random stands in)', async () => {
    vi.resetModules()
    vi.stubGlobal('crypto', undefined)
    const fresh = await import('../../src/event/id')
    const ids = Array.from({ length: 600 }, () => fresh.uuidv7())
    for (const id of ids) expect(id).toMatch(UUID_V7)
    expect(new Set(ids).size).toBe(600)
  })
})
