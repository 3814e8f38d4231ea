/**
 * The way out of a page, through the journey: what has not reached IndexedDB when the page hides,
 * is left or freezes is journaled synchronously and stored by the next load with the same ids;
 * events tracked in a site's own hide handler are kept and sent; consent rules hold.
 */
import { beforeEach, describe, expect, test } from 'vitest'
import { JOURNAL_PREFIX, queueScope } from '../../src/queue/scope'
import { leavePage, setVisibility, supportKeepalive } from '../helpers/browser'
import { ENDPOINT, usePage } from '../helpers/journey'
import { failEventWrites, freshIndexedDB, readDatabase, restoreStorage } from '../helpers/storage'
import { advance, idle } from '../helpers/time'
import { WRITE_WINDOW } from '../../src/delivery'

/** The journal items in localStorage: key → value. */
function journals(): Map<string, string> {
  const found = new Map<string, string>()
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)!
    if (key.startsWith(JOURNAL_PREFIX)) found.set(key, localStorage.getItem(key)!)
  }
  return found
}

/** Event names and ids in the journal items. */
function journaled(): Array<{ name: string; id: string }> {
  return [...journals().values()].flatMap((text) =>
    text
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line.slice(line.indexOf(' ') + 1)) as { name: string; id: string }),
  )
}

async function storedNames(): Promise<string[]> {
  return ((await readDatabase())?.queue ?? []).map(([, event]) => event.name as string)
}

