/**
 * The Segment format against events it cannot read: a tampered stored record, and a beforeSend
 * answer without a context. Neither may throw into the page nor hold up the events behind it.
 */
import { describe, expect, test } from 'vitest'
import { segment } from '../../src/segment'
import { ENDPOINT, usePage } from '../helpers/journey'
import { seedDatabase } from '../helpers/storage'
import { advance, idle } from '../helpers/time'

const page = usePage()
const messages = () => page.fetch.requests.flatMap((request) => (JSON.parse(request.body) as { batch: Array<{ event?: string }> }).batch)

describe('events the Segment format cannot read', () => {
  test('a stored record without a context (tampered, another version) is left out and reported; the events behind it are sent', async () => {
    page.fetch.setPlan(() => ({ status: 503 }))
    const first = page.make({ flushInterval: 60_000 })
    first.track('valid')
    await advance(300)
    first.destroy()
    await idle()
    await seedDatabase([[['q', ENDPOINT, '00000000-0000-7000-8000-000000000000.1'], '{"id":"x","type":"track","name":"n"}']])
    page.fetch.setPlan(() => ({ status: 200 }))
    const next = page.make({ flushInterval: 200, format: segment({ writeKey: 'wk' }) })
    await advance(3000)
    await next.flush()
    expect(messages().map((message) => message.event)).toContain('valid')
    expect(page.errors.map((error) => error.code)).toContain('internal_error')
    expect(page.errors.filter((error) => error.code === 'storage_failed')).toEqual([])
  })

  test('a beforeSend answer without a context is left out and reported, without throwing into the page; other events go', async () => {
    const journey = page.make({
      flushInterval: 200,
      format: segment({ writeKey: 'wk' }),
      beforeSend: (event) => (event.name === 'broken' ? { ...event, context: null as never } : event),
    })
    journey.track('broken')
    journey.track('fine')
    await advance(1000) // (a throw here would be a throw into the page's timers)
    expect(messages().map((message) => message.event)).toEqual(['fine'])
    expect(page.errors.map((error) => error.code)).toContain('internal_error')
  })
})
