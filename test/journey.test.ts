/**
 * createJourney end to end on one page: the envelope on the wire, validation, sessions, identity,
 * the IndexedDB queue and its fallbacks, batching, retries, offline, the unload path, consent,
 * flush and destroy. Only the edges are fake: IndexedDB (fake-indexeddb, broken on demand), the
 * clock, fetch, sendBeacon and a few navigator/document properties.
 */
import { describe, expect, test, vi } from 'vitest'
import { version } from '../package.json'
import type { Journey, JourneyEvent } from '../src/types'
import { WRITE_WINDOW } from '../src/delivery'
import {
  fakeBeacon,
  fakeLocks,
  leavePage,
  setDoNotTrack,
  setGlobalPrivacyControl,
  setOnline,
  setVisibility,
  supportKeepalive,
} from './helpers/browser'
import { ENDPOINT, usePage } from './helpers/journey'
import {
  countTransactions,
  databaseNames,
  failEventWrites,
  openHangs,
  openThrows,
  readDatabase,
  removeIndexedDB,
  seedDatabase,
} from './helpers/storage'
import { START, advance, idle, until } from './helpers/time'
import { hostileProxy, revokedProxy } from './helpers/hostile'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const MINUTE = 60_000

/** Start-up: state read from IndexedDB and the first (empty) look at the queue done. */
async function ready(): Promise<void> {
  await advance(300)
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function ids(events: Array<{ id: string }>): string[] {
  return events.map((event) => event.id)
}

async function storedNames(): Promise<string[]> {
  const contents = await readDatabase()
  return (contents?.queue ?? []).map(([, event]) => event.name as string)
}

describe('the envelope on the wire', () => {
  const page = usePage()

  test('a POST of JSON as text/plain, credentials omitted, no redirect followed', async () => {
    const journey = page.make()
    journey.track('add_to_cart', { sku: 'A1', price: 20 })
    await advance(6000)
    expect(page.fetch.requests).toHaveLength(1)
    const [request] = page.fetch.requests
    expect(request!.url).toBe(ENDPOINT)
    expect(request!.init.method).toBe('POST')
    expect(new Headers(request!.init.headers).get('Content-Type')).toBe('text/plain;charset=UTF-8')
    expect(request!.init.credentials).toBe('omit')
    expect(request!.init.redirect).not.toBe('follow')
    expect(request!.init.referrerPolicy).toBe('no-referrer')
    expect(Object.keys(request!.batch).sort()).toEqual(['events', 'sentAt'])
    // The response body is released (an unread keepalive body holds on to the 64 KiB quota).
    expect(request!.bodyReleased).toBe(true)
  })

  test('every event has exactly the fields of the design, with the context and library', async () => {
    document.title = 'Cart'
    history.replaceState(null, '', '/cart?utm_source=newsletter')
    const journey = page.make()
    journey.track('add_to_cart', { sku: 'A1', price: 20 })
    await advance(6000)
    const [event] = page.fetch.sent()
    expect(Object.keys(event!).sort()).toEqual(
      ['anonymousId', 'context', 'id', 'name', 'phase', 'props', 'sessionId', 'timestamp', 'type', 'userId'].sort(),
    )
    expect(event).toMatchObject({
      type: 'track',
      name: 'add_to_cart',
      props: { sku: 'A1', price: 20 },
      timestamp: iso(START),
      userId: null,
      phase: 'awareness',
    })
    expect(event!.id).toMatch(UUID_V7)
    expect(event!.anonymousId).toMatch(/\S{8,}/)
    expect(event!.sessionId).toMatch(/\S{8,}/)
    expect(event!.context).toMatchObject({
      url: `${location.origin}/cart?utm_source=newsletter`,
      path: '/cart',
      title: 'Cart',
      referrer: '',
      locale: navigator.language,
      screen: { width: screen.width, height: screen.height },
      library: { name: 'journeykit', version },
    })
    history.replaceState(null, '', '/')
    document.title = ''
  })

  test('the default phase model puts a first visitor in awareness', async () => {
    const journey = page.make({ phases: undefined })
    expect(journey.phase).toBe('awareness')
    journey.track('video_played')
    await advance(6000)
    expect(page.fetch.sent().find((event) => event.name === 'video_played')?.phase).toBe('awareness')
  })

  test('secrets in the page URL never reach the wire', async () => {
    history.replaceState(null, '', '/reset?token=s3cr3t-t0ken&email=ann%40example.com&utm_source=x')
    const journey = page.make()
    journey.track('viewed')
    await advance(6000)
    history.replaceState(null, '', '/')
    const body = page.fetch.requests.map((request) => request.body).join('\n')
    expect(body).not.toContain('s3cr3t-t0ken')
    expect(body).not.toContain('ann%40example.com')
    expect(body).not.toContain('ann@example.com')
    expect(page.fetch.sent()[0]!.context.url).toContain('utm_source=x')
  })

  test('ids are unique UUIDv7s in tracking order; timestamps are tracking times', async () => {
    const journey = page.make({ batchSize: 100 })
    for (let i = 0; i < 50; i++) {
      journey.track('step', { i })
      if (i % 10 === 9) await vi.advanceTimersByTimeAsync(7)
    }
    await advance(6000)
    const sent = page.fetch.sent()
    expect(sent).toHaveLength(50)
    expect(sent.map((event) => event.props.i)).toEqual([...Array(50).keys()])
    expect(new Set(ids(sent)).size).toBe(50)
    for (const event of sent) expect(event.id).toMatch(UUID_V7)
    expect([...ids(sent)].sort()).toEqual(ids(sent))
    // Tracked at START + 7 ms per ten events, whenever they were processed or sent.
    expect(sent.map((event) => event.timestamp)).toEqual(sent.map((_, i) => iso(START + 7 * Math.floor(i / 10))))
    // sentAt is when the request went.
    expect(page.fetch.requests[0]!.batch.sentAt).toBe(iso(page.fetch.requests[0]!.at))
  })

  test('a retry carries the same ids and timestamps, and a new sentAt', async () => {
    page.fetch.setPlan([{ status: 503 }, { status: 503 }, { status: 200 }])
    const journey = page.make()
    await ready()
    journey.track('a')
    journey.track('b')
    await advance(20_000)
    const [first, second, third] = page.fetch.requests
    expect(page.fetch.requests).toHaveLength(3)
    expect(ids(second!.batch.events)).toEqual(ids(first!.batch.events))
    expect(ids(third!.batch.events)).toEqual(ids(first!.batch.events))
    expect(third!.batch.events.map((event) => event.timestamp)).toEqual(first!.batch.events.map((event) => event.timestamp))
    expect(second!.batch.sentAt).toBe(iso(second!.at))
    expect(third!.batch.sentAt).toBe(iso(third!.at))
    expect(third!.at).toBeGreaterThan(first!.at)
    expect(second!.batch.sentAt).not.toBe(first!.batch.sentAt)
  })

  test('page() records a page view; identify() an identify event carrying the user id', async () => {
    const journey = page.make()
    journey.page({ section: 'home' })
    journey.identify('user-1', { plan: 'pro' })
    journey.track('after')
    await advance(6000)
    const [view, identify, after] = page.fetch.sent()
    expect(view).toMatchObject({ type: 'page', name: 'page_view', props: { section: 'home' }, userId: null })
    expect(identify).toMatchObject({ type: 'identify', name: 'identify', props: { plan: 'pro' }, userId: 'user-1' })
    expect(after).toMatchObject({ type: 'track', name: 'after', userId: 'user-1' })
    expect(new Set([view!.anonymousId, identify!.anonymousId, after!.anonymousId]).size).toBe(1)
  })
})

describe('bad input never throws and never blocks the queue', () => {
  const page = usePage()

  test('names that are not non-empty strings of at most 255 characters are dropped, one warning', async () => {
    const journey = page.make()
    const bad: unknown[] = [42, null, undefined, {}, '', '   ', 'x'.repeat(256), ['a']]
    for (const name of bad) expect(() => journey.track(name as string)).not.toThrow()
    journey.track('x'.repeat(255))
    journey.track('  padded  ')
    await advance(6000)
    expect(page.fetch.names()).toEqual(['x'.repeat(255), 'padded'])
    const invalid = page.errors.filter((error) => error.code === 'invalid_name')
    expect(invalid).toHaveLength(bad.length)
    const warnings = page.warn.mock.calls.filter(([message]) => /names/i.test(String(message)))
    expect(warnings).toHaveLength(1)
    expect(String(warnings[0]![0])).toMatch(/^\[journeykit\]/)
  })

  test('props are cleaned by the documented rules', async () => {
    const journey = page.make()
    const circular: Record<string, unknown> = { name: 'loop' }
    circular.self = circular
    const getter = Object.defineProperty({ fine: 1 }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter')
      },
    })
    const props = {
      circular,
      big: 10n ** 20n,
      fn: () => 1,
      sym: Symbol('s'),
      undef: undefined,
      node: document.createElement('div'),
      win: window,
      map: new Map<unknown, unknown>([['k', 1], ['j', new Set([1, 2])]]),
      set: new Set(['a', 'b']),
      date: new Date(Date.UTC(2026, 0, 2)),
      badDate: new Date(NaN),
      nan: NaN,
      inf: -Infinity,
      arr: [1, undefined, () => 2, 'x'],
      getter,
      text: 'kept',
      n: 3,
      yes: true,
      nil: null,
    }
    expect(() => journey.track('messy', props)).not.toThrow()
    await advance(6000)
    expect(page.fetch.sent()[0]!.props).toEqual({
      circular: { name: 'loop', self: '[Circular]' },
      big: '100000000000000000000',
      map: { k: 1, j: [1, 2] },
      set: ['a', 'b'],
      date: '2026-01-02T00:00:00.000Z',
      badDate: null,
      nan: null,
      inf: null,
      arr: [1, null, null, 'x'],
      getter: { fine: 1 },
      text: 'kept',
      n: 3,
      yes: true,
      nil: null,
    })
    expect(page.errors.some((error) => error.code === 'props_cleaned')).toBe(true)
    // One console warning for the kind, however many rules applied.
    expect(page.warn.mock.calls.filter(([message]) => /cleaned/.test(String(message)))).toHaveLength(1)
  })

  test('a nested object that throws when read is left out, its siblings kept', async () => {
    const journey = page.make()
    const hostile = hostileProxy()
    const revoked = revokedProxy()
    expect(() => journey.track('proxied', { ok: 1, hostile, nested: { fine: true, revoked } })).not.toThrow()
    await advance(6000)
    expect(page.fetch.sent()[0]?.props).toEqual({ ok: 1, nested: { fine: true } })
  })

  test('props that are a Proxy throwing everywhere do not throw into the page', async () => {
    const journey = page.make()
    const hostile = hostileProxy()
    expect(() => journey.track('proxied', hostile)).not.toThrow()
    for (let i = 0; i < 100; i++) journey.track('good', { i })
    await advance(60_000)
    expect(page.fetch.delivered().filter((event) => event.name === 'good')).toHaveLength(100)
  })

  test('__proto__, constructor and prototype keys are left out; Object.prototype stays clean', async () => {
    const journey = page.make()
    const before = Object.getOwnPropertyNames(Object.prototype).sort()
    const parsed = JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"ok":{"__proto__":{"polluted":3}},"kept":1}')
    journey.track('pollute', parsed)
    journey.track('pollute-map', { m: new Map([['__proto__', { polluted: 4 }]]) })
    await advance(6000)
    const [first, second] = page.fetch.sent()
    expect(first!.props).toEqual({ ok: {}, kept: 1 })
    expect(Object.getPrototypeOf(first!.props)).toBe(Object.prototype)
    expect(second!.props).toEqual({ m: {} })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before)
  })

  test('props that are not a plain object are replaced by {} and reported', async () => {
    const journey = page.make()
    journey.track('a', 'text' as never)
    journey.track('b', [1, 2] as never)
    journey.track('c', 5 as never)
    journey.track('d', document.body as never)
    await advance(6000)
    expect(page.fetch.sent().map((event) => [event.name, event.props])).toEqual([
      ['a', {}],
      ['b', {}],
      ['c', {}],
      ['d', {}],
    ])
    expect(page.errors.filter((error) => error.code === 'invalid_props')).toHaveLength(4)
  })

  test('an event over 32 KiB is rejected whole; the next 100 good events flow', async () => {
    const journey = page.make()
    journey.track('huge', { blob: 'x'.repeat(33 * 1024) })
    journey.track('huge-multibyte', { blob: '€'.repeat(12 * 1024) }) // 36 KiB of UTF-8
    for (let i = 0; i < 100; i++) journey.track('good', { i })
    await advance(60_000)
    const delivered = page.fetch.delivered()
    expect(delivered.map((event) => event.name)).toEqual(Array(100).fill('good'))
    expect(delivered.map((event) => event.props.i)).toEqual([...Array(100).keys()])
    expect(page.errors.filter((error) => error.code === 'event_too_large')).toHaveLength(2)
    for (const request of page.fetch.requests) expect(new TextEncoder().encode(request.body).length).toBeLessThanOrEqual(60_000)
  })

  test('identify() with no usable user id is reported and records nothing', async () => {
    const journey = page.make()
    for (const id of ['', '  ', null, undefined, {}]) expect(() => journey.identify(id as string)).not.toThrow()
    journey.track('after')
    await advance(6000)
    expect(page.fetch.sent().map((event) => [event.name, event.userId])).toEqual([['after', null]])
    expect(page.errors.filter((error) => error.code === 'invalid_user_id')).toHaveLength(5)
  })

  test('a throwing onError, beforeSend or touchpoint never reaches the page', async () => {
    const journey = page.make({
      onError: () => {
        throw new Error('onError')
      },
      beforeSend: (event) => {
        if (event.name === 'explode') throw new Error('beforeSend')
        return event
      },
      touchpoints: [
        {
          name: 'broken',
          setup: () => {
            throw new Error('setup')
          },
          enrich: () => {
            throw new Error('enrich')
          },
        },
      ],
    })
    expect(() => journey.track(42 as never)).not.toThrow()
    expect(() => journey.track('explode')).not.toThrow()
    expect(() => journey.track('fine')).not.toThrow()
    await advance(6000)
    expect(page.fetch.names()).toEqual(['explode', 'fine'])
  })

  test('beforeSend may change an event or drop it (null)', async () => {
    const journey = page.make({
      beforeSend: (event) => (event.name === 'secret' ? null : { ...event, props: { ...event.props, tagged: true } }),
    })
    journey.track('secret')
    journey.track('public', { a: 1 })
    await advance(6000)
    expect(page.fetch.sent().map((event) => [event.name, event.props])).toEqual([['public', { a: 1, tagged: true }]])
  })
})

