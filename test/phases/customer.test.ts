/**
 * Declaring what the site knows through the public API: `identify(id, { customer: true })` and
 * `identify(id, { phase })`, explained like any rule and kept across page loads.
 */
import { b2b } from '../../src/b2b'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createJourney } from '../../src/journey'
import { forgetJourneys } from '../helpers/instances'
import type { Batch, Journey, JourneyEvent, JourneyOptions } from '../../src/types'

let delivered: JourneyEvent[]
const journeys: Journey[] = []

/** A page load: nothing is carried over from a journey destroyed before (src/instances.ts). */
function open(options: Partial<JourneyOptions> = {}): Journey {
  forgetJourneys()
  const journey = createJourney({ endpoint: 'https://collect.example/e', flushInterval: 60_000, ...options })
  journeys.push(journey)
  return journey
}

async function deliver(journey: Journey, count: number): Promise<void> {
  await vi.waitFor(async () => {
    await journey.flush()
    expect(delivered.length).toBeGreaterThanOrEqual(count)
  }, { timeout: 30_000 })
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory()
  localStorage.clear()
  // Each test is a new page: not the successor of the journey the previous test destroyed.
  forgetJourneys()
  delivered = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      delivered.push(...(JSON.parse(String(init.body)) as Batch).events)
      return new Response(null, { status: 204 })
    }),
  )
})

afterEach(() => {
  for (const journey of journeys.splice(0)) journey.destroy()
  vi.unstubAllGlobals()
})

describe('a known customer', () => {
  it('identify(id, { customer: true }) makes the visitor a customer, explained, and the identify event carries the phase', async () => {
    const journey = open()
    journey.page()
    journey.identify('u-1', { customer: true, email: 'ann@example.com' })
    await deliver(journey, 3)
    expect(journey.phase).toBe('retention')
    expect(delivered.map((event) => [event.type, event.name, event.phase])).toEqual([
      ['page', 'page_view', 'awareness'],
      ['track', 'phase_change', 'retention'],
      ['identify', 'identify', 'retention'],
    ])
    expect(delivered[1]!.props).toEqual({ from: 'awareness', to: 'retention', rule: 'retention.known-customer' })
    const [entry] = journey.explain()
    expect(entry).toMatchObject({ from: 'awareness', to: 'retention', rule: 'retention.known-customer', reason: 'identify matched retention.known-customer', eventId: delivered[2]!.id })
    // The explanation names the rule, never the traits.
    expect(JSON.stringify(journey.explain())).not.toContain('ann@')
  })

  it('stays a customer on the next page load, from IndexedDB alone: customer rules apply', async () => {
    const first = open()
    first.identify('u-1', { customer: true })
    await deliver(first, 2)
    first.destroy()
    localStorage.clear() // only IndexedDB now
    const next = open()
    next.track('share')
    await deliver(next, 4)
    expect(delivered.at(-1)).toMatchObject({ name: 'share', phase: 'advocacy' })
    expect(next.explain().map((entry) => entry.rule)).toEqual(['retention.known-customer', 'advocacy.recommendation'])
  })

  it('customer: false, a string "true" or no traits declare nothing', async () => {
    const journey = open()
    journey.identify('u-1', { customer: false })
    journey.identify('u-1', { customer: 'true' })
    journey.identify('u-1')
    journey.track('share')
    await deliver(journey, 4)
    expect(journey.phase).toBe('awareness')
    expect(journey.explain()).toEqual([])
  })

  it('in b2b, a known customer is won (onboarding) and may expand', async () => {
    const journey = open({ phases: b2b })
    journey.identify('acct-1', { customer: true })
    journey.track('add_seats')
    await deliver(journey, 4)
    expect(journey.explain().map((entry) => entry.rule)).toEqual(['onboarding.known-customer', 'expansion.upgrade'])
  })
})

describe('the phase the server knows', () => {
  it('identify(id, { phase }) moves the visitor there; a customer phase also converts', async () => {
    const journey = open()
    journey.identify('u-1', { phase: 'advocacy' })
    await deliver(journey, 2)
    expect(journey.phase).toBe('advocacy')
    expect(journey.explain()[0]).toMatchObject({ to: 'advocacy', rule: 'advocacy.declared', reason: 'identify matched advocacy.declared' })
    journey.reset()
    journey.identify('u-2', { phase: 'consideration' })
    journey.track('share') // not a customer: no advocacy
    await deliver(journey, 5)
    expect(journey.phase).toBe('consideration')
  })

  it('b2b: a declared onboarding customer is converted', async () => {
    const journey = open({ phases: b2b })
    journey.identify('acct-1', { phase: 'onboarding' })
    journey.track('upgrade')
    await deliver(journey, 4)
    expect(journey.explain().map((entry) => entry.rule)).toEqual(['onboarding.declared', 'expansion.upgrade'])
  })

  it('forward only, and an unknown phase is ignored', async () => {
    const journey = open()
    journey.track('purchase')
    journey.identify('u-1', { phase: 'consideration' })
    journey.identify('u-1', { phase: 'champion' })
    await deliver(journey, 4)
    expect(journey.phase).toBe('decision')
    expect(journey.explain().map((entry) => entry.rule)).toEqual(['decision.conversion'])
  })

  it('a model without a customer phase: customer: true only converts', async () => {
    const journey = open({ phases: { phases: ['a', 'b'], rules: [{ id: 'b.share', to: 'b', name: 'share', converted: true }] } })
    journey.identify('u-1', { customer: true })
    journey.track('share')
    await deliver(journey, 3)
    expect(journey.explain().map((entry) => entry.rule)).toEqual(['b.share'])
  })
})
