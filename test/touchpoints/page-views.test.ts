import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { pageViews, setRouteSource, TITLE_WAIT_MS, type PageViewsOptions } from '../../src/touchpoints/page-views'
import { install } from './context'

const originalPush = history.pushState
const originalReplace = history.replaceState
/** Lets a view that is waiting for its title give up waiting (the fake clock moves past the cap). */
const tick = async () => {
  // happy-dom fires popstate and hashchange from a task or a (fake) 0 ms timer
  await new Promise((resolve) => setImmediate(resolve))
  vi.advanceTimersByTime(0)
  vi.advanceTimersByTime(TITLE_WAIT_MS)
}
/** The next hashchange (happy-dom dispatches it from a timer of its own). */
const hashchanged = () => new Promise((resolve) => window.addEventListener('hashchange', resolve, { once: true }))
/** Lets the MutationObserver that watches the title report (it delivers in a microtask). */
const observed = () => new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => new Promise<void>((resolve) => queueMicrotask(resolve)))
const pageshow = (persisted: boolean) => window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted }))

let active: ReturnType<typeof install> | undefined
function start(options?: PageViewsOptions) {
  active = install(pageViews(options))
  return active
}
/** The paths (with query and hash) of the recorded page views. */
const views = () => active!.recorded.filter((event) => event.type === 'page').map((event) => event.url.slice(location.origin.length))

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-12-01T10:00:00Z') })
  originalReplace.call(history, null, '', '/start')
  document.title = 'Start'
})
afterEach(() => {
  vi.useRealTimers()
  setRouteSource(undefined)
  active?.teardown()
  active = undefined
  delete (window as { navigation?: unknown }).navigation
  delete (document as { prerendering?: unknown }).prerendering
})

describe('pageViews()', () => {
  test('records the page it loads on, once its title had time to settle', async () => {
    start()
    expect(views()).toEqual([])
    await tick()
    expect(views()).toEqual(['/start'])
  })

  test('records one view per distinct route of a burst of history changes', async () => {
    start()
    history.pushState({}, '', '/pricing')
    history.replaceState({ scroll: 1 }, '', '/pricing') // frameworks store state right after pushing
    history.pushState({}, '', '/pricing') // a double push of the same URL
    history.pushState({}, '', '/plans')
    history.replaceState({}, '', '/checkout') // a redirect done with replaceState changes the path
    history.pushState({}, '', '/pricing')
    await tick()
    expect(views()).toEqual(['/start', '/pricing', '/plans', '/checkout', '/pricing'])
  })

  test('counts query changes that add a history entry, not those made with replaceState', async () => {
    start()
    history.pushState({}, '', '/search?q=shoes')
    history.replaceState({}, '', '/search?q=shoes&sort=price')
    history.pushState({}, '', '/search?q=boots')
    await tick()
    expect(views()).toEqual(['/start', '/search?q=shoes', '/search?q=boots'])
  })

  test("queryChanges 'all' counts every query change, 'none' only path changes", async () => {
    start({ queryChanges: 'all' })
    history.replaceState({}, '', '/start?filter=red')
    await tick()
    expect(views()).toEqual(['/start', '/start?filter=red'])
    active!.teardown()

    start({ queryChanges: 'none' })
    history.pushState({}, '', '/start?page=2')
    history.pushState({}, '', '/next?page=2')
    await tick()
    expect(views()).toEqual(['/start?filter=red', '/next?page=2'])
  })

  test('records back and forward navigation', async () => {
    start()
    history.pushState({}, '', '/a')
    history.pushState({}, '', '/b')
    history.back()
    await tick()
    expect(location.pathname).toBe('/a')
    expect(views()).toEqual(['/start', '/a', '/b', '/a'])
  })

  test('ignores fragments unless hashRoutes is on', async () => {
    start()
    location.hash = '#section-2'
    await tick()
    expect(views()).toEqual(['/start'])
    active!.teardown()

    start({ hashRoutes: true })
    let changed = hashchanged()
    location.hash = '#/pricing'
    await changed
    await tick()
    changed = hashchanged()
    location.hash = '#/pricing' // unchanged: no event, no view
    location.hash = '#/plans'
    await changed
    await tick()
    expect(views()).toEqual(['/start#section-2', '/start#/pricing', '/start#/plans'])
  })

  test('counts a page restored from the back/forward cache, not a normal pageshow', async () => {
    start()
    await tick()
    pageshow(false)
    pageshow(true)
    expect(views()).toEqual(['/start', '/start'])
  })

  test('waits until a prerendered page is shown', () => {
    Object.defineProperty(document, 'prerendering', { value: true, configurable: true })
    start()
    expect(views()).toEqual([])
    Object.defineProperty(document, 'prerendering', { value: false, configurable: true })
    document.dispatchEvent(new Event('prerenderingchange'))
    expect(views()).toEqual(['/start'])
  })

  test('uses the Navigation API where the browser has it, leaving history alone', async () => {
    const navigation = new EventTarget()
    ;(window as { navigation?: EventTarget }).navigation = navigation
    const entryChange = (navigationType: string) =>
      navigation.dispatchEvent(Object.assign(new Event('currententrychange'), { navigationType }))
    start()
    expect(history.pushState).toBe(originalPush)
    history.pushState({}, '', '/pricing') // the fake navigation object does not see this by itself
    entryChange('push')
    entryChange('replace') // same URL
    originalReplace.call(history, null, '', '/pricing?tab=2')
    entryChange('replace') // query only, replaced
    originalPush.call(history, null, '', '/plans')
    entryChange('traverse')
    entryChange('reload')
    await tick()
    expect(views()).toEqual(['/start', '/pricing', '/plans'])
  })

  test('teardown restores history and removes its listeners', async () => {
    start()
    await tick()
    active!.teardown()
    expect(history.pushState).toBe(originalPush)
    expect(history.replaceState).toBe(originalReplace)
    history.pushState({}, '', '/after')
    history.back()
    await tick()
    pageshow(true)
    expect(views()).toEqual(['/start'])
  })

  test('teardown leaves a wrapper added later by another script in place, its own part inert', async () => {
    start()
    await tick()
    const ours = history.pushState
    let theirs = 0
    history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
      theirs++
      return ours.apply(this, args)
    }
    active!.teardown()
    history.pushState({}, '', '/after')
    expect(theirs).toBe(1)
    expect(location.pathname).toBe('/after')
    expect(views()).toEqual(['/start'])
    history.pushState = originalPush
  })

  test('a failing page() never breaks the page’s own navigation', async () => {
    const fake = install(pageViews())
    fake.ctx.page = () => {
      throw new Error('broken')
    }
    expect(() => history.pushState({}, '', '/elsewhere')).not.toThrow()
    expect(location.pathname).toBe('/elsewhere')
    await tick()
    expect(fake.ctx.warn).toHaveBeenCalledWith('plugin_failed', expect.stringContaining('broken'), expect.any(Error))
    fake.teardown()
  })

  test('teardown cancels a view still waiting for its title', async () => {
    start()
    await tick()
    history.pushState({}, '', '/late')
    active!.teardown()
    await tick()
    expect(views()).toEqual(['/start'])
  })

  test('the page’s own history errors still reach it, and are not counted as views', async () => {
    start()
    await tick()
    expect(() => history.pushState({}, '', 'https://elsewhere.example/')).toThrow()
    expect(views()).toEqual(['/start'])
  })
})

