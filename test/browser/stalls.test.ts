/**
 * Delivery that must not stall, in real Chromium (reliability.md §5.5, §5.6): Web Locks denied
 * (a sandboxed iframe, a context that refuses the Locks API), the wall clock stepped back after a
 * 429, a sending tab whose script is stopped, an endpoint slower than the client's patience, and
 * side-by-side windows that must agree on session and identity while both stay visible.
 *
 * Judged by what reached the collector (and, for acknowledgements, by what is left in IndexedDB).
 */
import type { Frame, Page } from 'playwright-core'
import { expect, test } from 'vitest'
import type { JourneyEvent } from '../../src/types'
import { describeBrowser, pollUntil, useScriptTagSuite, waitForStored } from './harness'

const suite = useScriptTagSuite()
const { journeyPage, open, trackMany } = suite

const HOUR = 3_600_000

/** Every POST that carried an event named `name`. */
function attemptsWith(name: string) {
  return suite.collector.requests().filter((request) => request.batch?.events.some((event) => event.name === name))
}

/** Waits until every `props.i` in 0…count-1 of `name` was delivered (answered 2xx). */
async function waitForAll(name: string, count: number, timeoutMs: number): Promise<void> {
  await suite.collector.waitFor(
    (c) => new Set(c.named(name).map((event) => event.props.i)).size >= count,
    timeoutMs,
    `all ${count} "${name}" events`,
  )
}

/** Waits for the script-tag build in a frame (the harness helper takes pages). */
async function waitForJourneyIn(frame: Frame): Promise<void> {
  await frame.waitForFunction(() => window.__journeykitLoaded === true && typeof window.journey?.flush === 'function', undefined, {
    timeout: 20_000,
    polling: 20,
  })
}

/** `[journeykit]` warnings seen on any page so far. */
function journeykitWarnings(): string[] {
  return suite.browser
    .messages()
    .filter((message) => message.type === 'warning' && message.text.startsWith('[journeykit]'))
    .map((message) => message.text)
}

/**
 * An init script that lets a test step the page's wall clock (`Date.now()`, `new Date()`) by
 * `window.__stepClock(ms)`, as NTP or a restored VM does. `performance.now()` is left alone, as a
 * real clock step leaves it.
 */
function steppableClock(): void {
  const RealDate = Date
  let offset = 0
  class SteppedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(RealDate.now() + offset)
      else super(...(args as [number]))
    }
    static override now(): number {
      return RealDate.now() + offset
    }
  }
  ;(window as unknown as { Date: DateConstructor }).Date = SteppedDate as DateConstructor
  ;(window as unknown as { __stepClock: (ms: number) => void }).__stepClock = (ms) => {
    offset += ms
  }
}

async function stepClock(page: Page, ms: number): Promise<void> {
  await page.evaluate((step) => (window as unknown as { __stepClock: (ms: number) => void }).__stepClock(step), ms)
}

