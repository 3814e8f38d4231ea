/**
 * Edge cases found in review: consent changed from inside a callback, a page hidden before its
 * stored state was read, a logout in another tab, and what beforeSend hooks may return.
 */
import { expect, test } from 'vitest'
import type { Touchpoint } from '../src/types'
import { setVisibility, supportKeepalive } from './helpers/browser'
import { usePage } from './helpers/journey'
import { readDatabase } from './helpers/storage'
import { advance, idle } from './helpers/time'

const page = usePage()

test('consent withdrawn from inside a phase listener: nothing throws, nothing is lost', async () => {
  const journey = page.make({ phases: 'default' })
  await idle()
  journey.on('phase', ({ to }) => {
    if (to === 'decision') journey.consent('pending')
  })
  journey.track('add_to_cart')
  journey.track('after')
  await idle()
  journey.consent('granted')
  await journey.flush()
  expect(page.fetch.names()).toEqual(expect.arrayContaining(['add_to_cart', 'after']))
})

test('a page hidden before its stored state was read keeps the visitor\'s stored identity', async () => {
  supportKeepalive() // the exit send goes by (fake) fetch, not happy-dom's real sendBeacon
  const first = page.make()
  first.track('first-page')
  await first.flush()
  const visitor = page.fetch.sent()[0]!.anonymousId
  first.destroy()
  await idle()

  const second = page.make()
  second.track('bounced')
  setVisibility('hidden') // before IndexedDB was read
  await idle()
  setVisibility('visible')
  second.track('came-back')
  await second.flush()
  second.destroy()
  await idle()

  const third = page.make()
  third.track('next-page')
  await third.flush()
  const ids = Object.fromEntries(page.fetch.sent().map((event) => [event.name, event.anonymousId]))
  expect(ids['came-back']).toBe(visitor)
  expect(ids['next-page']).toBe(visitor)
  expect((await readDatabase())?.state.anonymousId).toBe(visitor)
})

test('a logout (reset) in another tab reaches this tab whole: no stale user id beside the new anonymous id', async () => {
  supportKeepalive()
  const tabA = page.make()
  tabA.identify('user-7')
  await tabA.flush()
  await advance(10)
  const tabB = page.make()
  tabB.track('b-opens')
  await tabB.flush()
  expect(page.fetch.sent().find((event) => event.name === 'b-opens')!.userId).toBe('user-7')

  tabA.reset()
  tabA.track('a-after-logout')
  await tabA.flush()
  setVisibility('hidden')
  setVisibility('visible')
  await idle()
  tabB.track('b-after-logout')
  await tabB.flush()

  const events = page.fetch.sent()
  const a = events.find((event) => event.name === 'a-after-logout')!
  const b = events.find((event) => event.name === 'b-after-logout')!
  expect(b.userId).toBeNull()
  expect(b.anonymousId).toBe(a.anonymousId)
})

test('a touchpoint beforeSend returning null drops the event; a site beforeSend returning nothing keeps it', async () => {
  const dropsSecrets: Touchpoint = { name: 'drops-secrets', beforeSend: (event) => (event.name === 'secret' ? null : event) }
  const journey = page.make({
    touchpoints: [dropsSecrets],
    beforeSend: (event) => {
      event.props.seen = true
      return undefined as never // a forgotten return
    },
  })
  journey.track('secret')
  journey.track('public')
  await journey.flush()
  expect(page.fetch.names()).toEqual(['public'])
  expect(page.fetch.sent()[0]!.props.seen).toBe(true)
})

test('a reset() queued while consent is pending survives the wait overflowing: the logout still happens', async () => {
  const journey = page.make({ maxQueueSize: 3 })
  journey.identify('user-1')
  await journey.flush()
  journey.consent('pending')
  journey.reset()
  for (let i = 0; i < 10; i++) journey.track('while-pending', { i })
  journey.consent('granted')
  await journey.flush()
  const after = page.fetch.sent().filter((event) => event.name === 'while-pending')
  expect(after.length).toBeGreaterThan(0)
  for (const event of after) expect(event.userId).toBeNull()
})
