/**
 * Two tabs of one site share the stored journey state. A tab reads what the other tab changed
 * as soon as the other says so (side-by-side windows, both visible), and again when it comes
 * back into view, so the visitor keeps one identity and session.
 */
import { describe, expect, test, vi } from 'vitest'
import { fakeLocks, setVisibility } from '../helpers/browser'
import { usePage } from '../helpers/journey'
import { advance, idle, macrotask, START } from '../helpers/time'
import { STATE_CHANNEL } from '../../src/queue/scope'

const page = usePage()
const MINUTE = 60_000

function sessionOf(name: string): string | undefined {
  return page.fetch.sent().find((event) => event.name === name)?.sessionId
}

test('a tab coming back continues the session another tab kept alive', async () => {
  const first = page.make()
  first.track('first-tab-opens')
  await first.flush()
  vi.setSystemTime(START + MINUTE)
  const second = page.make()
  second.track('second-tab-opens')
  await second.flush()
  expect(sessionOf('second-tab-opens')).toBe(sessionOf('first-tab-opens'))

  // The visitor works in the first tab while the second sits in the background…
  vi.setSystemTime(START + 20 * MINUTE)
  first.track('still-active')
  await first.flush()
  // …and comes back to the second tab 40 minutes after it was last used, 20 after the last activity.
  vi.setSystemTime(START + 40 * MINUTE)
  setVisibility('hidden')
  setVisibility('visible')
  await idle()
  second.track('second-tab-again')
  await second.flush()

  expect(sessionOf('second-tab-again')).toBe(sessionOf('first-tab-opens'))
})

test('a tab coming back sends with the user id and anonymous id another tab set', async () => {
  const first = page.make()
  const second = page.make()
  first.track('opens')
  await first.flush()
  await second.flush()
  first.reset()
  first.identify('user-7')
  await first.flush()

  setVisibility('hidden')
  setVisibility('visible')
  await idle()
  second.track('after-login-elsewhere')
  await second.flush()

  const events = page.fetch.sent()
  const identify = events.find((event) => event.name === 'identify')!
  const later = events.find((event) => event.name === 'after-login-elsewhere')!
  expect(later.userId).toBe('user-7')
  expect(later.anonymousId).toBe(identify.anonymousId)
  expect(later.anonymousId).not.toBe(events.find((event) => event.name === 'opens')!.anonymousId)
})

test('a value this tab changed and not yet stored is not overwritten by the refresh', async () => {
  const first = page.make({ flushInterval: 60 * MINUTE })
  const second = page.make({ flushInterval: 60 * MINUTE })
  first.identify('user-a')
  await first.flush()
  second.identify('user-b')
  // No write yet for the second tab's identify: the refresh must not undo it.
  setVisibility('visible')
  second.track('mine')
  await second.flush()
  expect(page.fetch.sent().find((event) => event.name === 'mine')!.userId).toBe('user-b')
})

test('without Web Locks, a slow request keeps its sending lease: the other tab does not send the same events meanwhile', async () => {
  // happy-dom has no navigator.locks: the IndexedDB lease is what keeps one sender.
  expect((navigator as { locks?: unknown }).locks ?? undefined).toBeUndefined()
  page.fetch.setPlan([{ hang: true }])
  const first = page.make({ flushInterval: 1000 })
  first.track('slow')
  await advance(1500) // the first tab's request goes out and hangs (until its 20 s timeout)
  expect(page.fetch.requests).toHaveLength(1)
  const second = page.make({ flushInterval: 1000 })
  second.track('other-tab')
  await advance(17_000)
  expect(page.fetch.maxInFlight()).toBe(1)
})