describeBrowser('delivery that does not stall (script tag, real Chromium)', () => {
  test('in a sandboxed iframe (no Web Locks, no IndexedDB) events are delivered while the page is open', async () => {
    suite.site.setPage('/framed', journeyPage())
    // allow-scripts without allow-same-origin: an opaque origin, where the Locks API and
    // IndexedDB both refuse with a SecurityError.
    suite.site.setPage('/host', '<!doctype html><title>host</title><iframe sandbox="allow-scripts" src="/framed"></iframe>')
    const page = await suite.browser.newPage()
    await page.goto(suite.site.url('/host'))
    const frame: Frame = await pollUntil<Frame | undefined>(() => page.frames().find((candidate) => candidate.url().endsWith('/framed')), 10_000, 'the iframe').then((found) => found!)
    await waitForJourneyIn(frame)
    expect(await frame.evaluate(() => navigator.locks.request('probe', () => 'granted').catch((error: Error) => error.name))).toBe('SecurityError')

    await frame.evaluate(() => {
      for (let i = 0; i < 30; i++) window.journey.track('framed', { i })
    })
    await waitForAll('framed', 30, 15_000)
    // flush() delivers too, and resolves.
    await frame.evaluate(() => {
      for (let i = 30; i < 35; i++) window.journey.track('framed', { i })
      return window.journey.flush()
    })
    expect(new Set(suite.collector.named('framed').map((event) => event.props.i)).size).toBe(35)
    expect(suite.collector.duplicates()).toEqual([])
    expect(journeykitWarnings().filter((text) => /could not|failed/i.test(text))).toEqual([])
    expect(suite.browser.errors()).toEqual([])
  })

  test('with Web Locks denied but IndexedDB working, two tabs share the queue through the lease: all delivered once, one sender at a time', async () => {
    await suite.browser.context.addInitScript(() => {
      // As a browser does when site data is blocked for locks only, or a policy denies them.
      // (about:blank, where a new tab starts, is no secure context: no LockManager there.)
      if (typeof LockManager === 'undefined') return
      Object.defineProperty(LockManager.prototype, 'request', {
        configurable: true,
        value: () => Promise.reject(new DOMException('Access to the Locks API is denied in this context.', 'SecurityError')),
      })
    })
    suite.site.setPage('/', journeyPage())
    suite.collector.setPlan(() => ({ delayMs: 50 }))
    const [left, right] = await Promise.all([open('/'), open('/')])
    await Promise.all([trackMany(left!, 'left', 60), trackMany(right!, 'right', 60)])
    await waitForAll('left', 60, 20_000)
    await waitForAll('right', 60, 20_000)
    expect(suite.collector.duplicates()).toEqual([])
    expect(suite.collector.maxInFlight(), 'more than one batch was in flight at once').toBe(1)
    expect(journeykitWarnings().filter((text) => /could not|failed/i.test(text))).toEqual([])
    expect(suite.browser.errors()).toEqual([])
  })

  test('a wall clock stepped back an hour after a 429 with Retry-After stalls neither the retry nor the exit send', async () => {
    await suite.browser.context.addInitScript(steppableClock)
    suite.site.setPage('/', journeyPage())
    const page = await open('/')
    await trackMany(page, 'warmup', 1)
    await suite.collector.waitFor((c) => c.named('warmup').length === 1, 20_000, 'the warm-up event')

    // 1. The retry on the library's own timer.
    let throttled = false
    suite.collector.setPlan(({ batch }) => {
      if (throttled || !batch?.events.some((event) => event.name === 'stepped')) return undefined
      throttled = true
      return { status: 429, headers: { 'Retry-After': '1' } }
    })
    await trackMany(page, 'stepped', 10)
    await suite.collector.waitFor(() => attemptsWith('stepped').some((request) => request.status === 429), 20_000, 'the 429')
    await stepClock(page, -HOUR)
    await waitForAll('stepped', 10, 15_000)

    // 2. The exit send: once the endpoint's pause is over (measured on a clock that does not
    // step), events still unacknowledged go out as the page is left.
    let phase: 'throttle' | 'failing' | 'open' = 'throttle'
    suite.collector.setPlan(({ batch }) => {
      if (!batch?.events.some((event) => event.name === 'leaving')) return undefined
      if (phase === 'throttle') {
        phase = 'failing'
        return { status: 429, headers: { 'Retry-After': '1' } }
      }
      return phase === 'failing' ? { status: 503 } : undefined
    })
    await trackMany(page, 'leaving', 10)
    await suite.collector.waitFor(() => attemptsWith('leaving').some((request) => request.status === 429), 20_000, 'the second 429')
    await stepClock(page, -HOUR)
    // A retry after the pause (answered 503, so the events stay queued) shows the pause is over.
    await suite.collector.waitFor(() => attemptsWith('leaving').some((request) => request.status === 503), 15_000, 'a retry after Retry-After')
    phase = 'open'
    const before = suite.collector.named('leaving').length
    expect(before).toBe(0)
    await page.goto('about:blank')
    // Only the exit send can deliver them now: the page that queued them is gone.
    await waitForAll('leaving', 10, 15_000)
    expect(suite.browser.errors()).toEqual([])
  })

  test('a sending tab whose script is stopped loses the right to send: another tab delivers', async () => {
    suite.site.setPage('/', journeyPage())
    const stuck = await open('/')
    await trackMany(stuck, 'warmup', 1)
    await suite.collector.waitFor((c) => c.named('warmup').length === 1, 20_000, 'the warm-up event')
    // The stuck tab's next batch hangs at the endpoint, so it is mid-send when its script stops.
    let held = false
    suite.collector.setPlan(({ batch }) => {
      if (held || !batch?.events.some((event) => event.name === 'stuck')) return undefined
      held = true
      return { hold: true }
    })
    await trackMany(stuck, 'stuck', 5)
    await suite.collector.waitFor(() => attemptsWith('stuck').some((request) => request.status === undefined), 20_000, 'the held batch')
    // Sent straight from memory, and written once unanswered for the write window (1 s): from
    // then on other tabs can deliver them. (A tab that hangs before that keeps them in its memory,
    // like anything tracked in the last window before a crash: see "What can still be lost".)
    await waitForStored(stuck, (events) => events.filter((event) => event.name === 'stuck').length === 5, 10_000, 'the stuck batch written')
    const debug = await suite.browser.context.newCDPSession(stuck)
    const paused = new Promise<void>((resolve) => debug.once('Debugger.paused', () => resolve()))
    await debug.send('Debugger.enable')
    await debug.send('Debugger.pause')
    // The pause takes effect at the next statement the tab runs: a timer of its own.
    stuck.evaluate(() => 0).catch(() => {})
    await paused
    try {
      const other = await open('/')
      await trackMany(other, 'other', 30)
      await waitForAll('other', 30, 40_000)
      // The stuck tab's own stored events went out through the other tab too.
      await suite.collector.waitFor((c) => c.named('stuck').length === 5, 20_000, "the stuck tab's stored events")
    } finally {
      await debug.send('Debugger.resume').catch(() => {})
    }
    expect(suite.browser.errors()).toEqual([])
  })

  test('an endpoint slower than the client timeout still drains the queue: each batch sent once, later batches not blocked', async () => {
    // Every answer takes 22 s (the client stops waiting for an answer after 20 s). Tracked through
    // the stub: 39 events and the page view are two batches, queued at once.
    suite.site.setPage('/', journeyPage({ before: "for (var i = 0; i < 39; i++) journey.track('slow', { i: i })" }))
    suite.collector.setPlan(() => ({ delayMs: 22_000 }))
    const page = await open('/')
    await waitForAll('slow', 39, 75_000)
    // Nothing was sent twice: each event went in exactly one request.
    const sends = new Map<string, number>()
    for (const request of suite.collector.requests()) {
      for (const event of request.batch?.events ?? []) sends.set(event.id, (sends.get(event.id) ?? 0) + 1)
    }
    expect([...sends.values()].filter((count) => count > 1)).toEqual([])
    // And the page saw the answers: the delivered events left IndexedDB.
    await waitForStored(page, (events) => !events.some((event) => event.name === 'slow'), 15_000, 'the delivered events to leave IndexedDB')
    expect(suite.browser.errors()).toEqual([])
  }, 120_000)

  test('side-by-side visible windows see identify() and reset() of the other window as they happen', async () => {
    suite.site.setPage('/', journeyPage())
    const first = await open('/')
    const second = await open('/')
    expect(await first.evaluate(() => document.visibilityState)).toBe('visible')
    expect(await second.evaluate(() => document.visibilityState)).toBe('visible')
    await first.evaluate(() => window.journey.flush())
    await second.evaluate(() => window.journey.flush())

    /** Tracks probes in the second window until one arrives that satisfies `accept`. */
    async function probeUntil(accept: (event: JourneyEvent) => boolean, what: string): Promise<void> {
      let n = 0
      await pollUntil(
        async () => {
          await second.evaluate((i) => window.journey.track('probe', { i }), n++)
          await second.evaluate(() => window.journey.flush())
          return suite.collector.named('probe').some(accept)
        },
        10_000,
        what,
        200,
      )
    }

    await first.evaluate(() => window.journey.identify('user-7'))
    await probeUntil((event) => event.userId === 'user-7', "the second window's events to carry the user id set in the first")

    await first.evaluate(() => {
      window.journey.reset()
      window.journey.track('after_reset')
    })
    await suite.collector.waitFor((c) => c.named('after_reset').length === 1, 20_000, 'the event after reset()')
    const fresh = suite.collector.named('after_reset')[0]!
    await probeUntil(
      (event) => event.anonymousId === fresh.anonymousId && event.userId === null,
      "the second window's events to carry the identity reset() made in the first",
    )
    expect(suite.browser.errors()).toEqual([])
  })

  test('a visible window left idle continues the session another window keeps alive', async () => {
    suite.site.setPage('/', journeyPage({ attrs: { 'session-timeout': 4000 } }))
    const busy = await open('/')
    const idle = await open('/')
    expect(await idle.evaluate(() => document.visibilityState)).toBe('visible')
    // The visitor works in one window for longer than the session timeout; the other sits idle.
    await busy.evaluate(async () => {
      for (let i = 0; i < 16; i++) {
        window.journey.track('busy', { i })
        await new Promise((resolve) => setTimeout(resolve, 400))
      }
      await window.journey.flush()
    })
    await idle.evaluate(() => {
      window.journey.track('idle_window')
      return window.journey.flush()
    })
    await suite.collector.waitFor((c) => c.named('idle_window').length === 1 && c.named('busy').length === 16, 20_000, 'both windows')
    const busyEvents = suite.collector.named('busy')
    const lastBusy = busyEvents.find((event) => event.props.i === 15)!
    expect(suite.collector.named('idle_window')[0]!.sessionId).toBe(lastBusy.sessionId)
    expect(suite.browser.errors()).toEqual([])
  })
})
