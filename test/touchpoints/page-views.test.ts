import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { pageViews, type PageViewsOptions } from '../../src/touchpoints/page-views'
import { install } from './context'

const originalPush = history.pushState
const originalReplace = history.replaceState
const tick = () => new Promise((resolve) => setTimeout(resolve, 10))
const pageshow = (persisted: boolean) => window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted }))

let active: ReturnType<typeof install> | undefined
function start(options?: PageViewsOptions) {
  active = install(pageViews(options))
  return active
}
/** The paths (with query and hash) of the recorded page views. */
const views = () => active!.recorded.filter((event) => event.type === 'page').map((event) => event.url.slice(location.origin.length))

beforeEach(() => {
  originalReplace.call(history, null, '', '/start')
})
afterEach(() => {
  active?.teardown()
  active = undefined
  delete (window as { navigation?: unknown }).navigation
  delete (document as { prerendering?: unknown }).prerendering
})

describe('pageViews()', () => {
  test('records the page it loads on', () => {
    start()
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
    location.hash = '#/pricing'
    await tick()
    location.hash = '#/pricing' // unchanged: no event, no view
    location.hash = '#/plans'
    await tick()
    expect(views()).toEqual(['/start#section-2', '/start#/pricing', '/start#/plans'])
  })

  test('counts a page restored from the back/forward cache, not a normal pageshow', () => {
    start()
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
    active!.teardown()
    expect(history.pushState).toBe(originalPush)
    expect(history.replaceState).toBe(originalReplace)
    history.pushState({}, '', '/after')
    history.back()
    await tick()
    pageshow(true)
    expect(views()).toEqual(['/start'])
  })

  test('teardown leaves a wrapper added later by another script in place, its own part inert', () => {
    start()
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

  test('the title a router sets right after changing the URL is the new view\'s, with the URL of the change', async () => {
    const titles: string[] = []
    const fake = install(pageViews())
    const record = fake.ctx.page
    fake.ctx.page = (props, url) => {
      titles.push(`${document.title} @ ${url ?? location.href}`)
      record(props, url)
    }
    document.title = 'Home'
    history.pushState({}, '', '/pricing')
    document.title = 'Pricing' // a router renders, then sets the title
    history.pushState({}, '', '/plans')
    document.title = 'Plans'
    await tick()
    expect(titles).toEqual([`Plans @ ${location.origin}/pricing`, `Plans @ ${location.origin}/plans`])
    fake.teardown()
  })

  test('teardown cancels a view still waiting for its title', async () => {
    start()
    history.pushState({}, '', '/late')
    active!.teardown()
    await tick()
    expect(views()).toEqual(['/start'])
  })

  test('the page’s own history errors still reach it, and are not counted as views', () => {
    start()
    expect(() => history.pushState({}, '', 'https://elsewhere.example/')).toThrow()
    expect(views()).toEqual(['/start'])
  })
})