test('with Web Locks, a sender waiting on a slow request keeps the lock: the other tab does not take it over', async () => {
  const locks = fakeLocks()
  locks.install()
  page.fetch.setPlan([{ hang: true }])
  const first = page.make({ flushInterval: 1000 })
  first.track('slow')
  await advance(1500)
  expect(page.fetch.requests).toHaveLength(1)
  const second = page.make({ flushInterval: 1000 })
  second.track('other-tab')
  // Well past the 10 s after which a silent holder loses the lock.
  await advance(30_000, 250)
  expect(locks.maxHolders()).toBe(1)
  const names = page.fetch.names()
  expect(names.filter((name) => name === 'slow')).toEqual(['slow'])
  expect(names.filter((name) => name === 'other-tab')).toEqual(['other-tab'])
})

describe('side by side: both tabs visible, no visibility change', () => {
  test('a tab sends with the user id another tab set a moment ago', async () => {
    const first = page.make()
    const second = page.make()
    first.track('opens')
    await first.flush()
    await second.flush()
    first.identify('user-7')
    await first.flush()
    await idle()
    second.track('side-by-side')
    await second.flush()
    expect(page.fetch.sent().find((event) => event.name === 'side-by-side')!.userId).toBe('user-7')
  })

  test("a tab follows another tab's reset() (logout): new anonymous id, no user id", async () => {
    const first = page.make()
    const second = page.make()
    first.identify('user-7')
    await first.flush()
    await idle()
    await second.flush()
    first.reset()
    first.track('after-reset')
    await first.flush()
    await idle()
    second.track('side-by-side')
    await second.flush()
    const events = page.fetch.sent()
    const afterReset = events.find((event) => event.name === 'after-reset')!
    const sideBySide = events.find((event) => event.name === 'side-by-side')!
    expect(sideBySide.userId).toBeNull()
    expect(sideBySide.anonymousId).toBe(afterReset.anonymousId)
  })

  test('an idle tab continues the session another tab keeps alive', async () => {
    const first = page.make()
    first.track('first-tab-opens')
    await first.flush()
    vi.setSystemTime(START + MINUTE)
    const second = page.make()
    second.track('second-tab-opens')
    await second.flush()
    expect(sessionOf('second-tab-opens')).toBe(sessionOf('first-tab-opens'))
    // The visitor works in the first window; the second stays open beside it, untouched.
    for (let minute = 10; minute <= 40; minute += 10) {
      vi.setSystemTime(START + minute * MINUTE)
      first.track('still-active')
      await first.flush()
      await idle()
    }
    vi.setSystemTime(START + 45 * MINUTE)
    second.track('second-tab-again')
    await second.flush()
    expect(sessionOf('second-tab-again')).toBe(sessionOf('first-tab-opens'))
  })

  test('another tab writing while the state is read: after `await ready` the ids are known', async () => {
    const other = new BroadcastChannel(STATE_CHANNEL)
    const journey = page.make({ flushInterval: 200 })
    other.postMessage({ state: true })
    await journey.ready
    const anonymousId = journey.anonymousId
    const sessionId = journey.sessionId
    other.close()
    expect(anonymousId).toBeTypeOf('string')
    expect(sessionId).toBeTypeOf('string')
  })

  test('ids stay known while another tab\'s changes are read again', async () => {
    const other = new BroadcastChannel(STATE_CHANNEL)
    const journey = page.make()
    await journey.ready
    const anonymousId = journey.anonymousId
    other.postMessage({ state: true })
    const seen: Array<string | undefined> = []
    for (let i = 0; i < 30; i++) {
      await macrotask()
      seen.push(journey.anonymousId)
    }
    other.close()
    expect(anonymousId).toBeTypeOf('string')
    expect(seen.filter((id) => id !== anonymousId)).toEqual([])
  })

  test('with IndexedDB unavailable (memory only) tabs share nothing, and say nothing', async () => {
    const posted = vi.spyOn(BroadcastChannel.prototype, 'postMessage')
    vi.stubGlobal('indexedDB', undefined)
    const first = page.make()
    first.identify('user-7')
    await first.flush()
    await idle()
    expect(posted.mock.calls.filter(([message]) => (message as { state?: boolean })?.state)).toEqual([])
  })
})