describe('sessions and identity', () => {
  const page = usePage()

  test('the same session within sessionTimeout of activity, a new one after it', async () => {
    const journey = page.make({ sessionTimeout: MINUTE })
    journey.track('a')
    await advance(50_000)
    journey.track('b') // 50 s later: same session
    await advance(50_000)
    journey.track('c') // 50 s after b: still the same (inactivity, not session length)
    await advance(MINUTE + 1000)
    journey.track('d') // 61 s of inactivity: a new session
    await advance(6000)
    const [a, b, c, d] = page.fetch.sent()
    expect(b!.sessionId).toBe(a!.sessionId)
    expect(c!.sessionId).toBe(a!.sessionId)
    expect(d!.sessionId).not.toBe(a!.sessionId)
    expect(d!.anonymousId).toBe(a!.anonymousId)
  })

  test('the default session timeout is 30 minutes', async () => {
    const journey = page.make()
    journey.track('a')
    await advance(6000)
    await vi.advanceTimersByTimeAsync(29 * MINUTE)
    journey.track('b')
    await advance(6000)
    await vi.advanceTimersByTimeAsync(31 * MINUTE)
    journey.track('c')
    await advance(6000)
    const [a, b, c] = page.fetch.sent()
    expect(b!.sessionId).toBe(a!.sessionId)
    expect(c!.sessionId).not.toBe(a!.sessionId)
  })

  test('identity and session survive a reload; the session still ends after the timeout', async () => {
    const first = page.make({ sessionTimeout: MINUTE })
    first.track('before-reload')
    await advance(6000)
    first.destroy()
    await advance(10_000)

    const second = page.make({ sessionTimeout: MINUTE })
    second.track('after-reload')
    await advance(6000)
    second.destroy()
    await advance(2 * MINUTE)

    const third = page.make({ sessionTimeout: MINUTE })
    third.track('next-day')
    await advance(6000)

    const [before, after, later] = page.fetch.sent()
    expect(after!.name).toBe('after-reload')
    expect(after!.anonymousId).toBe(before!.anonymousId)
    expect(after!.sessionId).toBe(before!.sessionId)
    expect(later!.anonymousId).toBe(before!.anonymousId)
    expect(later!.sessionId).not.toBe(before!.sessionId)
  })

  test('the anonymous id lives in IndexedDB, never in a cookie', async () => {
    const journey = page.make()
    journey.track('a')
    await advance(6000)
    const contents = await readDatabase()
    expect(contents?.state.anonymousId).toBe(page.fetch.sent()[0]!.anonymousId)
    expect(document.cookie).toBe('')
  })

  test('identify() ties later events to the user, also after a reload', async () => {
    const first = page.make()
    first.track('anonymous')
    first.identify('user-7')
    first.track('known')
    await advance(6000)
    first.destroy()
    const second = page.make()
    second.track('reloaded')
    await advance(6000)
    expect(page.fetch.sent().map((event) => [event.name, event.userId])).toEqual([
      ['anonymous', null],
      ['identify', 'user-7'],
      ['known', 'user-7'],
      ['reloaded', 'user-7'],
    ])
  })

  test('reset() forgets the user: new anonymous id and session, no user id, in call order', async () => {
    const journey = page.make()
    journey.identify('user-7')
    journey.track('before')
    journey.reset()
    journey.track('after')
    await advance(6000)
    const [identify, before, after] = page.fetch.sent()
    expect(before).toMatchObject({ name: 'before', userId: 'user-7' })
    expect(after).toMatchObject({ name: 'after', userId: null })
    expect(after!.anonymousId).not.toBe(identify!.anonymousId)
    expect(after!.sessionId).not.toBe(identify!.sessionId)
    // The new identity is what a reload sees.
    journey.destroy()
    const next = page.make()
    next.track('reloaded')
    await advance(6000)
    expect(page.fetch.sent()[3]).toMatchObject({ name: 'reloaded', userId: null, anonymousId: after!.anonymousId })
  })
})

