/**
 * Delivery guarantees of the script-tag build in real Chromium (design.md "Delivery guarantees";
 * reliability.md §5.1-§5.5): at least once, same id on every retry, nothing lost to navigation,
 * a crashed tab, a failing endpoint, an offline spell, a second tab or a missing IndexedDB.
 */
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import type { JourneyEvent } from '../../src/types'
import {
  crashPage,
  describeBrowser,
  openBrowser,
  setOffline,
  storedEvents,
  useScriptTagSuite,
  waitForJourney,
  waitForStored,
} from './harness'

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

const suite = useScriptTagSuite()
const { journeyPage, open, trackMany } = suite

/** For each `props.i` of the delivered events named `name` (and matching `filter`): the ids it arrived with. */
function idsByIndex(name: string, filter: (event: JourneyEvent) => boolean = () => true): Map<number, Set<string>> {
  const byIndex = new Map<number, Set<string>>()
  for (const event of suite.collector.events()) {
    if (event.name !== name || !filter(event)) continue
    const i = event.props.i as number
    if (!byIndex.has(i)) byIndex.set(i, new Set())
    byIndex.get(i)!.add(event.id)
  }
  return byIndex
}

/** Waits until every `props.i` in 0…count-1 of `name` has been delivered. */
async function waitForAll(name: string, count: number, timeoutMs = 20_000, filter?: (event: JourneyEvent) => boolean): Promise<void> {
  await suite.collector.waitFor(() => idsByIndex(name, filter).size >= count, timeoutMs, `all ${count} "${name}" events`)
}

