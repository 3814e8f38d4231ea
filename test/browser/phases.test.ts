/**
 * Journey phases in real Chromium: one visitor walks through real page loads of a site that uses
 * the script tag (default touchpoints, default phase model), across two sessions, and the
 * collector checks what was decided. Then a sample of the labelled corpus (test/phases/corpus)
 * is played with real navigations, a real `tel:` click and the browser's clock moved on for the
 * corpus's absences, and every step's phase must be the one the unit suite measured.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  describeBrowser,
  openBrowser,
  scriptTagPage,
  startCollector,
  startSite,
  waitForJourney,
  type BrowserHandle,
  type Collector,
  type Site,
} from './harness'
import { corpus } from '../phases/corpus'
import { parseStep } from '../phases/corpus/steps'

/** Short enough to wait out in a test. */
const SESSION_TIMEOUT = 1500
const PATHS = ['/landing', '/pricing', '/checkout', '/home']

let collector: Collector
let site: Site
let browser: BrowserHandle

beforeAll(async () => {
  collector = await startCollector()
  const page = scriptTagPage({
    collectorUrl: collector.url,
    attrs: { 'flush-interval': 200, 'session-timeout': SESSION_TIMEOUT },
    // Records the phase the journey has the moment the script tag creates it, before it has
    // read IndexedDB: the stub's `window.journey` is replaced then.
    before: `(function(){var j=window.journey;Object.defineProperty(window,'journey',{configurable:true,get:function(){return j},set:function(v){j=v;if(v&&typeof v.flush==='function')window.__phaseAtStart=v.phase}})})()`,
  })
  site = await startSite(Object.fromEntries(PATHS.map((path) => [path, page])))
  browser = await openBrowser()
})

afterAll(async () => {
  await browser?.close()
  await site?.close()
  await collector?.close()
})

/** Loads `path` in `page` and waits until its page view has been delivered. */
async function load(page: Page, path: string): Promise<void> {
  const before = collector.named('page_view').length
  await page.goto(site.url(path))
  await waitForJourney(page)
  await collector.waitFor((c) => c.named('page_view').length > before, 10_000, `the page view of ${path}`)
}

async function phaseOf(page: Page): Promise<string> {
  return page.evaluate(() => window.journey.phase)
}

/** Tracks `name` and waits until it has been delivered. */
async function track(page: Page, name: string): Promise<void> {
  await page.evaluate((event) => window.journey.track(event), name)
  await page.evaluate(() => window.journey.flush())
  await collector.waitFor((c) => c.named(name).length > 0, 10_000, name)
}

describeBrowser('journey phases', () => {
  test('a visitor from a campaign to advocacy, across page loads and sessions', async () => {
    const page = await browser.newPage()

    await load(page, '/landing?utm_source=newsletter&utm_medium=email&utm_campaign=nov')
    expect(await phaseOf(page)).toBe('awareness')

    await load(page, '/pricing')
    expect(await phaseOf(page)).toBe('consideration')

    await load(page, '/checkout')
    expect(await phaseOf(page)).toBe('decision')

    await track(page, 'purchase')
    expect(await phaseOf(page)).toBe('decision')

    // Leave, stay away longer than the session timeout, and come back.
    await page.goto('about:blank')
    await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT + 700))
    await load(page, '/home')
    expect(await phaseOf(page)).toBe('retention')

    await track(page, 'share')
    expect(await phaseOf(page)).toBe('advocacy')
    await page.evaluate(() => window.journey.flush())

    const events = collector.events()
    const changes = events.filter((event) => event.name === 'phase_change')
    expect(changes.map((event) => event.props)).toEqual([
      { from: 'awareness', to: 'consideration', rule: 'consideration.product-page' },
      { from: 'consideration', to: 'decision', rule: 'decision.checkout-page' },
      { from: 'decision', to: 'retention', rule: 'retention.returning-customer' },
      { from: 'retention', to: 'advocacy', rule: 'advocacy.recommendation' },
    ])
    // Each change comes right before the event that caused it, both in the new phase.
    const causes = changes.map((change) => events[events.indexOf(change) + 1]!)
    expect(causes.map((event) => [event.name, event.context.path, event.phase])).toEqual([
      ['page_view', '/pricing', 'consideration'],
      ['page_view', '/checkout', 'decision'],
      ['page_view', '/home', 'retention'],
      ['share', '/home', 'advocacy'],
    ])
    expect(changes.map((event) => event.phase)).toEqual(['consideration', 'decision', 'retention', 'advocacy'])

    // Every delivered event carries the phase in force when it happened.
    const order = ['awareness', 'consideration', 'decision', 'retention', 'advocacy']
    let phase = 'awareness'
    for (const event of events) {
      if (event.name === 'phase_change') phase = String(event.props.to)
      expect(event.phase, `${event.name} on ${event.context.path}`).toBe(phase)
    }
    expect(order.indexOf(phase)).toBe(order.length - 1)
    // The landing page view knew its campaign before its phase was decided.
    expect(collector.named('page_view')[0]!.context.campaign).toMatchObject({ source: 'newsletter', medium: 'email', name: 'nov' })
    // The return started a new session.
    const sessions = new Set(events.map((event) => event.sessionId))
    expect(sessions.size).toBe(2)
    expect(browser.errors()).toEqual([])
    await page.close()
  })

  // Needs createJourney to pass `canPersist: () => consent === 'granted'` to createPhaseEngine
  // (see src/phases/index.ts): the phase is then read synchronously from localStorage.
  test('journey.phase is right the moment the script tag creates the journey after a reload', async () => {
    const visitor = await openBrowser() // a first-time visitor of their own
    try {
      const page = await visitor.newPage()
      await load(page, '/checkout')
      expect(await phaseOf(page)).toBe('decision')
      await load(page, '/home')
      expect(await page.evaluate(() => (window as Window & { __phaseAtStart?: string }).__phaseAtStart)).toBe('decision')
      expect(visitor.errors()).toEqual([])
    } finally {
      await visitor.close()
    }
  })
})