describe('the IndexedDB queue', () => {
  const page = usePage()

  test('a burst of track() calls is one IndexedDB write', async () => {
    const journey = page.make({ batchSize: 5000, flushInterval: 10 * MINUTE })
    await ready()
    const transactions = countTransactions()
    for (let i = 0; i < 60; i++) journey.track('burst', { i })
    await advance(WRITE_WINDOW)
    expect(transactions.eventWrites()).toBe(1)
    // Events and state (session, anonymous id) go in the same transaction.
    expect(transactions.readwrite()).toBe(1)
    expect((await readDatabase())?.queue).toHaveLength(60)
  })

  /**
   * Processing yields to the page every few milliseconds (no long task); how many slices a burst
   * takes depends on the device. `performance.now` is made to advance 1 ms per reading, as on a
   * slow phone, so that the burst is processed in several slices.
   */
  function slowDevice(): void {
    let now = 0
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 1))
  }

  test('a burst of 1 000 track() calls is one IndexedDB write, even when processed in slices', async () => {
    const journey = page.make({ batchSize: 5000, flushInterval: 10 * MINUTE })
    await ready()
    const transactions = countTransactions()
    slowDevice()
    for (let i = 0; i < 1000; i++) journey.track('burst', { i })
    await advance(WRITE_WINDOW)
    for (let i = 0; i < 40 && (await readDatabase())?.queue.length !== 1000; i++) await idle(50)
    expect((await readDatabase())?.queue).toHaveLength(1000)
    expect(transactions.eventWrites()).toBe(1)
  })

  test('with the default batch size, a sliced burst of 1 000 is stored in one write at most', async () => {
    const journey = page.make()
    await ready()
    const transactions = countTransactions()
    slowDevice()
    for (let i = 0; i < 1000; i++) journey.track('burst', { i })
    await advance(60_000)
    expect(page.fetch.delivered()).toHaveLength(1000)
    // None when all of it is delivered within the write window (as here, the endpoint answering at once).
    expect(transactions.eventWrites()).toBeLessThanOrEqual(1)
  })

  test('track() does no storage or network work before it returns', async () => {
    const journey = page.make()
    await ready()
    const transactions = countTransactions()
    const open = vi.spyOn(indexedDB, 'open')
    const before = page.fetch.requests.length
    journey.track('sync')
    expect(transactions.readwrite()).toBe(0)
    expect(open).not.toHaveBeenCalled()
    expect(page.fetch.requests.length).toBe(before)
  })

  test('events stay stored until a 2xx, then are deleted', async () => {
    page.fetch.setPlan([{ hang: true }, { status: 500 }, { status: 200 }])
    const journey = page.make()
    await ready()
    journey.track('a')
    journey.track('b')
    await advance(6000)
    expect(page.fetch.requests).toHaveLength(1)
    expect(await storedNames()).toEqual(['a', 'b'])
    page.fetch.release(503)
    await idle()
    expect(await storedNames()).toEqual(['a', 'b'])
    await advance(1300)
    expect(page.fetch.requests.map((request) => request.answered)).toEqual([503, 500])
    expect(await storedNames()).toEqual(['a', 'b'])
    await advance(3000)
    expect(page.fetch.requests.map((request) => request.answered)).toEqual([503, 500, 200])
    expect(await storedNames()).toEqual([])
  })

  test('events stored by an earlier page go out after the next load, with their ids', async () => {
    page.fetch.setPlan(() => ({ reject: true }))
    const first = page.make()
    first.track('left-behind')
    await advance(6000)
    first.destroy()
    const sentBefore = page.fetch.sent()
    expect(await storedNames()).toEqual(['left-behind'])
    page.fetch.setPlan(() => ({ status: 200 }))
    page.make()
    await advance(2000)
    const delivered = page.fetch.delivered()
    expect(delivered.map((event) => event.name)).toEqual(['left-behind'])
    expect(delivered[0]!.id).toBe(sentBefore[0]!.id)
    expect(await storedNames()).toEqual([])
  })

  test('corrupt stored records (another version, tampering) are never sent and block nothing', async () => {
    const valid = {
      id: '01a20000-0000-7000-8000-000000000001',
      type: 'track',
      name: 'valid',
      props: {},
      timestamp: iso(START - MINUTE),
      anonymousId: 'a',
      userId: null,
      sessionId: 's',
      phase: 'awareness',
      context: { url: 'http://localhost:3000/', path: '/', title: '', referrer: '', locale: 'en', screen: { width: 1, height: 1 }, library: { name: 'journeykit', version } },
    }
    await seedDatabase([
      ['q:0000-a', 'not json at all'],
      ['q:0000-b', { an: 'object, not a string' }],
      ['q:0000-c', 42],
      ['q:0000-d', '{"__proto__":{"polluted":1}}'],
      ['q:01a20000-0000-7000-8000-000000000001.1', JSON.stringify(valid)],
    ])
    page.make()
    await advance(20_000)
    for (const request of page.fetch.requests) expect(() => JSON.parse(request.body)).not.toThrow()
    expect(page.fetch.names(page.fetch.delivered())).toContain('valid')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('maxQueueSize: the oldest go first and the count travels once as `dropped`', async () => {
    setOnline(false)
    const journey = page.make({ maxQueueSize: 5, batchSize: 4 })
    await ready()
    for (let i = 1; i <= 8; i++) {
      journey.track(`e${i}`)
      await idle(5)
    }
    await advance(6000)
    expect(page.fetch.requests).toHaveLength(0)
    expect(await storedNames()).toEqual(['e4', 'e5', 'e6', 'e7', 'e8'])
    const full = page.errors.filter((error) => error.code === 'queue_full')
    expect(full.reduce((sum, error) => sum + (error.count ?? 0), 0)).toBe(3)
    setOnline(true)
    await advance(6000)
    const [first, second] = page.fetch.requests
    expect(page.fetch.requests).toHaveLength(2)
    expect(page.fetch.names(first!.batch.events)).toEqual(['e4', 'e5', 'e6', 'e7'])
    expect(first!.batch.dropped).toBe(3)
    expect(page.fetch.names(second!.batch.events)).toEqual(['e8'])
    expect(second!.batch.dropped).toBeUndefined()
    expect((await readDatabase())?.dropped ?? 0).toBe(0)
  })

  test('a synchronous burst larger than maxQueueSize is not lost silently', async () => {
    const journey = page.make({ maxQueueSize: 5, batchSize: 100 })
    await ready()
    for (let i = 1; i <= 8; i++) journey.track(`e${i}`)
    await advance(6000)
    expect(page.fetch.names()).toEqual(['e4', 'e5', 'e6', 'e7', 'e8'])
    expect(page.fetch.requests[0]!.batch.dropped).toBe(3)
    expect(page.errors.filter((error) => error.code === 'queue_full').reduce((sum, error) => sum + (error.count ?? 0), 0)).toBe(3)
  })

  test('the dropped count survives a failed attempt and goes with the retry', async () => {
    setOnline(false)
    page.fetch.setPlan([{ status: 503 }])
    const journey = page.make({ maxQueueSize: 2 })
    await ready()
    for (let i = 1; i <= 4; i++) {
      journey.track(`e${i}`)
      await idle(5)
    }
    await advance(1000)
    setOnline(true)
    await advance(10_000)
    const [failed, retried] = page.fetch.requests
    expect(page.fetch.requests).toHaveLength(2)
    expect(failed!.batch.dropped).toBe(2)
    expect(retried!.batch.dropped).toBe(2)
    expect(page.fetch.names(retried!.batch.events)).toEqual(['e3', 'e4'])
  })
})