/** Every event i of `name` arrived, each with exactly one id (re-deliveries carry the same id). */
function expectEachOnceById(name: string, count: number, filter?: (event: JourneyEvent) => boolean): void {
  const byIndex = idsByIndex(name, filter)
  expect([...byIndex.keys()].sort((a, b) => a - b)).toEqual([...Array(count).keys()])
  const withSeveralIds = [...byIndex].filter(([, ids]) => ids.size > 1).map(([i, ids]) => ({ i, ids: [...ids] }))
  expect(withSeveralIds, 'an event arrived under more than one id').toEqual([])
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/

describeBrowser('delivery (script tag, real Chromium)', () => {
  test('delivers a page view and 100 tracked events with full envelopes, replaying stub calls in order', async () => {
    suite.site.setPage(
      '/',
      journeyPage({
        // Runs before the library has loaded: these calls go through the stub.
        before: "journey.track('stub_first', { n: 1 }); journey.track('stub_second', { n: 2 }); journey.track('stub_third', { n: 3 })",
      }),
    )
    const page = await open('/')
    await trackMany(page, 'e', 100)
    await suite.collector.waitFor(
      (c) => c.named('e').length >= 100 && c.named('stub_third').length >= 1,
      20_000,
      'the 3 stub calls and 100 tracked events',
    )

    const events = suite.collector.events()
    expect(suite.collector.duplicates()).toEqual([])
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length)
    expectEachOnceById('e', 100)

    // Stub calls are replayed in the order they were made, before anything tracked after load.
    const position = (name: string) => events.findIndex((event) => event.name === name)
    expect(position('stub_first')).toBeGreaterThanOrEqual(0)
    expect(position('stub_first')).toBeLessThan(position('stub_second'))
    expect(position('stub_second')).toBeLessThan(position('stub_third'))
    expect(position('stub_third')).toBeLessThan(position('e'))
    expect(suite.collector.named('stub_second')[0]!.props).toEqual({ n: 2 })
    // Within one healthy tab, events arrive in the order they were tracked.
    expect(suite.collector.named('e').map((event) => event.props.i)).toEqual([...Array(100).keys()])

    const anonymousIds = new Set(events.map((event) => event.anonymousId))
    const sessionIds = new Set(events.map((event) => event.sessionId))
    expect(anonymousIds.size).toBe(1)
    expect(sessionIds.size).toBe(1)
    for (const event of events) {
      expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      expect(['page', 'track', 'identify']).toContain(event.type)
      expect(typeof event.name).toBe('string')
      expect(event.props).toBeTypeOf('object')
      expect(event.timestamp).toMatch(ISO)
      expect(event.anonymousId).toBeTypeOf('string')
      expect(event.anonymousId.length).toBeGreaterThan(0)
      expect(event.sessionId).toBeTypeOf('string')
      expect(event.sessionId.length).toBeGreaterThan(0)
      expect(event.phase).toBeTypeOf('string')
      expect(event.phase.length).toBeGreaterThan(0)
      expect(event.context.url).toBe(suite.site.url('/'))
      expect(event.context.path).toBe('/')
      expect(event.context.library).toEqual({ name: 'journeykit', version })
    }
    expect(suite.collector.named('e')[0]!.props).toEqual({ i: 0 })
    expect(suite.collector.named('e')[0]!.type).toBe('track')

    // The wire format: CORS-simple text/plain POSTs of at most 50 events (the default `batchSize`), each with a sentAt.
    expect(suite.collector.preflights()).toEqual([])
    for (const request of suite.collector.requests()) {
      expect(request.status).toBe(200)
      expect(request.batch, `a request body that is not a batch: ${request.body.slice(0, 200)}`).toBeDefined()
      expect(request.batch!.sentAt).toMatch(ISO)
      expect(request.batch!.events.length).toBeGreaterThan(0)
      expect(request.batch!.events.length).toBeLessThanOrEqual(50)
      expect(request.headers['content-type']).toMatch(/^text\/plain/)
      expect(Buffer.byteLength(request.body)).toBeLessThanOrEqual(60_000)
    }
    expect(suite.browser.errors()).toEqual([])

    // The script tag installs the default touchpoints: the load itself is a page view, sent
    // before anything tracked after load.
    const pageViews = events.filter((event) => event.type === 'page')
    expect(pageViews.length, 'no page view (type "page") was delivered for the load').toBe(1)
    expect(events.indexOf(pageViews[0]!)).toBeLessThan(position('e'))
  })

  test('events tracked while the first send after load is under way go out without another nudge', async () => {
    // Each load races the library's start-up (creating the IndexedDB database, the page view, the
    // first flush) against events tracked at once. Whatever the interleaving, they must go out on
    // the library's own timers: no explicit flush(), no navigation, no visibility change. A fresh
    // profile each time, so the database is created anew, as on a first visit.
    suite.site.setPage('/', journeyPage())
    for (let load = 0; load < 6; load++) {
      const fresh = load === 0 ? suite.browser : await openBrowser()
      try {
        const page = await fresh.newPage()
        await page.goto(suite.site.url('/'))
        await waitForJourney(page)
        await trackMany(page, 'early', 40, { load })
        const fromLoad = (event: JourneyEvent) => event.props.load === load
        // flushInterval is 200 ms: 10 s without these events means no send was scheduled at all.
        await suite.collector.waitFor(() => idsByIndex('early', fromLoad).size === 40, 10_000, `the 40 events tracked right after load ${load}`).catch(
          async (error: Error) => {
            const waiting = (await storedEvents(page)).filter((event) => event.name === 'early').length
            const flushed = await page.evaluate(() => window.journey.flush()).then(() => suite.collector.summary())
            throw new Error(`${error.message}\n${waiting} of them were waiting in IndexedDB; after an explicit flush() the collector saw ${flushed}`)
          },
        )
        expectEachOnceById('early', 40, fromLoad)
        expect(fresh.errors()).toEqual([])
      } finally {
        if (fresh !== suite.browser) await fresh.close()
      }
    }
  })

  test('events tracked right before navigating away all arrive (on the way out or on the next load)', async () => {
    suite.site.setPage('/a', journeyPage({ title: 'A' }))
    suite.site.setPage('/b', journeyPage({ title: 'B' }))
    const page = await suite.browser.newPage()
    const rounds = ['/a', '/b', '/a', '/b', '/a', '/b']
    for (let round = 0; round < rounds.length - 1; round++) {
      await open(rounds[round]!, page)
      await trackMany(page, 'leave', 50, { round })
      // Leave at once: the events are at best in the memory buffer, at worst not yet written.
      await page.goto(suite.site.url(rounds[round + 1]!))
    }
    await waitForJourney(page)
    for (let round = 0; round < rounds.length - 1; round++) {
      const inRound = (event: JourneyEvent) => event.props.round === round
      await waitForAll('leave', 50, 20_000, inRound)
      expectEachOnceById('leave', 50, inRound)
    }
    // Re-deliveries are allowed (at least once) but never under a new id.
    const ids = new Set(suite.collector.events().filter((event) => event.name === 'leave').map((event) => event.id))
    expect(ids.size).toBe(50 * (rounds.length - 1))
    expect(suite.browser.errors()).toEqual([])
  })

  test("a crashed tab's stored events arrive on the next load", async () => {
    suite.site.setPage('/', journeyPage())
    // The endpoint is down while the first tab lives: nothing can be delivered before the crash.
    suite.collector.setPlan(() => ({ status: 503 }))
    const first = await open('/')
    await trackMany(first, 'before_crash', 30)
    const stored = await waitForStored(
      first,
      (events) => events.filter((event) => event.name === 'before_crash').length === 30,
      20_000,
      'the 30 events to be written to IndexedDB',
    )
    const storedIds = new Set(stored.filter((event) => event.name === 'before_crash').map((event) => event.id))
    await crashPage(first)
    expect(suite.collector.named('before_crash')).toEqual([])

    suite.collector.setPlan(undefined)
    const second = await open('/')
    await waitForAll('before_crash', 30)
    expectEachOnceById('before_crash', 30)
    // The very records that were stored are the ones delivered.
    expect(new Set(suite.collector.named('before_crash').map((event) => event.id))).toEqual(storedIds)
    // And once acknowledged, they leave the queue.
    await waitForStored(second, (events) => !events.some((event) => event.name === 'before_crash'), 20_000, 'the delivered events to leave IndexedDB')
    expect(suite.browser.errors()).toEqual([])
  })

  test("a tab crashing while its batch is in flight loses nothing: the next load re-sends it", async () => {
    // Tracked through the stub, so the events go out with the very first batch.
    suite.site.setPage('/', journeyPage({ before: "for (var i = 0; i < 30; i++) journey.track('mid_flush', { i: i })" }))
    suite.site.setPage('/again', journeyPage())
    // The endpoint hangs: the first tab's batch is on the wire, unanswered, when the tab dies.
    let holding = true
    suite.collector.setPlan(() => (holding ? { hold: true } : undefined))
    const first = await open('/')
    await suite.collector.waitFor(
      (c) => c.requests().some((request) => request.status === undefined && request.batch?.events.some((event) => event.name === 'mid_flush')),
      20_000,
      'a held request carrying the tracked events',
    )
    const stored = await waitForStored(first, (events) => events.filter((event) => event.name === 'mid_flush').length === 30, 20_000, 'the 30 events in IndexedDB')
    const storedIds = new Set(stored.filter((event) => event.name === 'mid_flush').map((event) => event.id))
    await crashPage(first)

    holding = false
    await open('/again')
    await waitForAll('mid_flush', 30)
    expectEachOnceById('mid_flush', 30)
    expect(new Set(suite.collector.named('mid_flush').map((event) => event.id))).toEqual(storedIds)
    expect(suite.browser.errors()).toEqual([])
  })

  test('an endpoint failing with 500 for a few seconds loses nothing; retries carry the same ids', async () => {
    suite.site.setPage('/', journeyPage())
    suite.collector.failFor(3000, 500)
    const page = await open('/')
    await trackMany(page, 'during_outage', 40)
    await waitForAll('during_outage', 40, 30_000)
    expectEachOnceById('during_outage', 40)

    const failed = suite.collector.requests().filter((request) => request.status === 500)
    expect(failed.length, 'the library never tried during the outage').toBeGreaterThan(0)
    // Every event of a failed attempt was later delivered under the same id.
    const delivered = suite.collector.uniqueIds()
    const failedIds = failed.flatMap((request) => request.batch?.events.map((event) => event.id) ?? [])
    expect(failedIds.length).toBeGreaterThan(0)
    expect(failedIds.filter((id) => !delivered.has(id))).toEqual([])
    expect(suite.collector.duplicates()).toEqual([])
    expect(suite.browser.errors()).toEqual([])
  })

  test('a connection reset after the body was read (ambiguous failure) is retried under the same ids', async () => {
    suite.site.setPage('/', journeyPage())
    const page = await open('/')
    await trackMany(page, 'warmup', 1)
    await suite.collector.waitFor((c) => c.named('warmup').length === 1, 20_000, 'the warm-up event')
    // The collector reads the next two requests whole, then drops the connection unanswered.
    let resets = 0
    suite.collector.setPlan(() => (resets < 2 ? (resets++, { destroy: true }) : undefined))
    await trackMany(page, 'ambiguous', 30)
    await waitForAll('ambiguous', 30, 30_000)
    expectEachOnceById('ambiguous', 30)
    const reset = suite.collector.requests().filter((request) => request.status === 0)
    expect(reset.length).toBe(2)
    const delivered = suite.collector.uniqueIds()
    const resetIds = reset.flatMap((request) => request.batch?.events.map((event) => event.id) ?? [])
    expect(resetIds.filter((id) => !delivered.has(id))).toEqual([])
    expect(suite.collector.duplicates()).toEqual([])
    expect(suite.browser.errors()).toEqual([])
  })

  test('a 429 with Retry-After is retried, not before the endpoint asked', async () => {
    suite.site.setPage('/', journeyPage())
    const page = await open('/')
    await trackMany(page, 'warmup', 1)
    await suite.collector.waitFor((c) => c.named('warmup').length === 1, 20_000, 'the warm-up event')
    let throttled = false
    suite.collector.setPlan(({ batch }) => {
      if (throttled || !batch?.events.some((event) => event.name === 'throttled')) return undefined
      throttled = true
      return { status: 429, headers: { 'Retry-After': '2' } }
    })
    await trackMany(page, 'throttled', 10)
    await waitForAll('throttled', 10, 20_000)
    expectEachOnceById('throttled', 10)
    const attempts = suite.collector.requests().filter((request) => request.batch?.events.some((event) => event.name === 'throttled'))
    expect(attempts[0]!.status).toBe(429)
    const retry = attempts.find((request) => request.status === 200)!
    // Retry-After: 2 (seconds). A little slack for timer granularity, none for ignoring it.
    expect(retry.at - attempts[0]!.answeredAt!).toBeGreaterThanOrEqual(1900)
    expect(suite.browser.errors()).toEqual([])
  })

  test('a full queue drops the oldest events and reports every dropped event in a later batch', async () => {
    suite.site.setPage('/', journeyPage({ attrs: { 'max-queue-size': 10 } }))
    suite.collector.setPlan(() => ({ status: 503 }))
    const page = await open('/')
    // Whatever the page recorded on load has reached the queue (its send failed).
    await suite.collector.waitFor((c) => c.requests().some((request) => request.status === 503), 20_000, 'a first (failed) attempt')
    const recordedOnLoad = new Set(suite.collector.requests().flatMap((request) => request.batch?.events.map((event) => event.id) ?? []))

    await trackMany(page, 'overflow', 25)
    // Only the 10 newest stay queued.
    await waitForStored(
      page,
      (events) => events.length === 10 && events.every((event) => event.name === 'overflow' && (event.props!.i as number) >= 15),
      20_000,
      'the queue trimmed to the 10 newest events',
    )
    suite.collector.setPlan(undefined)
    await waitForAll('overflow', 10, 30_000, (event) => (event.props.i as number) >= 15)
    await page.evaluate(() => window.journey.flush())
    expect([...idsByIndex('overflow').keys()].sort((a, b) => a - b)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24])

    // No silent loss: accepted = delivered + reported as dropped.
    const accepted = recordedOnLoad.size + 25
    const delivered = suite.collector.uniqueIds().size
    const reported = suite.collector
      .requests()
      .filter((request) => request.status === 200)
      .reduce((sum, request) => sum + (request.batch?.dropped ?? 0), 0)
    expect(reported, `${accepted} events accepted, ${delivered} delivered, ${reported} reported dropped`).toBe(accepted - delivered)
    expect(suite.browser.errors()).toEqual([])
  })

  test('an offline spell loses nothing', async () => {
    suite.site.setPage('/', journeyPage())
    const page = await open('/')
    // Delivery works before the fault: a first event arrives.
    await trackMany(page, 'warmup', 1)
    await suite.collector.waitFor((c) => c.named('warmup').length === 1, 20_000, 'the warm-up event')

    await setOffline(suite.browser.context, true)
    expect(await page.evaluate(() => navigator.onLine)).toBe(false)
    await trackMany(page, 'offline', 40)
    // An explicit flush tries even while offline; it must settle (the attempt failed), not hang
    // or throw, and the events must stay queued.
    await page.evaluate(() => window.journey.flush())
    await waitForStored(page, (events) => events.filter((event) => event.name === 'offline').length === 40, 20_000, 'the offline events in IndexedDB')
    // The offline spell: several flush intervals and a backoff step pass without a network.
    await page.waitForTimeout(1500)
    expect(suite.collector.named('offline')).toEqual([])
    expect(await storedEvents(page).then((events) => events.filter((event) => event.name === 'offline').length)).toBe(40)

    await setOffline(suite.browser.context, false)
    await waitForAll('offline', 40, 30_000)
    expectEachOnceById('offline', 40)
    expect(suite.collector.duplicates()).toEqual([])
    expect(suite.browser.errors()).toEqual([])
  })

  test('two tabs tracking at once deliver every event exactly once, one sender at a time', async () => {
    suite.site.setPage('/', journeyPage())
    // A little latency makes overlapping sends visible to the collector.
    suite.collector.setPlan(() => ({ delayMs: 50 }))
    const [left, right] = await Promise.all([open('/'), open('/')])
    await Promise.all([trackMany(left!, 'tab', 100, { tab: 'left' }), trackMany(right!, 'tab', 100, { tab: 'right' })])
    const fromLeft = (event: JourneyEvent) => event.props.tab === 'left'
    const fromRight = (event: JourneyEvent) => event.props.tab === 'right'
    await waitForAll('tab', 100, 30_000, fromLeft)
    await waitForAll('tab', 100, 30_000, fromRight)
    expectEachOnceById('tab', 100, fromLeft)
    expectEachOnceById('tab', 100, fromRight)
    expect(suite.collector.duplicates()).toEqual([])
    expect(suite.collector.maxInFlight(), 'more than one batch was in flight at once').toBe(1)
    expect(suite.browser.errors()).toEqual([])
  })

  test('a 400 drops that batch, reports it and does not block later batches', async () => {
    suite.site.setPage('/', journeyPage())
    const page = await open('/')
    // Delivery works before the fault: a first event arrives.
    await trackMany(page, 'warmup', 1)
    await suite.collector.waitFor((c) => c.named('warmup').length === 1, 20_000, 'the warm-up event')
    suite.collector.setPlan(({ batch }) => (batch?.events.some((event) => event.name === 'doomed') ? { status: 400 } : undefined))

    await trackMany(page, 'doomed', 5)
    await page.evaluate(() => window.journey.flush())
    await trackMany(page, 'later', 10)
    await waitForAll('later', 10)
    expectEachOnceById('later', 10)

    // The rejected batch left the queue: it will not be sent again.
    await waitForStored(page, (events) => !events.some((event) => event.name === 'doomed'), 20_000, 'the rejected events to leave IndexedDB')
    await page.evaluate(() => window.journey.flush())
    const doomedAttempts = suite.collector.requests().filter((request) => request.batch?.events.some((event) => event.name === 'doomed'))
    expect(doomedAttempts.map((request) => request.status)).toEqual([400])
    expect(suite.collector.named('doomed')).toEqual([])

    // Reported: one prefixed console warning about the rejection.
    const warnings = suite.browser.messages().filter((message) => message.type === 'warning' && message.text.startsWith('[journeykit]'))
    const rejected = warnings.filter((message) => /400|reject/i.test(message.text))
    expect(rejected.length, `warnings seen: ${JSON.stringify(warnings.map((message) => message.text))}`).toBe(1)
    expect(suite.browser.errors()).toEqual([])
  })

  test('without IndexedDB it still delivers from memory and says so once', async () => {
    await suite.browser.context.addInitScript(() => {
      delete (window as { indexedDB?: unknown }).indexedDB
      // indexedDB is an accessor on the prototype chain in Chromium; shadow it if delete did not.
      if (window.indexedDB) Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true })
    })
    suite.site.setPage('/', journeyPage())
    const page = await open('/')
    expect(await page.evaluate(() => typeof window.indexedDB)).toBe('undefined')
    await trackMany(page, 'memory', 30)
    await waitForAll('memory', 30)
    expectEachOnceById('memory', 30)
    await trackMany(page, 'memory_again', 5)
    await waitForAll('memory_again', 5)

    const warnings = suite.browser.messages().filter((message) => message.type === 'warning' && message.text.startsWith('[journeykit]'))
    const storageWarnings = warnings.filter((message) => /indexeddb|storage|memory/i.test(message.text))
    expect(storageWarnings.length, `warnings seen: ${JSON.stringify(warnings.map((message) => message.text))}`).toBe(1)
    expect(suite.browser.errors()).toEqual([])
  })
})