describe('the exit journal', () => {
  const page = usePage()
  // The exit send goes through the fake fetch (happy-dom's own sendBeacon would use the network).
  beforeEach(() => supportKeepalive())

  test('leaving before the write committed: journaled at once, stored and sent by the next load with the same ids', async () => {
    page.fetch.setPlan(() => ({ status: 503 }))
    const first = page.make({ flushInterval: 60_000 })
    await advance(300)
    for (let i = 0; i < 3; i++) first.track('last_moment', { i })
    leavePage()
    // Synchronously, before IndexedDB could commit anything.
    const left = new Map(journals())
    expect(journaled().map((event) => event.name)).toEqual(['last_moment', 'last_moment', 'last_moment'])
    const ids = journaled().map((event) => event.id)

    // The page was gone before its write landed: a new profile's database, the journal kept.
    await idle()
    first.destroy()
    await idle()
    freshIndexedDB()
    localStorage.clear()
    for (const [key, value] of left) localStorage.setItem(key, value)

    page.fetch.setPlan(() => ({ status: 200 }))
    const next = page.make({ flushInterval: 200 })
    await advance(2000)
    const delivered = page.fetch.delivered().filter((event) => event.name === 'last_moment')
    expect(delivered.map((event) => event.id)).toEqual(ids)
    expect(delivered.map((event) => event.props.i)).toEqual([0, 1, 2])
    // Restored, delivered, and the journal is gone.
    expect(journals().size).toBe(0)
    expect(await storedNames()).toEqual([])
    next.destroy()
  })

  test('events a page delivered but could not delete before it went are deleted by the next load, not sent again', async () => {
    // An earlier page stored two events and delivered one; its deletion did not commit, but it was noted.
    const earlier = page.make({ flushInterval: 60_000 })
    page.fetch.setPlan(() => ({ status: 503 }))
    earlier.track('delivered_elsewhere')
    earlier.track('still_to_send')
    await earlier.flush()
    await idle()
    const [delivered, waiting] = (await readDatabase())!.queue
    expect([delivered![1].name, waiting![1].name]).toEqual(['delivered_elsewhere', 'still_to_send'])
    earlier.destroy()
    await idle()
    localStorage.setItem(queueScope(ENDPOINT)._journal_ + '00000000-0000-7000-8000-000000000000.d', '!' + delivered![0])

    page.fetch.setPlan(() => ({ status: 200 }))
    const before = page.fetch.requests.length
    const next = page.make({ flushInterval: 200 })
    await advance(2000)
    const sentNow = page.fetch.requests.slice(before).flatMap((request) => request.batch.events.map((event) => event.name))
    expect(sentNow).toEqual(['still_to_send'])
    expect(await storedNames()).toEqual([])
    expect(journals().size).toBe(0)
    next.destroy()
  })

  test('once the write commits the journal item goes: a page that lives on leaves nothing behind', async () => {
    page.fetch.setPlan(() => ({ status: 503 }))
    const journey = page.make({ flushInterval: 60_000 })
    await advance(300)
    journey.track('hidden_then_back')
    setVisibility('hidden')
    expect(journals().size).toBe(1)
    await idle()
    expect(journals().size).toBe(0)
    expect(await storedNames()).toContain('hidden_then_back')
    setVisibility('visible')
  })

  test('everything already written: hiding journals nothing', async () => {
    const journey = page.make({ flushInterval: 60_000 })
    journey.track('written_long_ago')
    await advance(WRITE_WINDOW + 300)
    leavePage()
    expect(journals().size).toBe(0)
  })

  test('freeze journals what is not written yet', async () => {
    const journey = page.make({ flushInterval: 60_000 })
    await advance(300)
    journey.track('before_freeze')
    document.dispatchEvent(new Event('freeze'))
    expect(journaled().map((event) => event.name)).toEqual(['before_freeze'])
  })

  test("an event tracked in the site's own hide handler, added after journeykit, is journaled and sent before unload", async () => {
    const journey = page.make({ flushInterval: 60_000 })
    await advance(300)
    const leave = () => {
      if (document.visibilityState === 'hidden') journey.track('leave')
    }
    document.addEventListener('visibilitychange', leave)
    try {
      setVisibility('hidden')
      // The microtask that keeps it has run once the handler returned; nothing else has.
      await Promise.resolve()
      expect(journaled().map((event) => event.name)).toEqual(['leave'])
      expect(page.fetch.requests.filter((request) => request.keepalive).flatMap((request) => page.fetch.names(request.batch.events))).toContain('leave')
    } finally {
      document.removeEventListener('visibilitychange', leave)
    }
  })

  test('reset() journaled on the way out wins over the identity stored before it: the next load is not the logged-out user', async () => {
    page.fetch.setPlan(() => ({ status: 503 }))
    const first = page.make({ flushInterval: 60_000 })
    first.identify('u0')
    await advance(500)
    const stored = (await readDatabase())!.state
    expect(stored.userId).toBe('u0')
    // A logout link: reset, one event, and the page navigates before IndexedDB commits.
    const factory = indexedDB
    failEventWrites('abort-null')
    first.reset()
    first.track('logout')
    leavePage()
    await idle()
    first.destroy()
    await idle()
    restoreStorage()
    Object.defineProperty(globalThis, 'indexedDB', { configurable: true, writable: true, value: factory })

    page.fetch.setPlan(() => ({ status: 200 }))
    const next = page.make({ flushInterval: 200 })
    await next.ready
    expect(next.anonymousId).not.toBe(stored.anonymousId)
    next.track('next_page')
    await advance(2000)
    const delivered = page.fetch.delivered()
    const logout = delivered.find((e) => e.name === 'logout')!
    const after = delivered.find((e) => e.name === 'next_page')!
    expect(logout.userId).toBeNull()
    expect(after.userId).toBeNull()
    expect(after.anonymousId).toBe(logout.anonymousId)
    // Deleted, not stored as null.
    expect('userId' in (await readDatabase())!.state).toBe(false)
  })

  test('a write refused for quota ends in memory and stays journaled on the way out', async () => {
    page.fetch.setPlan(() => ({ status: 503 }))
    const journey = page.make({ flushInterval: 60_000 })
    await advance(300)
    failEventWrites('quota')
    journey.track('in_memory_only')
    await idle()
    leavePage()
    expect(journaled().map((event) => event.name)).toContain('in_memory_only')
  })

  test('a journal restored to memory (IndexedDB refused it for quota) is kept for a later load', async () => {
    const key = queueScope(ENDPOINT)._journal_ + '00000000-0000-7000-8000-000000000000.0'
    localStorage.setItem(key, '\nk.1 ' + JSON.stringify({ name: 'journaled', id: 'e1' }))
    failEventWrites('quota')
    const journey = page.make({ flushInterval: 60_000 })
    await journey.ready
    await idle()
    expect(localStorage.getItem(key)).not.toBeNull()
  })

  test('consent pending: nothing journaled; denied: every journal removed', async () => {
    localStorage.setItem(JOURNAL_PREFIX + 'https://elsewhere.example/c 0.0', '\nk.1 {}')
    const pending = page.make({ consent: 'pending', flushInterval: 60_000 })
    pending.track('waiting')
    leavePage()
    expect([...journals().keys()]).toEqual([JOURNAL_PREFIX + 'https://elsewhere.example/c 0.0'])
    pending.consent('denied')
    expect(journals().size).toBe(0)
  })
})