describe('when IndexedDB is missing or failing, the queue falls back to memory', () => {
  const page = usePage()

  async function deliversFromMemory(): Promise<void> {
    let journey!: Journey
    expect(() => (journey = page.make())).not.toThrow()
    journey.track('one')
    journey.track('two')
    await advance(20_000)
    journey.track('three')
    await advance(20_000)
    expect(page.fetch.names(page.fetch.delivered())).toEqual(['one', 'two', 'three'])
    const fallbacks = page.errors.filter((error) => error.code === 'storage_unavailable')
    expect(fallbacks).toHaveLength(1)
    expect(page.warn.mock.calls.filter(([message]) => /IndexedDB/.test(String(message)))).toHaveLength(1)
  }

  test('indexedDB is missing', async () => {
    removeIndexedDB()
    await deliversFromMemory()
  })

  test('indexedDB.open() throws', async () => {
    openThrows()
    await deliversFromMemory()
  })

  test('indexedDB.open() never settles: memory after the open timeout', async () => {
    const open = openHangs()
    const journey = page.make()
    journey.track('waited')
    await advance(2900)
    expect(page.fetch.requests).toHaveLength(0)
    await advance(20_000)
    expect(page.fetch.names(page.fetch.delivered())).toEqual(['waited'])
    expect(page.errors.filter((error) => error.code === 'storage_unavailable')).toHaveLength(1)
    expect(open.calls()).toBeGreaterThanOrEqual(1)
    journey.track('later')
    await advance(6000)
    expect(page.fetch.names(page.fetch.delivered())).toEqual(['waited', 'later'])
  })

  test('writes fail with QuotaExceededError: delivered from memory, IndexedDB kept for what it holds', async () => {
    failEventWrites('quota')
    const journey = page.make()
    journey.track('one')
    journey.track('two')
    await advance(20_000)
    journey.track('three')
    await advance(20_000)
    expect(page.fetch.names(page.fetch.delivered())).toEqual(['one', 'two', 'three'])
    expect(page.errors.filter((error) => error.code === 'storage_unavailable')).toHaveLength(0)
    expect(page.errors.filter((error) => error.code === 'storage_failed').length).toBeGreaterThan(0)
    expect(page.warn.mock.calls.filter(([message]) => /stored/.test(String(message)))).toHaveLength(1)
  })

  test('writes abort with a null error (idb-keyval #163)', async () => {
    failEventWrites('abort-null')
    await deliversFromMemory()
  })

  test('one failed write is retried on a reopened connection, and IndexedDB stays in use', async () => {
    const writes = failEventWrites('quota', 1)
    // Undelivered, so written (what is delivered within the write window never is).
    page.fetch.setPlan(() => ({ reject: true }))
    const journey = page.make()
    journey.track('a')
    await advance(6000)
    expect(writes.failed()).toBe(1)
    expect(page.errors.filter((error) => error.code === 'storage_unavailable')).toHaveLength(0)
    expect(await storedNames()).toContain('a')
    journey.track('b')
    await advance(6000)
    expect(await storedNames()).toContain('b')
  })
})

describe('batching', () => {
  const page = usePage()

  test('a full batch goes at once, a partial one after flushInterval', async () => {
    const journey = page.make({ batchSize: 5, flushInterval: 5000 })
    await ready()
    for (let i = 0; i < 5; i++) journey.track('full', { i })
    await advance(100)
    expect(page.fetch.requests).toHaveLength(1)
    expect(page.fetch.requests[0]!.batch.events).toHaveLength(5)

    const start = Date.now()
    journey.track('partial', { i: 0 })
    journey.track('partial', { i: 1 })
    await advance(4800)
    expect(page.fetch.requests).toHaveLength(1)
    await advance(400)
    expect(page.fetch.requests).toHaveLength(2)
    expect(page.fetch.requests[1]!.batch.events).toHaveLength(2)
    expect(page.fetch.requests[1]!.at - start).toBeGreaterThanOrEqual(5000)
  })

  test('at most batchSize events per request, in order', async () => {
    const journey = page.make({ batchSize: 20 })
    await ready()
    for (let i = 0; i < 45; i++) journey.track('e', { i })
    await advance(20_000)
    expect(page.fetch.requests.map((request) => request.batch.events.length)).toEqual([20, 20, 5])
    expect(page.fetch.sent().map((event) => event.props.i)).toEqual([...Array(45).keys()])
  })

  test('at most 60 000 bytes per request', async () => {
    const journey = page.make({ batchSize: 100 })
    await ready()
    for (let i = 0; i < 30; i++) journey.track('big', { i, blob: 'é'.repeat(5000) }) // ~10 KB each
    await advance(30_000)
    expect(page.fetch.delivered()).toHaveLength(30)
    expect(page.fetch.requests.length).toBeGreaterThanOrEqual(6)
    for (const request of page.fetch.requests) expect(new TextEncoder().encode(request.body).length).toBeLessThanOrEqual(60_000)
  })

  test('custom headers are sent', async () => {
    const journey = page.make({ headers: { 'X-Site': 'shop' } })
    journey.track('a')
    await advance(6000)
    const headers = new Headers(page.fetch.requests[0]!.init.headers)
    expect(headers.get('X-Site')).toBe('shop')
    expect(headers.get('Content-Type')).toBe('text/plain;charset=UTF-8')
  })
})

