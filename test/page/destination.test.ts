/**
 * Where the page is going when it is left (src/page/destination.ts), on a stand-in for the
 * Navigation API's `navigation` object.
 */
import { afterEach, expect, test, vi } from 'vitest'
import { watchDestination } from '../../src/page/destination'

afterEach(() => vi.useRealTimers())

/** A `navigate` event as the Navigation API dispatches it. */
function navigate(navigation: EventTarget, url: string, more: { downloadRequest?: string | null; hashChange?: boolean } = {}): void {
  navigation.dispatchEvent(Object.assign(new Event('navigate'), { destination: { url }, downloadRequest: null, hashChange: false, ...more }))
}

test('a navigation announced to a page of this origin is a departure for the site', () => {
  const navigation = new EventTarget()
  const destination = watchDestination(navigation)
  expect(destination._sameOrigin_()).toBe(false)
  navigate(navigation, new URL('/checkout/done', location.href).href)
  expect(destination._sameOrigin_()).toBe(true)
})

test('another origin, a download or a fragment change is not', () => {
  const navigation = new EventTarget()
  const destination = watchDestination(navigation)
  navigate(navigation, 'https://elsewhere.example/')
  expect(destination._sameOrigin_()).toBe(false)
  navigate(navigation, new URL('/report.pdf', location.href).href, { downloadRequest: 'report.pdf' })
  expect(destination._sameOrigin_()).toBe(false)
  navigate(navigation, new URL('#reviews', location.href).href, { hashChange: true })
  expect(destination._sameOrigin_()).toBe(false)
  // The latest announcement counts: to this origin, then elsewhere.
  navigate(navigation, new URL('/a', location.href).href)
  navigate(navigation, 'https://elsewhere.example/')
  expect(destination._sameOrigin_()).toBe(false)
})

test('a route change that committed, a failed navigation, a page shown again or an old announcement is not', () => {
  vi.useFakeTimers()
  const navigation = new EventTarget()
  const destination = watchDestination(navigation)
  const here = (path: string) => new URL(path, location.href).href
  navigate(navigation, here('/products'))
  navigation.dispatchEvent(new Event('currententrychange'))
  expect(destination._sameOrigin_()).toBe(false)
  navigate(navigation, here('/down'))
  navigation.dispatchEvent(new Event('navigateerror'))
  expect(destination._sameOrigin_()).toBe(false)
  navigate(navigation, here('/cached'))
  destination._stayed_()
  expect(destination._sameOrigin_()).toBe(false)
  navigate(navigation, here('/slow'))
  vi.advanceTimersByTime(31_000)
  expect(destination._sameOrigin_()).toBe(false)
})

test('without the Navigation API nothing is known: never a departure for the site', () => {
  const destination = watchDestination(undefined)
  expect(destination._sameOrigin_()).toBe(false)
  expect(() => destination._stop_()).not.toThrow()
})

test('stop() stops listening', () => {
  const navigation = new EventTarget()
  const destination = watchDestination(navigation)
  destination._stop_()
  navigate(navigation, new URL('/a', location.href).href)
  expect(destination._sameOrigin_()).toBe(false)
})
