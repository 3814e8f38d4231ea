import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { engagement, type EngagementOptions } from '../../src/touchpoints/engagement'
import { event, install } from './context'

let visibility: DocumentVisibilityState = 'visible'
const setVisibility = (state: DocumentVisibilityState) => {
  visibility = state
  document.dispatchEvent(new Event('visibilitychange'))
}
const interact = (type = 'pointerdown') => window.dispatchEvent(new Event(type))
const wait = (ms: number) => vi.advanceTimersByTime(ms)

let active: ReturnType<typeof install>
function start(options?: EngagementOptions) {
  active = install(engagement(options))
  return active
}
/** The core handing the plugin a page event (a page view it recorded). */
const pageEvent = (path: string) => active.plugin.onEvent!(event({ type: 'page', name: 'page_view', context: { ...event().context, path } }))
const hide = () => {
  setVisibility('hidden')
  active.plugin.onHide!()
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
  visibility = 'visible'
  Object.defineProperty(document, 'visibilityState', { get: () => visibility, configurable: true })
  history.replaceState(null, '', '/article')
})
afterEach(() => {
  active?.teardown()
  vi.useRealTimers()
})

describe('engagement()', () => {
  test('counts visible time while the visitor keeps interacting, sent when the page is hidden', () => {
    start()
    pageEvent('/article')
    wait(10_000)
    interact('scroll')
    wait(10_000)
    interact('keydown')
    wait(5_000)
    hide()
    expect(active.props('engagement')).toEqual([{ engagedMs: 25_000, path: '/article' }])
  })

  test('stops counting idleAfter ms after the last interaction', () => {
    start({ idleAfter: 5_000 })
    pageEvent('/article')
    wait(2_000)
    interact()
    wait(60_000) // idle: 5 s of it count
    interact('pointermove') // back
    wait(3_000)
    hide()
    expect(active.props('engagement')).toEqual([{ engagedMs: 2_000 + 5_000 + 3_000, path: '/article' }])
  })

  test('hidden time never counts, and each hide sends only what is new', () => {
    start()
    pageEvent('/article')
    wait(4_000)
    hide()
    wait(600_000) // another tab
    setVisibility('visible')
    wait(3_000)
    hide()
    expect(active.props('engagement')).toEqual([
      { engagedMs: 4_000, path: '/article' },
      { engagedMs: 3_000, path: '/article' },
    ])
  })

  test('a route change sends the time of the page being left, with that page’s path', () => {
    start()
    pageEvent('/article')
    wait(7_000)
    history.pushState({}, '', '/pricing')
    pageEvent('/pricing')
    wait(2_000)
    hide()
    expect(active.props('engagement')).toEqual([
      { engagedMs: 7_000, path: '/article' },
      { engagedMs: 2_000, path: '/pricing' },
    ])
  })

  test('less than a second is not sent, but kept for the next time', () => {
    start()
    pageEvent('/article')
    wait(600)
    hide()
    expect(active.props('engagement')).toEqual([])
    setVisibility('visible')
    wait(600)
    hide()
    expect(active.props('engagement')).toEqual([{ engagedMs: 1_200, path: '/article' }])
  })

  test('without page events it names the current, scrubbed path', () => {
    history.replaceState(null, '', '/welcome/ann%40mail.example?token=x')
    start()
    wait(2_000)
    hide()
    expect(active.props('engagement')).toEqual([{ engagedMs: 2_000, path: '/welcome/redacted' }])
  })

  test('a page loaded in a background tab starts counting when it is shown', () => {
    visibility = 'hidden'
    start()
    pageEvent('/article')
    wait(30_000)
    setVisibility('visible')
    wait(1_500)
    hide()
    expect(active.props('engagement')).toEqual([{ engagedMs: 1_500, path: '/article' }])
  })

  test('teardown stops listening', () => {
    start()
    pageEvent('/article')
    active.teardown()
    wait(5_000)
    interact()
    wait(5_000)
    active.plugin.onHide!()
    expect(active.props('engagement')).toEqual([])
  })
})