describe('retries', () => {
  const page = usePage()

  /** Tracks one event after start-up with the fetch plan given; returns the requests after `ms`. */
  async function attempts(plan: Parameters<typeof page.fetch.setPlan>[0], ms = 60_000) {
    page.fetch.setPlan(plan)
    const journey = page.make()
    await ready()
    journey.track('retry-me')
    await advance(ms)
    return page.fetch.requests
  }

  test.each([
    ['a network error', { reject: true }],
    ['408', { status: 408 }],
    ['429', { status: 429 }],
    ['500', { status: 500 }],
    ['502', { status: 502 }],
    ['503', { status: 503 }],
    ['504', { status: 504 }],
  ])('%s is retried until delivered, with the same id', async (_, step) => {
    const requests = await attempts([step, step, { status: 200 }])
    expect(requests).toHaveLength(3)
    expect(new Set(requests.map((request) => request.batch.events[0]!.id)).size).toBe(1)
    expect(await storedNames()).toEqual([])
    expect(page.errors.filter((error) => error.code === 'delivery_failed')).toHaveLength(2)
  })

  test('backoff is exponential with jitter: ~1 s, 2 s, 4 s, 8 s, 16 s (±25 %)', async () => {
    const requests = await attempts([500, 500, 500, 500, 500].map((status) => ({ status })), 60_000)
    expect(requests).toHaveLength(6)
    const gaps = requests.slice(1).map((request, i) => request.at - requests[i]!.at)
    gaps.forEach((gap, i) => {
      const base = 1000 * 2 ** i
      expect(gap).toBeGreaterThanOrEqual(base * 0.75 - 60)
      expect(gap).toBeLessThanOrEqual(base * 1.25 + 60)
    })
  })

  test('backoff is jittered: two pages do not retry in lock-step', async () => {
    const seen = new Set<number>()
    for (let run = 0; run < 5; run++) {
      const from = page.fetch.requests.length
      page.fetch.setPlan([{ status: 503 }, { status: 200 }])
      const journey = page.make()
      journey.track('x')
      await advance(3000, 10)
      const [failed, retried] = page.fetch.requests.slice(from)
      seen.add(retried!.at - failed!.at)
      journey.destroy()
    }
    expect(seen.size).toBeGreaterThan(1)
  })

  test('429 with Retry-After in seconds waits that long', async () => {
    const requests = await attempts([{ status: 429, headers: { 'Retry-After': '7' } }], 20_000)
    expect(requests).toHaveLength(2)
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(7000)
    expect(requests[1]!.at - requests[0]!.at).toBeLessThanOrEqual(7100)
  })

  test('503 with Retry-After as an HTTP date waits until then', async () => {
    page.fetch.setPlan((n, request) => (n === 1 ? { status: 503, headers: { 'Retry-After': new Date(request.at + 12_000).toUTCString() } } : undefined))
    const journey = page.make()
    await ready()
    journey.track('x')
    await advance(30_000)
    const [first, second] = page.fetch.requests
    expect(page.fetch.requests).toHaveLength(2)
    // HTTP dates have whole seconds.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(11_000)
    expect(second!.at - first!.at).toBeLessThanOrEqual(12_100)
  })

  test('an unreadable Retry-After falls back to the normal backoff', async () => {
    const requests = await attempts([{ status: 429, headers: { 'Retry-After': 'soon' } }], 10_000)
    expect(requests).toHaveLength(2)
    expect(requests[1]!.at - requests[0]!.at).toBeLessThanOrEqual(1300)
  })

  test('Retry-After: 0 on every answer does not retry in a hot loop', async () => {
    const requests = await attempts(() => ({ status: 503, headers: { 'Retry-After': '0' } }), 30_000)
    // Exponential backoff would make 5 or 6 attempts in 30 s.
    expect(requests.length).toBeLessThanOrEqual(10)
  })

  test('a hanging request is given up after a timeout and retried', async () => {
    const requests = await attempts([{ hang: true }, { status: 200 }], 70_000)
    expect(requests).toHaveLength(2)
    expect(requests[0]!.answered).toBe(0)
    expect(page.fetch.delivered()).toHaveLength(1)
    expect(page.fetch.maxInFlight()).toBe(1)
  })

  test('413 splits the batch in halves until it is taken; nothing is lost', async () => {
    page.fetch.setPlan((_, request) => (request.batch.events.length > 5 ? { status: 413 } : undefined))
    const journey = page.make({ batchSize: 20 })
    await ready()
    for (let i = 0; i < 20; i++) journey.track('many', { i })
    await advance(10_000)
    const sizes = page.fetch.requests.map((request) => request.batch.events.length)
    expect(sizes.slice(0, 3)).toEqual([20, 10, 5])
    // After each 413 the next request carries at most half as many.
    page.fetch.requests.forEach((request, i) => {
      if (request.answered === 413) expect(sizes[i + 1]).toBeLessThanOrEqual(Math.floor(sizes[i]! / 2))
    })
    expect(page.fetch.delivered().map((event) => event.props.i)).toEqual([...Array(20).keys()])
    expect(page.errors.filter((error) => error.code === 'delivery_rejected')).toHaveLength(0)
    expect(await storedNames()).toEqual([])
  })

  test('413 for a single event drops it and reports it', async () => {
    page.fetch.setPlan([{ status: 413 }])
    const journey = page.make()
    await ready()
    journey.track('single', { blob: 'x'.repeat(1000) })
    await advance(10_000)
    expect(page.fetch.requests).toHaveLength(1)
    expect(page.errors.filter((error) => error.code === 'delivery_rejected')).toEqual([expect.objectContaining({ status: 413, count: 1 })])
    expect(await storedNames()).toEqual([])
  })

  test.each([400, 401, 403, 404, 410, 422])('%i drops the batch, reports it, and the next batch goes on', async (status) => {
    page.fetch.setPlan([{ status }])
    const journey = page.make({ batchSize: 2 })
    await ready()
    journey.track('refused-1')
    journey.track('refused-2')
    journey.track('next-1')
    journey.track('next-2')
    await advance(6000)
    expect(page.fetch.requests.map((request) => page.fetch.names(request.batch.events))).toEqual([
      ['refused-1', 'refused-2'],
      ['next-1', 'next-2'],
    ])
    expect(page.errors.filter((error) => error.code === 'delivery_rejected')).toEqual([
      expect.objectContaining({ status, count: 2 }),
    ])
    expect(await storedNames()).toEqual([])
  })

  test('a redirect is not followed; it is reported and the batch dropped', async () => {
    const requests = await attempts([{ redirect: true, status: 302 }], 10_000)
    expect(requests).toHaveLength(1)
    expect(requests[0]!.init.redirect).toMatch(/manual|error/)
    expect(page.errors.filter((error) => error.code === 'delivery_rejected')).toHaveLength(1)
    expect(await storedNames()).toEqual([])
  })

  test('while a retry waits, newer events wait too and go with it (no request storm)', async () => {
    page.fetch.setPlan([{ status: 503 }])
    const journey = page.make({ batchSize: 2 })
    await ready()
    journey.track('a')
    journey.track('b')
    await advance(100)
    for (let i = 0; i < 6; i++) journey.track('c', { i })
    await advance(300)
    expect(page.fetch.requests).toHaveLength(1)
    await advance(10_000)
    expect(page.fetch.delivered()).toHaveLength(8)
  })
})