describe('pageViews() titles', () => {
  /** Each recorded view as `path "title"`. */
  const titled = () =>
    active!.recorded.filter((event) => event.type === 'page').map((event) => `${event.url.slice(location.origin.length)} "${event.title}"`)

  test('a view takes the title the router sets after the URL, however late within the wait, with the time of the change', async () => {
    start()
    document.title = 'Home - Shop' // the router renders the first route after createJourney ran
    await observed()
    expect(titled()).toEqual(['/start "Home - Shop"'])

    vi.advanceTimersByTime(1000)
    const changedAt = Date.now()
    history.pushState({}, '', '/pricing')
    vi.advanceTimersByTime(94) // React Router 7 commits the new route in a transition
    await observed()
    expect(titled()).toHaveLength(1) // still waiting: the title has not changed
    document.title = 'Pricing - Shop'
    await observed()
    expect(titled()).toEqual(['/start "Home - Shop"', '/pricing "Pricing - Shop"'])
    expect(active!.recorded.at(-1)!.time).toBe(changedAt)
  })

  test('a <title> element swapped in <head> (React 19, Vue head managers) counts as the title change', async () => {
    start()
    await tick()
    history.pushState({}, '', '/products/2')
    document.querySelector('title')?.remove()
    const title = document.createElement('title')
    title.textContent = 'Product 2 - Shop'
    document.head.append(title)
    await observed()
    expect(titled()).toEqual(['/start "Start"', '/products/2 "Product 2 - Shop"'])
  })

  test('without a title change, the view is recorded after the wait with the title as it is (pages may share one)', async () => {
    start()
    await tick()
    history.pushState({}, '', '/same')
    vi.advanceTimersByTime(TITLE_WAIT_MS - 1)
    expect(titled()).toEqual(['/start "Start"'])
    vi.advanceTimersByTime(1)
    expect(titled()).toEqual(['/start "Start"', '/same "Start"'])
  })

  test('the next route change ends the wait: never the previous page\'s title for the new URL, never the next page\'s', async () => {
    start()
    await tick()
    history.pushState({}, '', '/a')
    history.pushState({}, '', '/b') // before /a set its title
    document.title = 'B'
    await observed()
    history.pushState({}, '', '/c')
    await tick()
    expect(titled()).toEqual(['/start "Start"', '/a ""', '/b "B"', '/c "B"'])
  })

  test('back and forward wait for the title like a push', async () => {
    start()
    await tick()
    history.pushState({}, '', '/about')
    document.title = 'About'
    await observed()
    history.back()
    await new Promise((resolve) => setImmediate(resolve)) // happy-dom dispatches popstate in a task
    document.title = 'Start'
    await observed()
    expect(titled()).toEqual(['/start "Start"', '/about "About"', '/start "Start"'])
  })

  test('a view still waiting when the page is hidden is recorded then, to leave with the last send', async () => {
    const fake = start()
    await tick()
    history.pushState({}, '', '/leaving')
    fake.plugin.onHide!()
    expect(titled()).toEqual(['/start "Start"', '/leaving "Start"'])
    await tick()
    expect(titled()).toHaveLength(2)
  })

  test('views carry the route template a binding set as the route source', async () => {
    setRouteSource(() => (location.pathname.startsWith('/products/') ? '/products/:id' : undefined))
    start()
    await tick()
    history.pushState({}, '', '/products/7')
    await tick()
    expect(active!.recorded.filter((event) => event.type === 'page').map((event) => event.props)).toEqual([undefined, { route: '/products/:id' }])
  })
})
