/**
 * The delivery loop on its own: coalesced writes, batching, backoff timing, status handling, the
 * dropped count, the exit send and stop. Storage is the library's memory store (or a wrapper
 * that fails on demand), so timing is exact under fake timers; the network is a fake fetch.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createDelivery, TELL_EVERY, WRITE_WINDOW, type Delivery } from '../../src/delivery'
import { createSenderLock } from '../../src/queue/lease'
import { createReporter } from '../../src/errors'
import { queueScope } from '../../src/queue/scope'
import { memoryStorage } from '../../src/queue/memory'
import type { Journal } from '../../src/queue/journal'
import type { QueueStorage } from '../../src/queue/store'
import { createTransport } from '../../src/delivery/transport'
import type { JourneyError, JourneyEvent } from '../../src/types'
import { restoreBrowser, setOnline, supportKeepalive } from '../helpers/browser'
import { fakeFetch, type FakeFetch } from '../helpers/fetch'
import { flakyStorage } from '../helpers/storage'
import { START, useFakeClock } from '../helpers/time'

const ENDPOINT = 'https://collect.example/e'
const SCOPE = queueScope(ENDPOINT)

let fetch: FakeFetch
const made: Delivery[] = []

beforeEach(() => {
  useFakeClock()
  fetch = fakeFetch()
  fetch.install()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

afterEach(() => {
  for (const delivery of made.splice(0)) delivery._stop_()
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  restoreBrowser()
})

interface Setup {
  batchSize?: number
  flushInterval?: number
  maxQueueSize?: number
  storage?: QueueStorage
  urgent?: (changes: Array<[string, unknown]>) => boolean
  journal?: Journal
  departing?: () => boolean
}

let idsMade = 0
/**
 * A UUIDv7-shaped id stamped with the fake clock's time. (The library's generator keeps its ids
 * in order across clock steps, so after earlier tests moved the clock its ids can run ahead of
 * this test's clock; delivery reads an event's age from its id.)
 */