describe('offline', () => {
  const page = usePage()

  test('no requests while navigator.onLine is false; delivered soon after `online`', async () => {
    setOnline(false)
    const journey = page.make()
    for (let i = 0; i < 50; i++) journey.track('offline', { i })
    await advance(60_000, 500)
    expect(page.fetch.requests).toHaveLength(0)
    expect(await storedNames()).toHaveLength(50)
    setOnline(true)
    await advance(2000)
    expect(page.fetch.delivered().map((event) => event.props.i)).toEqual([...Array(50).keys()])
  })

  test('events tracked while the endpoint was unreachable (onLine lies) go out with backoff', async () => {
    page.fetch.setPlan(() => ({ reject: true }))
    const journey = page.make()
    journey.track('x')
    await advance(30_000, 200)
    // 1 + retries at ~1, 2, 4, 8, 16 s: no hot loop.
    expect(page.fetch.requests.length).toBeLessThanOrEqual(6)
    page.fetch.setPlan(() => ({ status: 200 }))
    setOnline(true)
    await advance(2000)
    expect(page.fetch.delivered().map((event) => event.name)).toEqual(['x'])
  })
})

describe('the unload path', () => {
  const page = usePage()

  test('hidden: unsent events go by keepalive fetch, stay stored until the 2xx', async () => {
    supportKeepalive()
    page.fetch.setPlan(() => ({ hang: true }))
    const journey = page.make({ flushInterval: 10 * MINUTE })
    await ready()
    for (let i = 0; i < 5; i++) journey.track('leaving', { i })
    setVisibility('hidden')
    await idle()
    const exits = page.fetch.requests.filter((request) => request.keepalive)
    expect(exits.length).toBeGreaterThanOrEqual(1)
    expect(exits.flatMap((request) => request.batch.events).map((event) => event.props.i)).toEqual([0, 1, 2, 3, 4])
    expect(await storedNames()).toHaveLength(5)
    page.fetch.release(200)
    await idle()
    expect(await storedNames()).toEqual([])
  })

  test('pagehide alone sends too', async () => {
    supportKeepalive()
    const journey = page.make({ flushInterval: 10 * MINUTE })
    await ready()
    journey.track('bye')
    window.dispatchEvent(new Event('pagehide'))
    await idle()
    expect(page.fetch.names()).toEqual(['bye'])
    expect(page.fetch.requests[0]!.keepalive).toBe(true)
  })

  test('what the exit send did not deliver is re-sent by the next page with the same ids', async () => {
    supportKeepalive()
    page.fetch.setPlan(() => ({ hang: true }))
    const first = page.make({ flushInterval: 10 * MINUTE })
    await ready()
    for (let i = 0; i < 3; i++) first.track('unload', { i })
    leavePage()
    await idle()
    const onExit = page.fetch.sent()
    expect(onExit).toHaveLength(3)
    // The page is gone before any answer: nothing settles.
    first.destroy()
    page.fetch.setPlan(() => ({ status: 200 }))
    const from = page.fetch.requests.length
    page.make()
    await advance(2000)
    const resent = page.fetch.requests.slice(from).flatMap((request) => request.batch.events)
    expect(ids(resent)).toEqual(ids(onExit))
  })

  /** A regular (keepalive) send of `inFlight` events of 10 KB hangs; then `unsent` 2 KB events wait. */
  async function hideWithSendInFlight(inFlight: number, unsent: number) {
    supportKeepalive()
    page.fetch.setPlan(() => ({ hang: true }))
    const journey = page.make({ batchSize: 100, flushInterval: 10 * MINUTE })
    await ready()
    for (let i = 0; i < inFlight; i++) journey.track('in-flight', { i, blob: 'a'.repeat(10_000) })
    void journey.flush()
    await idle()
    expect(page.fetch.requests).toHaveLength(1)
    expect(page.fetch.requests[0]!.keepalive).toBe(true)
    const inFlightBytes = new TextEncoder().encode(page.fetch.requests[0]!.body).length
    for (let i = 0; i < unsent; i++) journey.track('unsent', { i, blob: 'b'.repeat(2000) })
    setVisibility('hidden')
    await idle()
    const exits = page.fetch.requests.slice(1)
    const exitBytes = exits.map((request) => new TextEncoder().encode(request.body).length)
    return { exits, inFlightBytes, exitBytes, total: inFlightBytes + exitBytes.reduce((sum, bytes) => sum + bytes, 0) }
  }

  test('exit requests stay within the 60 000-byte budget, counting bytes already in flight', async () => {
    // 10 KB in flight and 19 × 2 KB unsent: all of it fits the budget (every event has every field).
    const { exits, exitBytes, total } = await hideWithSendInFlight(1, 19)
    expect(exits.length).toBeGreaterThanOrEqual(1)
    for (const bytes of exitBytes) expect(bytes).toBeLessThanOrEqual(60_000)
    expect(total).toBeLessThanOrEqual(60_000)
    for (const request of exits) expect(request.keepalive).toBe(true)
    expect(page.fetch.names(exits.flatMap((request) => request.batch.events))).toEqual(Array(19).fill('unsent'))
    // Sent, not acknowledged: still stored.
    expect(await storedNames()).toHaveLength(20)
  })

  test('the exit send uses the budget left by a request in flight instead of sending nothing', async () => {
    const { exits, total } = await hideWithSendInFlight(3, 20) // ~30 KB in flight, ~40 KB unsent
    expect(total).toBeLessThanOrEqual(60_000)
    expect(exits.length).toBeGreaterThanOrEqual(1)
    expect(await storedNames()).toHaveLength(23)
  })

  test('without keepalive fetch, sendBeacon carries the exit send; events stay stored', async () => {
    const beacon = fakeBeacon()
    beacon.install()
    const journey = page.make({ batchSize: 100, flushInterval: 10 * MINUTE })
    await ready()
    for (let i = 0; i < 5; i++) journey.track('beacon', { i })
    setVisibility('hidden')
    await idle()
    expect(beacon.calls.length).toBe(1)
    expect(beacon.calls[0]).toMatchObject({ url: ENDPOINT, accepted: true })
    expect((beacon.calls[0]!.data as Blob).type).toMatch(/^text\/plain/)
    const sent = (await beacon.batches()).flatMap((batch) => batch.events)
    expect(sent.map((event) => event.props.i)).toEqual([0, 1, 2, 3, 4])
    // A beacon's delivery is not observable: the events stay stored for the next load.
    expect(await storedNames()).toHaveLength(5)
  })

  test('pagehide: events given to sendBeacon stay stored (a beacon may be blocked, its fate is unknown)', async () => {
    const beacon = fakeBeacon()
    beacon.install()
    const journey = page.make({ batchSize: 100, flushInterval: 10 * MINUTE })
    await ready()
    for (let i = 0; i < 5; i++) journey.track('beacon', { i })
    leavePage()
    await idle()
    expect(beacon.calls.filter((call) => call.accepted)).toHaveLength(1)
    expect(await storedNames()).toHaveLength(5)
  })

  test('sendBeacon is never asked to go over the 64 KiB keep-alive quota', async () => {
    const beacon = fakeBeacon()
    beacon.install()
    const journey = page.make({ batchSize: 100, flushInterval: 10 * MINUTE })
    await ready()
    for (let i = 0; i < 20; i++) journey.track('beacon', { i, blob: 'c'.repeat(5000) }) // ~100 KB
    setVisibility('hidden')
    await idle()
    expect(beacon.calls.length).toBeGreaterThanOrEqual(1)
    for (const call of beacon.calls) expect(call.bytes).toBeLessThanOrEqual(60_000)
    expect(beacon.queued()).toBeLessThanOrEqual(60_000)
    expect(beacon.calls.filter((call) => !call.accepted)).toEqual([])
    expect(await storedNames()).toHaveLength(20)
  })

  test('pagehide after a failed attempt: what went out on exit stays stored and is re-sent', async () => {
    supportKeepalive()
    page.fetch.setPlan([{ status: 503 }], { hang: true })
    const first = page.make({ flushInterval: 10 * MINUTE })
    await ready()
    first.track('unlucky')
    await first.flush()
    leavePage()
    await idle()
    first.destroy()
    expect(await storedNames()).toEqual(['unlucky'])
    const id = page.fetch.sent()[0]!.id
    page.fetch.setPlan(() => ({ status: 200 }))
    page.make()
    await advance(2000)
    expect(page.fetch.delivered().map((event) => [event.name, event.id])).toEqual([['unlucky', id]])
  })

  test('a hidden page that comes back keeps delivering', async () => {
    supportKeepalive()
    const journey = page.make()
    await ready()
    journey.track('before-hide')
    setVisibility('hidden')
    await idle()
    setVisibility('visible')
    journey.track('after-show')
    await advance(6000)
    expect(page.fetch.names(page.fetch.delivered())).toEqual(['before-hide', 'after-show'])
  })
})