/**
 * Corpus journeys played in Chromium: each step's phase as the collector received it must be the
 * journey's label wherever the unit suite agrees with the label (all of these).
 */
const SAMPLE = ['en-shop-02', 'de-shop-09', 'de-saas-16', 'de-shop-08', 'en-b2b-05', 'de-b2b-09']

describeBrowser('journey phases: a sample of the labelled corpus', () => {
  for (const id of SAMPLE) {
    const file = corpus.find((f) => f.journeys.some((j) => j.id === id))!
    const journey = file.journeys.find((j) => j.id === id)!
    test(`${id} (${file.preset}, ${file.language}): ${journey.story}`, async () => {
      const visitor = await openBrowser()
      const own = await startCollector()
      try {
        const html = scriptTagPage({
          collectorUrl: own.url,
          attrs: { 'flush-interval': 100, phases: file.preset },
          // The b2b model is in a script-tag file of its own.
          src: file.preset === 'b2b' ? '/dist/journeykit-b2b.iife.js' : undefined,
          body: '<h1>corpus page</h1><a id="call" href="tel:+493012345678">call us</a>',
        })
        // The browser's clock, moved on by the corpus's absences (timers keep running for real).
        let now = Date.parse('2026-03-02T09:00:00.000Z')
        await visitor.context.clock.setSystemTime(now)
        const page = await visitor.newPage()
        const results: Array<[string, string]> = []
        for (const text of journey.steps) {
          const step = parseStep(text)
          if (step.kind === 'wait') {
            now += step.ms
            await visitor.context.clock.setSystemTime(now)
            continue
          }
          const name = step.kind === 'page' ? 'page_view' : step.kind === 'identify' ? 'identify' : step.name
          const mine = () => own.named(name)
          const before = mine().length
          if (step.kind === 'page') {
            site.setPage(step.path, html)
            await page.goto(site.url(step.path))
            await waitForJourney(page)
          } else if (step.kind === 'track' && step.name === 'contact_click') {
            await page.evaluate(() => document.getElementById('call')!.addEventListener('click', (event) => event.preventDefault()))
            await page.click('#call') // the clicks() touchpoint records it
          } else if (step.kind === 'track') {
            await page.evaluate(([event, props]) => window.journey.track(event as string, props as Record<string, unknown>), [step.name, step.props])
          } else {
            await page.evaluate(([user, traits]) => window.journey.identify(user as string, traits as Record<string, unknown>), [step.userId, step.traits])
          }
          await page.evaluate(() => window.journey.flush())
          await own.waitFor(() => mine().length > before, 10_000, `${id}: ${text}`)
          results.push([text, mine().at(-1)!.phase])
        }
        const labels = journey.steps.map(parseStep).flatMap((step, index) => ('label' in step ? [[journey.steps[index]!, step.label.phase]] : []))
        expect(results).toEqual(labels)
        expect(visitor.errors()).toEqual([])
      } finally {
        await visitor.close()
        await own.close()
      }
    })
  }
})
