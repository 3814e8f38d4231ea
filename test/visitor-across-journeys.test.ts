/**
 * One visitor, several journeys: journeys for different endpoints on one page share the visitor
 * (anonymous id, user id, consent), and what one of them learns or is told reaches the others.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createJourney } from '../src/journey'
import { usePage } from './helpers/journey'
import { readDatabase } from './helpers/storage'
import { advance, idle } from './helpers/time'

const QUIET = { phases: ['awareness'], rules: [] }
const page = usePage()
afterEach(() => vi.unstubAllGlobals())

describe('consent is the visitor’s', () => {
  test('denied, then granted again: a new visitor, not the id from before the denial', async () => {
    const journey = page.make({ flushInterval: 200 })
    await journey.ready
    const before = journey.anonymousId
    journey.track('before')
    await advance(500)
    journey.consent('denied')
    await idle()
    journey.consent('granted')
    await journey.ready
    journey.track('after')
    await advance(1000)
    const after = page.fetch.delivered().find((event) => event.name === 'after')
    expect(after?.anonymousId).toBeTypeOf('string')
    expect(after!.anonymousId).not.toBe(before)
  })

  test('denied on one journey: every journey on the page stops recording, and nothing of theirs stays stored', async () => {
    page.fetch.setPlan((_n, request) => (request.url.startsWith('https://b.') ? { status: 503 } : { status: 200 }))
    const a = page.make({ endpoint: 'https://a.example/e', flushInterval: 200 })
    const b = createJourney({ endpoint: 'https://b.example/e', flushInterval: 60_000, phases: QUIET })
    try {
      b.track('b_waiting')
      await advance(1000)
      expect((await readDatabase())?.queue.map(([, event]) => event.name)).toContain('b_waiting')
      a.consent('denied')
      await advance(1000)
      b.track('b_after')
      a.track('a_after')
      await advance(1000)
      expect(await readDatabase()).toBeUndefined()
      expect(page.fetch.names(page.fetch.sent())).not.toContain('b_after')
      expect(page.fetch.names(page.fetch.sent())).not.toContain('a_after')
      expect(b.anonymousId).toBeUndefined()
    } finally {
      b.destroy()
    }
  })
})

describe('identity across endpoints on one page', () => {
  test('identify() on one journey reaches the other as it happens', async () => {
    const a = page.make({ endpoint: 'https://a.example/e', flushInterval: 200 })
    const b = createJourney({ endpoint: 'https://b.example/e', flushInterval: 200, phases: QUIET })
    try {
      await a.ready
      await b.ready
      a.identify('u1')
      await advance(1000)
      b.track('after_login_on_a')
      await advance(1000)
      expect(page.fetch.delivered().find((event) => event.name === 'after_login_on_a')?.userId).toBe('u1')
    } finally {
      b.destroy()
    }
  })

  test('reset() on both journeys (a logout) gives the visitor one new anonymous id, not two', async () => {
    const a = page.make({ endpoint: 'https://a.example/e', flushInterval: 200 })
    const b = createJourney({ endpoint: 'https://b.example/e', flushInterval: 200, phases: QUIET })
    try {
      a.track('before')
      b.track('before')
      await advance(1000)
      a.reset()
      b.reset()
      a.track('after_a')
      b.track('after_b')
      await advance(1000)
      const delivered = page.fetch.delivered()
      const before = delivered.filter((event) => event.name === 'before').map((event) => event.anonymousId)
      const afterA = delivered.find((event) => event.name === 'after_a')!.anonymousId
      const afterB = delivered.find((event) => event.name === 'after_b')!.anonymousId
      expect(new Set(before).size).toBe(1)
      expect(afterA).toBe(afterB)
      expect(afterA).not.toBe(before[0])
    } finally {
      b.destroy()
    }
  })
})

test('a BroadcastChannel that cannot be opened: createJourney does not throw, events are still delivered', async () => {
  vi.stubGlobal(
    'BroadcastChannel',
    class {
      constructor() {
        throw new DOMException('The operation is insecure.', 'SecurityError')
      }
    },
  )
  const journey = page.make({ flushInterval: 200 })
  journey.track('x')
  await advance(1000)
  expect(page.fetch.names(page.fetch.delivered())).toContain('x')
})