describe('back/forward cache', () => {
  const page = usePage()

  test('a page restored from the bfcache (pageshow) keeps delivering', async () => {
    supportKeepalive()
    const journey = page.make()
    await ready()
    journey.track('before-leaving')
    leavePage()
    await idle()
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }))
    setVisibility('visible')
    journey.track('after-restore')
    await advance(6000)
    expect(page.fetch.names()).toContain('after-restore')
    expect(page.fetch.names(page.fetch.delivered())).toEqual(expect.arrayContaining(['before-leaving', 'after-restore']))
  })
})

describe('the clock', () => {
  const page = usePage()

  test('a wall clock stepping back keeps tracking order; timestamps stay device time, sentAt per attempt', async () => {
    page.fetch.setPlan([{ status: 503 }])
    const journey = page.make({ batchSize: 100 })
    await ready()
    journey.track('first')
    await idle()
    vi.setSystemTime(Date.now() - 3_600_000)
    journey.track('second')
    await advance(20_000)
    const delivered = page.fetch.delivered()
    expect(delivered.map((event) => event.name)).toEqual(['first', 'second'])
    expect(Date.parse(delivered[1]!.timestamp)).toBeLessThan(Date.parse(delivered[0]!.timestamp))
    const [failed, retried] = page.fetch.requests
    expect(retried!.batch.sentAt).not.toBe(failed!.batch.sentAt)
    expect(retried!.batch.sentAt).toBe(iso(retried!.at))
  })
})

describe('consent and privacy signals', () => {
  const page = usePage()

  test('pending: nothing stored, nothing sent; granted: sent with the original timestamps', async () => {
    const journey = page.make({ consent: 'pending' })
    journey.track('early', { n: 1 })
    await advance(3000)
    journey.page()
    await advance(60_000, 1000)
    expect(page.fetch.requests).toHaveLength(0)
    expect(await databaseNames()).toEqual([])
    expect(localStorage.length).toBe(0)
    expect(document.cookie).toBe('')
    setVisibility('hidden')
    setVisibility('visible')
    await journey.flush()
    expect(page.fetch.requests).toHaveLength(0)

    journey.consent('granted')
    await advance(6000)
    expect(page.fetch.sent().map((event) => [event.name, event.timestamp])).toEqual([
      ['early', iso(START)],
      ['page_view', iso(START + 3000)],
    ])
  })

  test('denied: what was stored is deleted, nothing more is recorded or sent', async () => {
    page.fetch.setPlan(() => ({ reject: true }))
    const journey = page.make()
    journey.track('stored')
    await advance(3000)
    expect(await storedNames()).toEqual(['stored'])
    const requests = page.fetch.requests.length
    journey.consent('denied')
    journey.track('after-denial')
    await advance(60_000, 1000)
    expect(await databaseNames()).toEqual([])
    expect(page.fetch.requests.length).toBe(requests)
  })

  test('denied right after tracking: the unwritten events do not bring the database back', async () => {
    const journey = page.make()
    await ready()
    journey.track('just-tracked')
    await Promise.resolve() // decided, not yet written
    journey.consent('denied')
    await advance(10_000)
    expect(await databaseNames()).toEqual([])
    expect(page.fetch.requests).toHaveLength(0)
  })

  test('denied while a batch is in flight: its answer does not bring the database back', async () => {
    page.fetch.setPlan([{ hang: true }])
    const journey = page.make()
    journey.track('in-flight')
    await advance(1000)
    expect(page.fetch.requests).toHaveLength(1)
    journey.consent('denied')
    await idle()
    page.fetch.release(200)
    await advance(10_000)
    expect(await databaseNames()).toEqual([])
  })

  test('pending events are dropped by denied, and never sent', async () => {
    const journey = page.make({ consent: 'pending' })
    journey.track('waiting')
    journey.consent('denied')
    journey.consent('granted')
    journey.track('after-grant')
    await advance(6000)
    expect(page.fetch.names()).toEqual(['after-grant'])
  })

  test('created as denied: the database of earlier pages is deleted', async () => {
    page.fetch.setPlan(() => ({ reject: true }))
    const first = page.make()
    first.track('from-earlier-visit')
    await advance(3000)
    first.destroy()
    await idle()
    expect(await databaseNames()).toEqual(['journeykit'])
    page.make({ consent: 'denied' })
    await advance(5000)
    expect(await databaseNames()).toEqual([])
  })

  test.each([
    ['Global Privacy Control', () => setGlobalPrivacyControl(true)],
    ['Do Not Track', () => setDoNotTrack('1')],
  ])('%s counts as denied', async (_, signal) => {
    signal()
    const journey = page.make()
    journey.track('x')
    await advance(10_000)
    expect(page.fetch.requests).toHaveLength(0)
    expect(await databaseNames()).toEqual([])
    // ... until the visitor grants consent explicitly.
    journey.consent('granted')
    journey.track('granted')
    await advance(6000)
    expect(page.fetch.names()).toEqual(['granted'])
  })

  test("privacySignals: 'ignore' disregards them", async () => {
    setGlobalPrivacyControl(true)
    setDoNotTrack('1')
    const journey = page.make({ privacySignals: 'ignore' })
    journey.track('x')
    await advance(6000)
    expect(page.fetch.names()).toEqual(['x'])
  })

  test('an invalid consent() value is reported and changes nothing', async () => {
    const journey = page.make()
    expect(() => journey.consent('maybe' as never)).not.toThrow()
    journey.track('x')
    await advance(6000)
    expect(page.fetch.names()).toEqual(['x'])
    expect(page.errors.map((error) => error.code)).toContain('invalid_consent')
  })
})

describe('consent changes on a running page', () => {
  const page = usePage()

  test('granted → pending stops sending and keeps what is stored; granted again resumes', async () => {
    page.fetch.setPlan(() => ({ reject: true }))
    const journey = page.make()
    journey.track('kept')
    await advance(3000)
    journey.consent('pending')
    page.fetch.setPlan(() => ({ status: 200 }))
    const requests = page.fetch.requests.length
    journey.track('while-pending')
    await advance(30_000, 500)
    expect(page.fetch.requests.length).toBe(requests)
    expect(await storedNames()).toEqual(['kept'])
    journey.consent('granted')
    await advance(6000)
    expect(page.fetch.names(page.fetch.delivered())).toEqual(['kept', 'while-pending'])
  })
})

