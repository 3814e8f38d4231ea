/**
 * One journey per page and endpoint (src/instances.ts), through the real core: a second
 * createJourney while one is live, destroy() then createJourney in the same task (React
 * StrictMode, hot reload), and the ids and readiness integrators read.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createJourney } from '../src/journey'
import { pageViews } from '../src/touchpoints/page-views'
import type { Journey, JourneyOptions } from '../src/types'
import { ENDPOINT, usePage } from './helpers/journey'
import { advance, idle } from './helpers/time'
import { forgetJourneys } from './helpers/instances'

const page = usePage()
const created: Journey[] = []
/** createJourney as an app calls it: the page's registry is not reset between calls. */
function create(options: Partial<JourneyOptions> = {}): Journey {
  const journey = createJourney({ endpoint: ENDPOINT, flushInterval: 60_000, ...options })
  created.push(journey)
  return journey
}

beforeEach(forgetJourneys)
afterEach(() => {
  for (const journey of created.splice(0)) journey.destroy()
  forgetJourneys()
})

/** Lets page views take their title, the state be read, and everything be sent. */
async function deliver(journey: Journey): Promise<void> {
  await advance(400)
  await idle()
  await journey.flush()
  await idle()
}

describe('one journey per page and endpoint', () => {
  test('a second createJourney for a live endpoint returns the live journey and warns once', () => {
    const first = create()
    const second = create({ batchSize: 5 })
    const third = create()
    expect(second).toBe(first)
    expect(third).toBe(first)
    const warnings = page.warn.mock.calls.filter(([message]) => String(message).includes('has a live journey'))
    expect(warnings).toHaveLength(1)
    expect(String(warnings[0]![0])).toContain(ENDPOINT)
  })

  test('different endpoints are different journeys', () => {
    const shop = create()
    const other = create({ endpoint: 'https://collect.example/other' })
    expect(other).not.toBe(shop)
  })

  test('journeys for different endpoints created together on a first visit name one visitor', async () => {
    const shop = create()
    const other = create({ endpoint: 'https://collect.example/other' })
    shop.track('shop_event')
    other.track('other_event')
    await deliver(shop)
    await deliver(other)
    const ids = new Set(page.fetch.delivered().map((event) => event.anonymousId))
    expect(page.fetch.delivered().map((event) => event.name).filter((name) => name !== 'phase_change').sort()).toEqual(['other_event', 'shop_event'])
    expect(ids.size).toBe(1)
    expect(shop.anonymousId).toBe(other.anonymousId)
  })

  test('StrictMode on a first visit (create, destroy, create in one task): one visitor, one session, one page view, still in awareness', async () => {
    const first = create({ touchpoints: [pageViews()], phases: 'default' })
    first.track('early') // an effect that tracked before the unmount
    first.destroy()
    const second = create({ touchpoints: [pageViews()], phases: 'default' })
    expect(second).not.toBe(first)
    await deliver(second)

    const sent = page.fetch.sent()
    // The early event recorded the waiting page view first; the second journey does not record it again.
    expect(page.fetch.names()).toEqual(['page_view', 'early'])
    expect(new Set(sent.map((event) => event.anonymousId)).size).toBe(1)
    expect(new Set(sent.map((event) => event.sessionId)).size).toBe(1)
    expect(sent.map((event) => event.phase)).toEqual(['awareness', 'awareness'])
    expect(second.phase).toBe('awareness')
    expect(second.anonymousId).toBe(sent[0]!.anonymousId)
  })

  test('StrictMode with nothing tracked before the unmount: the second journey records the page view, once', async () => {
    const first = create({ touchpoints: [pageViews()], phases: 'default' })
    first.destroy()
    const second = create({ touchpoints: [pageViews()], phases: 'default' })
    await deliver(second)
    expect(page.fetch.names()).toEqual(['page_view'])
  })

  test('a reload (a new journey, nothing carried over) records its page view though the stored state has the last one', async () => {
    const first = create({ touchpoints: [pageViews()] })
    await deliver(first)
    first.destroy()
    forgetJourneys() // a new page load
    const second = create({ touchpoints: [pageViews()] })
    await deliver(second)
    expect(page.fetch.names()).toEqual(['page_view', 'page_view'])
  })

  test('destroy then createJourney in a microtask continues the visitor, session and phase in memory', async () => {
    const first = create({ phases: 'default' })
    first.track('add_to_cart') // → decision
    await deliver(first)
    const before = page.fetch.sent().at(-1)!
    first.track('not_yet_decided')
    first.destroy()
    await Promise.resolve()
    const second = create({ phases: 'default' })
    expect(second.phase).toBe('decision')
    second.track('after')
    await deliver(second)
    const after = page.fetch.sent().filter((event) => event.name !== 'phase_change')
    expect(after.map((event) => event.name)).toEqual(['add_to_cart', 'not_yet_decided', 'after'])
    expect(after.map((event) => [event.anonymousId, event.sessionId, event.phase])).toEqual(
      after.map(() => [before.anonymousId, before.sessionId, 'decision']),
    )
  })

  test('createJourney in a later task after destroy() starts a new journey, not the old one', async () => {
    const first = create()
    first.destroy()
    await advance(1)
    const second = create()
    expect(second).not.toBe(first)
    second.track('fresh')
    await deliver(second)
    expect(page.fetch.names()).toEqual(['fresh'])
  })
})

describe('ids and readiness', () => {
  test('ready resolves once the stored state is read; the ids are then the ones every event carries', async () => {
    const journey = create()
    expect(journey.anonymousId).toBeUndefined()
    expect(journey.sessionId).toBeUndefined()
    let ready = false
    void journey.ready.then(() => (ready = true))
    await idle()
    expect(ready).toBe(true)
    const { anonymousId, sessionId } = journey
    expect(anonymousId).toMatch(/^[0-9a-f-]{36}$/)
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/)
    journey.track('after_ready')
    await deliver(journey)
    expect(page.fetch.sent()[0]).toMatchObject({ anonymousId, sessionId })
  })

  test('a reload reads the stored ids', async () => {
    const first = create()
    first.track('one')
    await deliver(first)
    const stored = page.fetch.sent()[0]!
    first.destroy()
    await advance(1)
    const second = create()
    await second.ready
    expect(second.anonymousId).toBe(stored.anonymousId)
    expect(second.sessionId).toBe(stored.sessionId)
  })

  test('ready waits for consent while it is pending, and resolves without ids when it is denied', async () => {
    const journey = create({ consent: 'pending' })
    let ready = false
    void journey.ready.then(() => (ready = true))
    await idle()
    expect(ready).toBe(false)
    expect(journey.anonymousId).toBeUndefined()
    journey.consent('granted')
    await idle()
    expect(ready).toBe(true)
    expect(journey.anonymousId).toBeDefined()

    const other = create({ endpoint: 'https://collect.example/denied', consent: 'denied' })
    await other.ready
    expect(other.anonymousId).toBeUndefined()
  })

  test('an expired session is not reported as current: reading the id starts the next one', async () => {
    const journey = create()
    journey.track('one')
    await deliver(journey)
    const first = journey.sessionId
    await advance(31 * 60_000, 60_000)
    const next = journey.sessionId
    expect(next).not.toBe(first)
    journey.track('two')
    await deliver(journey)
    expect(page.fetch.sent().at(-1)!.sessionId).toBe(next)
  })
})
