/**
 * Phases through the real core: `createJourney` with a fake `fetch` (the edge), fake timers and
 * fake-indexeddb. What the page sees (`journey.phase`, `on('phase')`, `explain()`) and what the
 * endpoint gets (`phase_change` right before its cause, every event with its phase).
 */
import { b2b } from '../../src/b2b'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createJourney } from '../../src/journey'
import type { Batch, Journey, JourneyEvent, JourneyOptions, PhaseChange } from '../../src/types'
import { forgetJourneys } from '../helpers/instances'

const ENDPOINT = 'https://collect.example/events'

let delivered: JourneyEvent[]
const journeys: Journey[] = []

function open(options: Partial<JourneyOptions> = {}): Journey {
  // Each open() is a new page load: forget the page's one-journey-per-endpoint registry.
  forgetJourneys()
  const journey = createJourney({ endpoint: ENDPOINT, flushInterval: 60_000, ...options })
  journeys.push(journey)
  return journey
}

function visit(path: string): void {
  history.pushState(null, '', path)
}

/** Processes and sends everything tracked so far (storage is read asynchronously first). */
async function deliver(journey: Journey, count: number): Promise<void> {
  await vi.waitFor(async () => {
    await journey.flush()
    expect(delivered.length).toBeGreaterThanOrEqual(count)
  })
}

beforeEach(() => {
  // A fresh IndexedDB and localStorage per test: every test is a first visit.
  globalThis.indexedDB = new IDBFactory()
  localStorage.clear()
  visit('/')
  delivered = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      delivered.push(...(JSON.parse(String(init.body)) as Batch).events)
      return new Response(null, { status: 204 })
    }),
  )
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
})

afterEach(() => {
  for (const journey of journeys.splice(0)) journey.destroy()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('phases through createJourney', () => {
  it('decides every event, announces changes, and explains them', async () => {
    const journey = open()
    const changes: PhaseChange[] = []
    journey.on('phase', (change) => changes.push(change))
    expect(journey.phase).toBe('awareness')

    journey.page()
    visit('/pricing')
    journey.page()
    journey.track('add_to_cart', { sku: 'A1' })
    journey.track('scroll_depth', { percent: 50 })
    await deliver(journey, 6)

    expect(delivered.map((event) => [event.name, event.phase])).toEqual([
      ['page_view', 'awareness'],
      ['phase_change', 'consideration'],
      ['page_view', 'consideration'],
      ['phase_change', 'decision'],
      ['add_to_cart', 'decision'],
      ['scroll_depth', 'decision'],
    ])
    const [toConsideration, pricing, toDecision, cart] = delivered.slice(1, 5) as JourneyEvent[]
    expect(toConsideration).toMatchObject({ type: 'track', props: { from: 'awareness', to: 'consideration', rule: 'consideration.product-page' } })
    expect(toDecision).toMatchObject({ type: 'track', props: { from: 'consideration', to: 'decision', rule: 'decision.intent' } })
    expect(pricing!.context.path).toBe('/pricing')

    expect(journey.phase).toBe('decision')
    expect(changes).toEqual([
      { from: 'awareness', to: 'consideration', rule: 'consideration.product-page', reason: 'page /pricing matched consideration.product-page' },
      { from: 'consideration', to: 'decision', rule: 'decision.intent', reason: 'track add_to_cart matched decision.intent' },
    ])
    expect(journey.explain()).toEqual([
      { ...changes[0], at: pricing!.timestamp, eventId: pricing!.id },
      { ...changes[1], at: cart!.timestamp, eventId: cart!.id },
    ])
  })

  it("the b2b model comes from journeykit/b2b; the old name 'b2b' is a set-up error that names the import", () => {
    expect(() => open({ phases: 'b2b' as never })).toThrow("import { b2b } from 'journeykit/b2b'")
    expect(() => open({ phases: { extends: 'b2b' as never } })).toThrow('journeykit-b2b.iife.js')
    expect(open({ phases: { extends: b2b, remove: ['research.solution-page'] } }).phase).toBe('need')
  })

  it('takes a preset by name, a model object, and rejects a malformed model at set-up', async () => {
    expect(open({ phases: 'default' }).phase).toBe('awareness')
    expect(open({ phases: b2b }).phase).toBe('need')
    const journey = open({
      phases: { phases: ['browsing', 'buying'], rules: [{ id: 'buying.cart', to: 'buying', name: 'add_to_cart' }] },
    })
    journey.track('add_to_cart')
    await deliver(journey, 2)
    expect(delivered.map((event) => [event.name, event.phase])).toEqual([
      ['phase_change', 'buying'],
      ['add_to_cart', 'buying'],
    ])
    expect(() => open({ phases: { extends: 'default', rules: [{ id: 'x', to: 'nowhere' }] } })).toThrow(/rule x: `to` must be one of awareness/)
  })

  it('reset() starts the journey over', async () => {
    const journey = open()
    journey.track('purchase')
    await deliver(journey, 2)
    expect(journey.phase).toBe('decision')
    journey.reset()
    journey.track('share')
    await deliver(journey, 3)
    expect(journey.phase).toBe('awareness')
    expect(journey.explain()).toEqual([])
    expect(delivered.at(-1)).toMatchObject({ name: 'share', phase: 'awareness' })
  })

  it('a new journey on the next page load goes on from the stored phase', async () => {
    const first = open()
    visit('/checkout')
    first.page()
    await deliver(first, 2)
    first.destroy()

    localStorage.clear() // only IndexedDB: the next journey learns the phase when it has read it
    const next = open()
    next.track('scroll_depth')
    await deliver(next, 3)
    expect(delivered.at(-1)).toMatchObject({ name: 'scroll_depth', phase: 'decision' })
    expect(next.explain()).toEqual(first.explain())
  })

  // Needs createJourney to pass `canPersist: () => consent === 'granted'` to createPhaseEngine:
  // without it the engine writes no localStorage copy and the phase is right only once
  // IndexedDB has been read.
  it('journey.phase is right synchronously at start-up after a reload', async () => {
    const first = open()
    first.track('purchase')
    await deliver(first, 2)
    first.destroy()
    expect(open().phase).toBe('decision')
  })

  it('denying consent deletes the localStorage copy', () => {
    localStorage.setItem('journeykit:phases', '{"e":0,"p":"decision","c":false,"n":1,"s":[],"k":{},"r":{},"h":[],"t":0}')
    const journey = open()
    expect(journey.phase).toBe('decision')
    journey.consent('denied')
    expect(localStorage.getItem('journeykit:phases')).toBeNull()
  })

  it('writes nothing to localStorage while consent is pending', async () => {
    const journey = open({ consent: 'pending' })
    journey.track('purchase')
    await vi.advanceTimersByTimeAsync(100)
    expect(localStorage.length).toBe(0)
    expect(fetch).not.toHaveBeenCalled()
  })
})