describe('misuse', () => {
  const page = usePage()

  test('changing the options object after createJourney changes nothing', async () => {
    const options = { endpoint: ENDPOINT, batchSize: 20 }
    const journey = page.make(options)
    options.endpoint = 'https://attacker.example/steal'
    options.batchSize = 1
    journey.track('a')
    journey.track('b')
    await advance(6000)
    expect(page.fetch.requests.map((request) => request.url)).toEqual([ENDPOINT])
  })

  test.each([
    ['props that get cleaned', (journey: Journey) => journey.track('x', { fn: () => {} }), { handler: () => {} }],
    ['a call after destroy()', (journey: Journey) => (journey.destroy(), journey.track('late')), {}],
  ])('an onError that tracks the error does not recurse without end: %s', async (_, trigger, extra) => {
    let calls = 0
    const journey: Journey = page.make({
      onError: (error) => {
        calls++
        journey.track('journeykit_error', { code: error.code, ...extra })
      },
    })
    await ready()
    expect(() => trigger(journey)).not.toThrow()
    expect(calls).toBeLessThan(10)
    await advance(6000)
    expect(page.fetch.sent().length).toBeLessThan(10)
  })
})

describe('flush()', () => {
  const page = usePage()

  test('resolves once the endpoint has answered', async () => {
    page.fetch.setPlan([{ hang: true }])
    const journey = page.make({ flushInterval: 10 * MINUTE })
    await ready()
    journey.track('x')
    let done = false
    const flushed = journey.flush().then(() => (done = true))
    await until(() => page.fetch.requests.length === 1, 'the request')
    await idle()
    expect(done).toBe(false)
    page.fetch.release(200)
    await flushed
    expect(await storedNames()).toEqual([])
  })

  test('resolves (does not reject) when the attempt fails', async () => {
    page.fetch.setPlan(() => ({ reject: true }))
    const journey = page.make()
    await ready()
    journey.track('x')
    await expect(journey.flush()).resolves.toBeUndefined()
    expect(page.fetch.requests.length).toBeGreaterThanOrEqual(1)
  })

  test('right after createJourney, sends what was just tracked', async () => {
    const journey = page.make({ flushInterval: 10 * MINUTE })
    journey.track('first-thing')
    await journey.flush()
    expect(page.fetch.names(page.fetch.delivered())).toEqual(['first-thing'])
  })

  test('ignores the backoff of an earlier failure', async () => {
    page.fetch.setPlan([{ status: 503 }, { status: 503 }, { status: 503 }])
    const journey = page.make()
    await ready()
    journey.track('x')
    await advance(4000)
    const before = page.fetch.requests.length
    page.fetch.setPlan(() => ({ status: 200 }))
    await journey.flush()
    expect(page.fetch.requests.length).toBe(before + 1)
    expect(page.fetch.names(page.fetch.delivered())).toEqual(['x'])
  })
})

describe('destroy()', () => {
  const page = usePage()

  test('removes every listener it added and leaves no timer behind', async () => {
    const added: Array<[EventTarget, string, unknown]> = []
    const removed: Array<[EventTarget, string, unknown]> = []
    for (const target of [window, document]) {
      const add = target.addEventListener.bind(target)
      const remove = target.removeEventListener.bind(target)
      vi.spyOn(target, 'addEventListener').mockImplementation((type, listener, options) => {
        added.push([target, type, listener])
        add(type, listener, options)
      })
      vi.spyOn(target, 'removeEventListener').mockImplementation((type, listener, options) => {
        removed.push([target, type, listener])
        remove(type, listener, options)
      })
    }
    const journey = page.make()
    journey.track('x')
    await advance(6000)
    journey.track('y')
    expect(added.length).toBeGreaterThanOrEqual(3)
    const types = added.map(([, type]) => type)
    expect(types).toEqual(expect.arrayContaining(['visibilitychange', 'pagehide']))
    journey.destroy()
    for (const entry of added) expect(removed).toContainEqual(entry)
    await idle()
    expect(vi.getTimerCount()).toBe(0)
    // Nothing reacts any more.
    const requests = page.fetch.requests.length
    setVisibility('hidden')
    setOnline(true)
    await advance(20_000)
    expect(page.fetch.requests.length).toBe(requests)
  })

  test('after destroy, calls do nothing and throw nothing', async () => {
    const journey = page.make()
    journey.destroy()
    expect(() => journey.track('late')).not.toThrow()
    expect(() => journey.page()).not.toThrow()
    expect(() => journey.identify('u')).not.toThrow()
    expect(() => journey.reset()).not.toThrow()
    expect(() => journey.consent('denied')).not.toThrow()
    expect(() => journey.destroy()).not.toThrow()
    await expect(journey.flush()).resolves.toBeUndefined()
    await advance(10_000)
    expect(page.fetch.requests).toHaveLength(0)
  })

  test('events tracked right before destroy() stay stored for the next load', async () => {
    const first = page.make()
    first.track('before-destroy')
    first.destroy()
    await advance(5000)
    expect(await storedNames()).toEqual(['before-destroy'])
    page.make()
    await advance(2000)
    expect(page.fetch.names(page.fetch.delivered())).toEqual(['before-destroy'])
  })

  test('on("phase") returns an unsubscribe function; a bad listener is reported', () => {
    const journey = page.make()
    const off = journey.on('phase', () => {})
    expect(typeof off).toBe('function')
    expect(() => off()).not.toThrow()
    expect(() => journey.on('nope' as never, 5 as never)()).not.toThrow()
  })
})

describe('two tabs sharing one queue', () => {
  const page = usePage()

  async function twoTabs(): Promise<void> {
    page.fetch.setPlan(() => ({ delay: 300 }))
    const a = page.make({ batchSize: 10 })
    const b = page.make({ batchSize: 10 })
    for (let i = 0; i < 50; i++) {
      a.track('a', { i })
      b.track('b', { i })
      if (i % 10 === 9) await advance(100)
    }
    await advance(60_000, 100)
    const delivered = page.fetch.delivered()
    expect(delivered).toHaveLength(100)
    expect(new Set(ids(delivered)).size).toBe(100)
    expect(new Set(ids(page.fetch.sent())).size).toBe(page.fetch.sent().length)
    expect(page.fetch.maxInFlight()).toBe(1)
  }

  test('with Web Locks, one sends at a time and no event is sent twice', async () => {
    const locks = fakeLocks()
    locks.install()
    await twoTabs()
    expect(locks.maxHolders()).toBe(1)
  })

  test('without Web Locks, the storage lease keeps one sender', async () => {
    await twoTabs()
  })
})

describe('importing does nothing', () => {
  test('no listener, no IndexedDB, no request, no global until createJourney()', async () => {
    vi.resetModules()
    const add = vi.spyOn(window, 'addEventListener')
    const addDoc = vi.spyOn(document, 'addEventListener')
    const open = vi.spyOn(indexedDB, 'open')
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const keys = new Set(Object.keys(window))
    const module = await import('../src/index')
    expect(typeof module.createJourney).toBe('function')
    expect(add).not.toHaveBeenCalled()
    expect(addDoc).not.toHaveBeenCalled()
    expect(open).not.toHaveBeenCalled()
    expect(fetch).not.toHaveBeenCalled()
    expect(Object.keys(window).filter((key) => !keys.has(key))).toEqual([])
    vi.restoreAllMocks()
    vi.unstubAllGlobals()
  })
})

// Keep the type import used when a helper's signature changes.
export type { Journey, JourneyEvent }