function idNow(): string {
  const hex = Date.now().toString(16).padStart(12, '0')
  const count = (++idsMade).toString(16).padStart(15, '0')
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7${count.slice(0, 3)}-8${count.slice(3, 6)}-${count.slice(6)}000`
}

function setup({ batchSize = 20, flushInterval = 5000, maxQueueSize = 10_000, storage = memoryStorage(), urgent, journal, departing }: Setup = {}) {
  const errors: JourneyError[] = []
  const state: Array<[string, unknown]> = []
  const delivery = createDelivery({
    _batchSize_: batchSize,
    _flushInterval_: flushInterval,
    _maxQueueSize_: maxQueueSize,
    _storage_: storage,
    _transport_: createTransport(ENDPOINT),
    _lock_: createSenderLock(storage, SCOPE._lock_),
    _report_: createReporter((error) => errors.push(error)),
    _channel_: SCOPE._channel_,
    _takeStateChanges_: () => state.splice(0),
    _urgent_: urgent,
    _journal_: journal,
    _departing_: departing,
  })
  made.push(delivery)
  let n = 0
  /** Queues a new event; returns it. */
  const add = (name = `e${++n}`, props: Record<string, unknown> = {}): JourneyEvent => {
    const id = idNow()
    const event: JourneyEvent = {
      id,
      type: 'track',
      name,
      props,
      timestamp: new Date().toISOString(),
      anonymousId: 'anon',
      userId: null,
      sessionId: 'session',
      phase: 'awareness',
      context: {
        url: 'https://shop.example/',
        path: '/',
        title: '',
        referrer: '',
        channel: null,
        campaign: null,
        locale: 'en',
        screen: { width: 1, height: 1 },
        library: { name: 'journeykit', version: '0.0.0' },
      },
    }
    delivery._enqueue_(id + '.1', event)
    return event
  }
  return { delivery, errors, storage, state, add }
}

const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms)

async function stored(storage: QueueStorage): Promise<string[]> {
  return (await storage._read_(100_000))._events_.map(([, json]) => (JSON.parse(json) as JourneyEvent).name)
}

describe('coalesced writes', () => {
  test('a burst of enqueues is one storage write, carrying the state changes', async () => {
    const storage = memoryStorage()
    const write = vi.spyOn(storage, '_write_')
    const { add, state } = setup({ storage, batchSize: 1000 })
    state.push(['session', { id: 's' }])
    for (let i = 0; i < 300; i++) add()
    expect(write).not.toHaveBeenCalled() // nothing synchronous
    await tick(WRITE_WINDOW)
    expect(write).toHaveBeenCalledTimes(1)
    expect(write.mock.calls[0]![0]).toHaveLength(300)
    expect(write.mock.calls[0]![1]).toEqual([['session', { id: 's' }]])
    expect(await storage._readState_()).toEqual([['session', { id: 's' }]])
  })

  test('events arriving one at a time share one write, made at most WRITE_WINDOW after the first', async () => {
    const storage = memoryStorage()
    const write = vi.spyOn(storage, '_write_')
    const { add } = setup({ storage, batchSize: 1000, flushInterval: 60_000 })
    add('first')
    for (let i = 0; i < 9; i++) {
      await tick(WRITE_WINDOW / 10)
      add(`later-${i}`)
    }
    await tick(WRITE_WINDOW / 10 - 1)
    expect(write).not.toHaveBeenCalled()
    await tick(1)
    expect(write).toHaveBeenCalledTimes(1)
    expect(write.mock.calls[0]![0]).toHaveLength(10)
    add('next window')
    await tick(WRITE_WINDOW - 1)
    expect(write).toHaveBeenCalledTimes(1)
    await tick(1)
    expect(write).toHaveBeenCalledTimes(2)
  })

  test('hiding the page writes what waits in the window at once', async () => {
    supportKeepalive()
    const storage = memoryStorage()
    const write = vi.spyOn(storage, '_write_')
    const { add, delivery } = setup({ storage, flushInterval: 60_000 })
    add('just before hiding')
    delivery._exit_(false)
    await tick(0)
    expect(write).toHaveBeenCalledTimes(1)
    expect(write.mock.calls[0]![0]).toHaveLength(1)
  })

  test('an event is stored as the JSON it is sent as, under its order key', async () => {
    const storage = memoryStorage()
    const { add } = setup({ storage })
    const event = add('stored')
    await tick(WRITE_WINDOW)
    const { _events_: events } = await storage._read_(10)
    expect(events).toEqual([[event.id + '.1', JSON.stringify(event)]])
    await tick(5000)
    expect(fetch.requests[0]!.batch.events).toEqual([event])
  })

  test('deleted only after a 2xx', async () => {
    const storage = memoryStorage()
    fetch.setPlan([{ status: 500 }, { reject: true }, { status: 200 }])
    const { add } = setup({ storage })
    add('kept')
    await tick(5000)
    expect(fetch.requests).toHaveLength(1)
    expect(await stored(storage)).toEqual(['kept'])
    await tick(1250)
    expect(fetch.requests).toHaveLength(2)
    expect(await stored(storage)).toEqual(['kept'])
    await tick(2500)
    expect(fetch.requests).toHaveLength(3)
    expect(await stored(storage)).toEqual([])
  })
})

describe('batching', () => {
  test('a full batch is sent at once', async () => {
    const { add } = setup({ batchSize: 5 })
    for (let i = 0; i < 5; i++) add()
    await tick(1)
    expect(fetch.requests).toHaveLength(1)
    expect(fetch.requests[0]!.batch.events).toHaveLength(5)
  })

  test('a partial batch is sent flushInterval after the first waiting event', async () => {
    const { add } = setup({ batchSize: 5, flushInterval: 3000 })
    add()
    await tick(1000)
    add() // does not push the send back
    await tick(1999)
    expect(fetch.requests).toHaveLength(0)
    await tick(1)
    expect(fetch.requests).toHaveLength(1)
    expect(fetch.requests[0]!.at).toBe(START + 3000)
    expect(fetch.requests[0]!.batch.events).toHaveLength(2)
  })

  test('everything waiting goes in consecutive batches of at most batchSize, oldest first', async () => {
    const { add } = setup({ batchSize: 3 })
    for (let i = 0; i < 10; i++) add(`e${i}`)
    await tick(10)
    const batches = () => fetch.requests.map((request) => fetch.names(request.batch.events))
    // Full batches go at once; the rest waits for its flush interval.
    expect(batches()).toEqual([
      ['e0', 'e1', 'e2'],
      ['e3', 'e4', 'e5'],
      ['e6', 'e7', 'e8'],
    ])
    await tick(5000)
    expect(batches()).toEqual([['e0', 'e1', 'e2'], ['e3', 'e4', 'e5'], ['e6', 'e7', 'e8'], ['e9']])
  })

  test('events spread over time go out in full batches, not one small request each', async () => {
    const { add } = setup({ batchSize: 10, flushInterval: 1000 })
    for (let i = 0; i < 100; i++) {
      add(`e${i}`)
      await tick(50)
    }
    await tick(1000)
    expect(fetch.sent()).toHaveLength(100)
    // 100 events over 5 s with a 1 s interval: full batches of 10, at most one partial per interval.
    expect(fetch.requests.length).toBeLessThanOrEqual(15)
  })

  test('requests stay under 60 000 bytes, whatever the batch size', async () => {
    const { add } = setup({ batchSize: 1000 })
    for (let i = 0; i < 40; i++) add('big', { blob: 'ü'.repeat(4000) }) // ~8 KB of UTF-8 each
    await tick(6000)
    expect(fetch.sent()).toHaveLength(40)
    for (const request of fetch.requests) expect(new TextEncoder().encode(request.body).length).toBeLessThanOrEqual(60_000)
    expect(fetch.requests.length).toBeGreaterThanOrEqual(6)
  })

  test('one request at a time from one page', async () => {
    fetch.setPlan(() => ({ delay: 400 }))
    const { add } = setup({ batchSize: 5 })
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 7; i++) add()
      await tick(100)
    }
    await tick(20_000)
    expect(fetch.delivered()).toHaveLength(70)
    expect(fetch.maxInFlight()).toBe(1)
  })
})

describe('backoff', () => {
  async function gapsWithRandom(random: number, failures: number): Promise<number[]> {
    vi.spyOn(Math, 'random').mockReturnValue(random)
    fetch.setPlan(Array.from({ length: failures }, () => ({ status: 503 })))
    const { add } = setup()
    add()
    await tick(5000)
    for (let i = 0; i < failures; i++) await tick(70_000)
    return fetch.requests.slice(1).map((request, i) => request.at - fetch.requests[i]!.at)
  }

  test('doubles from 1 s up to 60 s', async () => {
    expect(await gapsWithRandom(0.5, 9)).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000])
  })

  test('jitter stays within ±25 %', async () => {
    expect(await gapsWithRandom(0, 4)).toEqual([750, 1500, 3000, 6000])
    vi.restoreAllMocks()
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    fetch = fakeFetch()
    fetch.install()
    const high = await gapsWithRandom(0.999_999, 4)
    expect(high.map((gap, i) => Math.round(gap / (1000 * 2 ** i) * 100) / 100)).toEqual([1.25, 1.25, 1.25, 1.25])
  })

  test('starts over after a success', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    fetch.setPlan([{ status: 503 }, { status: 503 }, { status: 200 }, { status: 503 }, { status: 200 }])
    const { add } = setup()
    add()
    await tick(5000 + 1000 + 2000)
    expect(fetch.requests).toHaveLength(3)
    add()
    await tick(5000)
    expect(fetch.requests).toHaveLength(4)
    await tick(1000)
    expect(fetch.requests).toHaveLength(5)
  })

  test('Retry-After replaces the computed delay', async () => {
    fetch.setPlan([{ status: 429, headers: { 'Retry-After': '42' } }])
    const { add } = setup()
    add()
    await tick(5000)
    await tick(41_999)
    expect(fetch.requests).toHaveLength(1)
    await tick(1)
    expect(fetch.requests).toHaveLength(2)
  })

  test('resume() (online, visible again) forgets the backoff and sends soon', async () => {
    fetch.setPlan([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }])
    const { add, delivery } = setup()
    add()
    await tick(5000 + 1250 + 2500 + 5000) // 4 failures: the next wait is ~8 s
    expect(fetch.requests).toHaveLength(4)
    delivery._resume_()
    await tick(300)
    expect(fetch.requests).toHaveLength(5)
  })

  test('flush(true) ignores the backoff', async () => {
    fetch.setPlan([{ status: 503 }])
    const { add, delivery } = setup()
    add()
    await tick(5000)
    await delivery._flush_(true)
    expect(fetch.requests).toHaveLength(2)
    expect(fetch.requests[1]!.at).toBe(fetch.requests[0]!.at)
  })

  test('newer events do not cut a backoff short', async () => {
    fetch.setPlan([{ status: 503 }])
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const { add } = setup({ batchSize: 2 })
    add()
    add()
    await tick(1)
    expect(fetch.requests).toHaveLength(1)
    for (let i = 0; i < 10; i++) add() // full batches waiting
    await tick(998) // the failed request went at START; its backoff ends at START + 1000
    expect(fetch.requests).toHaveLength(1)
    await tick(1)
    expect(fetch.requests.length).toBeGreaterThan(1)
    expect(fetch.requests[1]!.at).toBe(START + 1000)
  })
})

describe('a wall clock that steps (NTP, a restored VM)', () => {
  const HOUR = 3_600_000
  /** Steps the wall clock (Date) by `ms`; timers and performance.now() go on undisturbed. */
  const stepClock = (ms: number) => vi.setSystemTime(Date.now() + ms)

  test('backoff after a 500 ends on time although the clock stepped back an hour', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    fetch.setPlan([{ status: 500 }])
    const { add } = setup()
    add('x')
    await tick(5000)
    expect(fetch.requests).toHaveLength(1)
    stepClock(-HOUR)
    await tick(1000)
    expect(fetch.requests).toHaveLength(2)
    expect(fetch.names(fetch.delivered())).toEqual(['x'])
  })

  test('Retry-After ends on time although the clock stepped back an hour', async () => {
    fetch.setPlan([{ status: 429, headers: { 'Retry-After': '2' } }])
    const { add } = setup()
    add('x')
    await tick(5000)
    stepClock(-HOUR)
    await tick(1999)
    expect(fetch.requests).toHaveLength(1)
    await tick(1)
    expect(fetch.names(fetch.delivered())).toEqual(['x'])
  })

  test('Retry-After is not cut short by the clock stepping forward', async () => {
    fetch.setPlan([{ status: 429, headers: { 'Retry-After': '10' } }])
    const { add, delivery } = setup()
    add('x')
    await tick(5000)
    stepClock(HOUR)
    await delivery._flush_(true)
    await tick(9000)
    expect(fetch.requests).toHaveLength(1)
    await tick(1000)
    expect(fetch.requests).toHaveLength(2)
  })

  test('flush() sends once Retry-After is over, although the clock stepped back an hour', async () => {
    // The retry on the timer fails (503): only flush() can deliver before the next backoff ends.
    fetch.setPlan([{ status: 429, headers: { 'Retry-After': '2' } }, { status: 503 }])
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const { add, delivery } = setup()
    add('x')
    await tick(5000)
    stepClock(-HOUR)
    await tick(2000)
    expect(fetch.requests).toHaveLength(2)
    await delivery._flush_(true)
    expect(fetch.requests).toHaveLength(3)
    expect(fetch.names(fetch.delivered())).toEqual(['x'])
  })

  test('the exit send goes once Retry-After is over, although the clock stepped back an hour', async () => {
    supportKeepalive()
    fetch.setPlan([{ status: 429, headers: { 'Retry-After': '2' } }, { status: 503 }])
    const { add, delivery } = setup()
    add('x')
    await tick(5000)
    stepClock(-HOUR)
    await tick(2000)
    expect(fetch.requests).toHaveLength(2)
    delivery._exit_(true)
    await tick(0)
    expect(fetch.requests).toHaveLength(3)
    expect(fetch.requests[2]!.keepalive).toBe(true)
    expect(fetch.names(fetch.delivered())).toEqual(['x'])
  })
})

describe('an endpoint slower than the client waits for an answer', () => {
  /** How many requests carried each event name. */
  function sendsPerName(): Map<string, number> {
    const counts = new Map<string, number>()
    for (const name of fetch.names()) counts.set(name, (counts.get(name) ?? 0) + 1)
    return counts
  }

  test('answers after 25 s: the next batch goes after 20 s, each batch is sent once, every answer counts', async () => {
    fetch.setPlan(() => ({ delay: 25_000 }))
    const { add, storage } = setup({ batchSize: 5 })
    for (let i = 0; i < 15; i++) add(`e${i}`)
    await tick(19_000)
    expect(fetch.requests).toHaveLength(1)
    await tick(1000)
    expect(fetch.requests).toHaveLength(2)
    await tick(50_000)
    expect(fetch.requests).toHaveLength(3)
    expect([...sendsPerName().values()].every((count) => count === 1)).toBe(true)
    expect(fetch.delivered()).toHaveLength(15)
    expect(fetch.maxInFlight()).toBe(2)
    expect(await stored(storage)).toEqual([])
  })

  test('at most two requests wait for an answer; a third batch waits for one of them', async () => {
    fetch.setPlan(() => ({ hang: true }))
    const { add } = setup({ batchSize: 5 })
    for (let i = 0; i < 15; i++) add(`e${i}`)
    await tick(50_000)
    expect(fetch.requests).toHaveLength(2)
    fetch.release(200)
    await tick(0)
    expect(fetch.requests).toHaveLength(3)
    expect(fetch.names(fetch.requests[2]!.batch.events)).toEqual(['e10', 'e11', 'e12', 'e13', 'e14'])
  })

  test('a request never answered is given up after 60 s; its events go again with the same ids', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    fetch.setPlan([{ hang: true }])
    const { add, errors } = setup()
    const event = add('x')
    await tick(5000 + 59_999)
    expect(fetch.requests).toHaveLength(1)
    await tick(1 + 1000)
    expect(fetch.requests).toHaveLength(2)
    expect(fetch.delivered().map((delivered) => delivered.id)).toEqual([event.id])
    expect(errors.map((error) => error.code)).toEqual(['delivery_failed'])
  })

  test('a failure answered late stops the run and backs off, though later batches went meanwhile', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    fetch.setPlan((n) => (n === 1 ? { delay: 25_000, status: 503 } : { delay: 30_000 }))
    const { add } = setup({ batchSize: 5 })
    for (let i = 0; i < 15; i++) add(`e${i}`)
    await tick(20_000)
    expect(fetch.requests).toHaveLength(2) // the second batch went after 20 s
    await tick(5000) // the first is answered 503 at 25 s
    await tick(30_000)
    // No third batch went while backing off; the second was answered and counts.
    expect(fetch.names(fetch.delivered())).toEqual(['e5', 'e6', 'e7', 'e8', 'e9'])
    await tick(60_000)
    expect(new Set(fetch.names(fetch.delivered())).size).toBe(15)
  })

  test('two batches in flight never both report the same dropped events', async () => {
    const storage = memoryStorage()
    await storage._write_([], [], 100, 3) // 3 events were dropped before
    fetch.setPlan(() => ({ delay: 25_000 }))
    const { add } = setup({ storage, batchSize: 5 })
    for (let i = 0; i < 10; i++) add(`e${i}`)
    await tick(60_000)
    expect(fetch.requests).toHaveLength(2)
    expect(fetch.requests.map((request) => request.batch.dropped ?? 0)).toEqual([3, 0])
    expect((await storage._read_(10))._dropped_).toBe(0)
  })
})

describe('status handling', () => {
  test('a refused batch is dropped and the next one goes in the same flush', async () => {
    fetch.setPlan([{ status: 422 }])
    const storage = memoryStorage()
    const { add, errors } = setup({ storage, batchSize: 2 })
    add('a')
    add('b')
    add('c')
    await tick(10)
    await tick(5000)
    expect(fetch.requests.map((request) => fetch.names(request.batch.events))).toEqual([['a', 'b'], ['c']])
    expect(errors).toEqual([expect.objectContaining({ code: 'delivery_rejected', status: 422, count: 2 })])
    expect(await stored(storage)).toEqual([])
  })

  test('413 halves the batch; nothing is lost', async () => {
    fetch.setPlan((_, request) => (request.batch.events.length > 4 ? { status: 413 } : undefined))
    const { add, errors } = setup({ batchSize: 16 })
    for (let i = 0; i < 16; i++) add(`e${i}`)
    await tick(100)
    expect(fetch.requests.slice(0, 3).map((request) => request.batch.events.length)).toEqual([16, 8, 4])
    expect(fetch.names(fetch.delivered())).toEqual(Array.from({ length: 16 }, (_, i) => `e${i}`))
    expect(errors).toEqual([])
  })

  test('after a 413 the smaller batch size stays: later batches are not refused and split again', async () => {
    fetch.setPlan((_, request) => (request.batch.events.length > 4 ? { status: 413 } : undefined))
    const { add } = setup({ batchSize: 16 })
    for (let i = 0; i < 16; i++) add(`first${i}`)
    await tick(100)
    const refusedBefore = fetch.requests.filter((request) => request.answered === 413).length
    for (let i = 0; i < 16; i++) add(`second${i}`)
    await tick(100)
    expect(fetch.requests.filter((request) => request.answered === 413).length).toBe(refusedBefore)
    expect(fetch.names(fetch.delivered())).toHaveLength(32)
  })

  test('a failed delete after a 2xx re-sends the same ids later: a duplicate, never a loss', async () => {
    const { storage, fail } = flakyStorage(memoryStorage())
    const { add, errors } = setup({ storage })
    const event = add()
    await tick(0)
    fail._remove_ = 1
    await tick(5000)
    expect(errors.map((error) => error.code)).toContain('storage_failed')
    await tick(10_000)
    expect(fetch.requests.map((request) => request.batch.events[0]!.id)).toEqual([event.id, event.id])
    expect(await stored(storage)).toEqual([])
  })

  test('a failed read is reported and retried', async () => {
    const { storage, fail } = flakyStorage(memoryStorage())
    const { add, errors } = setup({ storage })
    add('later')
    await tick(0)
    fail._read_ = 1
    await tick(5000)
    expect(fetch.requests).toHaveLength(0)
    expect(errors.map((error) => error.code)).toContain('storage_failed')
    await tick(5000)
    expect(fetch.names()).toEqual(['later'])
  })
})

describe('Retry-After', () => {
  test('coming back into view or online does not cut short what the endpoint asked for', async () => {
    fetch.setPlan([{ status: 429, headers: { 'Retry-After': '600' } }])
    const { add, delivery } = setup({ batchSize: 1 })
    add('a')
    await tick(10)
    expect(fetch.requests).toHaveLength(1)
    delivery._resume_() // visibilitychange to visible, online, pageshow
    await delivery._flush_(true) // and an explicit flush() too
    await tick(60_000)
    expect(fetch.requests).toHaveLength(1)
    await tick(545_000)
    expect(fetch.requests).toHaveLength(2)
  })
})

describe('the dropped count', () => {
  test('travels once, in the next batch, then is cleared', async () => {
    const storage = memoryStorage()
    const { add, delivery } = setup({ storage, batchSize: 2 })
    delivery._countDropped_(7)
    add()
    add()
    add()
    await tick(5000)
    expect(fetch.requests.map((request) => request.batch.dropped)).toEqual([7, undefined])
    expect((await storage._read_(1))._dropped_).toBe(0)
  })

  test('queue overflow: the oldest go, and their number travels', async () => {
    setOnline(false)
    const storage = memoryStorage()
    const { add, delivery, errors } = setup({ storage, maxQueueSize: 3 })
    for (let i = 0; i < 5; i++) {
      add(`e${i}`)
      await tick(WRITE_WINDOW)
    }
    expect(await stored(storage)).toEqual(['e2', 'e3', 'e4'])
    expect(errors.filter((error) => error.code === 'queue_full').map((error) => error.count)).toEqual([1, 1])
    setOnline(true)
    delivery._resume_()
    // A batch that is not full goes once its oldest event has waited the flush interval.
    await tick(5000)
    expect(fetch.requests).toHaveLength(1)
    expect(fetch.requests[0]!.batch).toMatchObject({ dropped: 2 })
    expect(fetch.names()).toEqual(['e2', 'e3', 'e4'])
  })
})

describe('telling other tabs that state was stored', () => {
  test('urgent changes at once; a session kept alive at most every TELL_EVERY, the last one late rather than never', async () => {
    const storage: QueueStorage = { ...memoryStorage(), _persistent_: true }
    const posted = vi.spyOn(BroadcastChannel.prototype, 'postMessage')
    const told = () => posted.mock.calls.filter(([message]) => (message as { state?: boolean } | null)?.state).length
    const { add, state } = setup({ storage, flushInterval: 600_000, urgent: (changes) => changes.some(([key]) => key !== 'session') })
    state.push(['userId', 'u1'])
    add()
    await tick(WRITE_WINDOW)
    expect(told()).toBe(1)
    for (let i = 0; i < 5; i++) {
      state.push(['session', { id: 's', lastActivity: i }])
      add()
      await tick(WRITE_WINDOW)
    }
    expect(told()).toBe(1)
    await tick(TELL_EVERY)
    expect(told()).toBe(2)
    state.push(['userId', 'u2'])
    add()
    await tick(WRITE_WINDOW)
    expect(told()).toBe(3)
  })
})

describe('offline', () => {
  test('no timed send while offline; an explicit flush still tries', async () => {
    setOnline(false)
    const { add, delivery } = setup({ batchSize: 2 })
    add()
    add()
    add()
    await tick(60_000)
    expect(fetch.requests).toHaveLength(0)
    await delivery._flush_(true)
    expect(fetch.sent()).toHaveLength(3)
  })
})

describe('sending straight from memory', () => {
  test('a full batch delivered within the write window is never written, nor deleted', async () => {
    const storage = memoryStorage()
    const write = vi.spyOn(storage, '_write_')
    const remove = vi.spyOn(storage, '_remove_')
    const { add } = setup({ storage, batchSize: 5 })
    for (let i = 0; i < 5; i++) add(`fresh-${i}`)
    await tick(WRITE_WINDOW * 3)
    expect(fetch.names()).toEqual(['fresh-0', 'fresh-1', 'fresh-2', 'fresh-3', 'fresh-4'])
    expect(write.mock.calls.flatMap(([events]) => events)).toEqual([])
    expect(remove.mock.calls.flatMap(([keys]) => keys)).toEqual([])
  })

  test('a send that fails writes its events at once, and they are sent again from storage, same ids', async () => {
    fetch.setPlan([{ status: 503 }], { status: 200 })
    const storage = memoryStorage()
    const { add } = setup({ storage, batchSize: 2 })
    const events = [add('a'), add('b')]
    // (Well before the retry: the backoff is at least 750 ms.)
    await tick(10)
    expect(fetch.requests).toHaveLength(1)
    expect(await stored(storage)).toEqual(['a', 'b'])
    await tick(10_000)
    expect(fetch.requests).toHaveLength(2)
    expect(fetch.requests[1]!.batch.events.map((event) => event.id)).toEqual(events.map((event) => event.id))
    expect(await stored(storage)).toEqual([])
  })

  test('an answer slower than the write window: written meanwhile, deleted after it', async () => {
    fetch.setPlan([{ hang: true }])
    const storage = memoryStorage()
    const { add } = setup({ storage, batchSize: 2 })
    add('slow-a')
    add('slow-b')
    await tick(WRITE_WINDOW)
    expect(await stored(storage)).toEqual(['slow-a', 'slow-b'])
    fetch.release(200)
    await tick(0)
    await tick(0)
    expect(await stored(storage)).toEqual([])
    expect(fetch.names()).toEqual(['slow-a', 'slow-b'])
  })

  test('hiding the page while such a send is on its way writes its events', async () => {
    supportKeepalive()
    fetch.setPlan([{ hang: true }])
    const storage = memoryStorage()
    const { add, delivery } = setup({ storage, batchSize: 2 })
    add('in-flight-a')
    add('in-flight-b')
    await tick(0)
    expect(fetch.requests).toHaveLength(1)
    delivery._exit_(true)
    await tick(0)
    expect(await stored(storage)).toEqual(['in-flight-a', 'in-flight-b'])
  })
})

describe('exit', () => {
  test('does not send again what was delivered and waits for its grouped deletion', async () => {
    supportKeepalive()
    // Four batches are answered; the fifth hangs, so the four stay "delivered, not yet deleted".
    fetch.setPlan((n) => (n === 4 ? { hang: true } : undefined))
    const { add, delivery } = setup({ batchSize: 5 })
    for (let i = 0; i < 25; i++) add(`e${i}`)
    await tick(10)
    const before = fetch.requests.length
    delivery._exit_(false)
    await tick(0)
    const exitNames = fetch.names(fetch.requests.slice(before).flatMap((request) => request.batch.events))
    expect(exitNames.filter((name) => Number(name.slice(1)) < 20)).toEqual([])
  })

  test('keeps to the smaller batch size a 413 taught', async () => {
    supportKeepalive()
    fetch.setPlan((_, request) => (request.batch.events.length > 2 ? { status: 413 } : { hang: true }))
    const { add, delivery } = setup({ batchSize: 8, flushInterval: 60_000 })
    for (let i = 0; i < 8; i++) add(`e${i}`)
    await tick(10)
    for (let i = 0; i < 6; i++) add(`late${i}`)
    const before = fetch.requests.length
    delivery._exit_(false)
    await tick(0)
    for (const request of fetch.requests.slice(before)) expect(request.batch.events.length).toBeLessThanOrEqual(2)
  })

  test('honours a Retry-After still running: nothing is sent, everything stays stored', async () => {
    supportKeepalive()
    fetch.setPlan([{ status: 429, headers: { 'Retry-After': '600' } }])
    const storage = memoryStorage()
    const { add, delivery } = setup({ storage, batchSize: 2 })
    add('a')
    add('b')
    await tick(10)
    expect(fetch.requests).toHaveLength(1)
    add('c')
    delivery._exit_(false)
    await tick(0)
    expect(fetch.requests).toHaveLength(1)
    expect(await stored(storage)).toEqual(['a', 'b', 'c'])
  })
  test('sends what this page has not had acknowledged, written or not, by keepalive fetch', async () => {
    supportKeepalive()
    fetch.setPlan(() => ({ hang: true }))
    const { add, delivery, storage } = setup({ flushInterval: 60_000 })
    add('written')
    await tick(0)
    add('unwritten')
    delivery._exit_(false)
    await tick(0)
    expect(fetch.requests).toHaveLength(1)
    expect(fetch.requests[0]!.keepalive).toBe(true)
    expect(fetch.names()).toEqual(['written', 'unwritten'])
    expect(await stored(storage)).toEqual(['written', 'unwritten'])
    fetch.release(200)
    await tick(0)
    expect(await stored(storage)).toEqual([])
  })

  test('does not send again what is already in flight', async () => {
    supportKeepalive()
    fetch.setPlan(() => ({ hang: true }))
    const { add, delivery } = setup({ flushInterval: 60_000 })
    add('first')
    delivery._exit_(false)
    add('second')
    delivery._exit_(true)
    await tick(0)
    expect(fetch.requests.map((request) => fetch.names(request.batch.events))).toEqual([['first'], ['second']])
  })

  test('does not send events another tab delivered', async () => {
    supportKeepalive()
    const storage = memoryStorage()
    const { add, delivery } = setup({ storage, flushInterval: 60_000 })
    const event = add('delivered-elsewhere')
    // Stored: only then can another tab have sent it.
    await tick(WRITE_WINDOW)
    const other = new BroadcastChannel(SCOPE._channel_)
    other.postMessage({ delivered: [event.id + '.1'] })
    other.close()
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    delivery._exit_(true)
    await tick(0)
    expect(fetch.requests).toHaveLength(0)
  })

  /** A journal that journals everything (or leaves `unsaved` events out), and records delivered-key notes. */
  const fakeJournal = (unsaved = 0) => ({ _hold_: () => () => {}, _save_: vi.fn(() => unsaved), _saveDelivered_: vi.fn() })
  const persistent = (): QueueStorage => ({ ...memoryStorage(), _persistent_: true })

  test('left for a page of the same origin, with everything journaled: no exit send, the next page sends', async () => {
    supportKeepalive()
    const journal = fakeJournal()
    const storage = persistent()
    const { add, delivery } = setup({ storage, journal, flushInterval: 60_000, departing: () => true })
    add('leaving')
    delivery._exit_(true)
    await tick(0)
    expect(journal._save_).toHaveBeenCalled()
    expect(fetch.requests).toHaveLength(0)
    expect(await stored(storage)).toEqual(['leaving'])
  })

  test('while the page is being left for a page of the site, timed sends wait; flush() still sends', async () => {
    let departing = true
    const storage = persistent()
    const { add, delivery } = setup({ storage, batchSize: 2, departing: () => departing })
    add('a')
    add('b')
    await tick(WRITE_WINDOW)
    expect(fetch.requests).toHaveLength(0)
    expect(await stored(storage)).toEqual(['a', 'b'])
    await delivery._flush_(true)
    expect(fetch.names()).toEqual(['a', 'b'])
    // The navigation did not happen after all: timed sends go on.
    departing = false
    add('c')
    add('d')
    await tick(5000)
    expect(fetch.names()).toEqual(['a', 'b', 'c', 'd'])
  })

  test('left for the same origin, but something could not be journaled, or the queue is only in memory: the exit send goes', async () => {
    supportKeepalive()
    const unjournaled = setup({ storage: persistent(), journal: fakeJournal(1), flushInterval: 60_000, departing: () => true })
    unjournaled.add('not-journaled')
    unjournaled.delivery._exit_(true)
    const inMemory = setup({ storage: memoryStorage(), journal: fakeJournal(), flushInterval: 60_000, departing: () => true })
    inMemory.add('memory-only')
    inMemory.delivery._exit_(true)
    await tick(0)
    expect(fetch.names()).toEqual(['not-journaled', 'memory-only'])
    expect(unjournaled.errors.map((error) => error.code)).toContain('storage_failed')
  })

  test('delivered events whose deletion has not committed are noted in the journal on the way out', async () => {
    supportKeepalive()
    const journal = fakeJournal()
    const storage = persistent()
    const { add, delivery } = setup({ storage, journal, batchSize: 10, flushInterval: 60_000 })
    const events = [add('a'), add('b')]
    // The deletion after delivery never completes (the page is about to go).
    const remove = vi.spyOn(storage, '_remove_').mockImplementation(() => new Promise(() => {}))
    void delivery._flush_(true)
    for (let i = 0; i < 20 && !remove.mock.calls.length; i++) await tick(0)
    expect(fetch.names()).toEqual(['a', 'b'])
    expect(remove).toHaveBeenCalled()
    delivery._exit_(true)
    expect(journal._saveDelivered_).toHaveBeenCalledWith(events.map((event) => event.id + '.1'))
    // Nothing to send on the way out: both are delivered.
    expect(fetch.requests).toHaveLength(1)
  })

  test('does nothing after stop()', async () => {
    supportKeepalive()
    const { add, delivery } = setup()
    add()
    delivery._stop_()
    delivery._exit_(true)
    await tick(10_000)
    expect(fetch.requests).toHaveLength(0)
  })
})

describe('stop', () => {
  test('writes what is pending, leaves no timer, sends nothing more', async () => {
    const storage = memoryStorage()
    const { add, delivery } = setup({ storage })
    add('pending')
    delivery._stop_()
    await tick(0)
    expect(await stored(storage)).toEqual(['pending'])
    expect(vi.getTimerCount()).toBe(0)
    add('after-stop')
    delivery._resume_()
    await delivery._flush_(true)
    await tick(60_000)
    expect(fetch.requests).toHaveLength(0)
  })
})

describe('chaos (N15)', () => {
  /** A small seeded generator, so that a failing seed can be replayed. */
  function mulberry32(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }

  test.each([1, 2, 3, 4, 5])('seed %i: 30 % 5xx, 5 % resets, 10 % slow: nothing lost, dedup holds', async (seed) => {
    const random = mulberry32(seed)
    fetch.setPlan(() => {
      const roll = random()
      if (roll < 0.3) return { status: 500 + Math.floor(random() * 4) }
      if (roll < 0.35) return { reject: true }
      if (roll < 0.45) return { delay: 3000 }
      return { status: 200 }
    })
    const storage = memoryStorage()
    const { add } = setup({ storage })
    const accepted = new Set<string>()
    for (let second = 0; second < 50; second++) {
      for (let i = 0; i < 10; i++) accepted.add(add().id)
      await tick(1000)
    }
    await tick(10 * 60_000)
    const delivered = new Set(fetch.delivered().map((event) => event.id))
    expect([...accepted].filter((id) => !delivered.has(id))).toEqual([])
    expect(delivered.size).toBe(accepted.size)
    expect(await stored(storage)).toEqual([])
    expect(fetch.maxInFlight()).toBe(1)
  })
})
