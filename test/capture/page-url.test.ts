/**
 * Where the Navigation API exists, the page URL is read again only after it reports a change of
 * this document's URL (reading location.href is a large part of a track() call in Chromium).
 */
import { afterEach, expect, test } from 'vitest'
import { usePage } from '../helpers/journey'

const page = usePage()

afterEach(() => {
  delete (window as { navigation?: EventTarget }).navigation
})

test('each event carries the URL it was tracked on, across history changes the Navigation API reports', async () => {
  const navigation = new EventTarget()
  ;(window as { navigation?: EventTarget }).navigation = navigation
  history.replaceState(null, '', '/start')
  const journey = page.make()
  journey.track('on-start')
  history.pushState(null, '', '/pricing')
  navigation.dispatchEvent(new Event('currententrychange'))
  journey.track('on-pricing')
  history.replaceState(null, '', '/pricing?plan=team')
  navigation.dispatchEvent(new Event('currententrychange'))
  journey.track('on-pricing-team')
  await journey.flush()
  const urls = Object.fromEntries(page.fetch.sent().map((event) => [event.name, event.context.url.slice(location.origin.length)]))
  expect(urls).toEqual({ 'on-start': '/start', 'on-pricing': '/pricing', 'on-pricing-team': '/pricing?plan=team' })
})

test('without the Navigation API the URL is read on every call', async () => {
  history.replaceState(null, '', '/a')
  const journey = page.make()
  journey.track('on-a')
  history.pushState(null, '', '/b')
  journey.track('on-b')
  await journey.flush()
  expect(page.fetch.sent().map((event) => event.context.path)).toEqual(['/a', '/b'])
})

test('destroy() stops listening to the Navigation API', async () => {
  const navigation = new EventTarget()
  const listening: Array<[string, EventListenerOrEventListenerObject]> = []
  navigation.addEventListener = (type: string, listener: EventListenerOrEventListenerObject | null) => void listening.push([type, listener!])
  navigation.removeEventListener = (type: string, listener: EventListenerOrEventListenerObject | null) => {
    const at = listening.findIndex(([t, l]) => t === type && l === listener)
    if (at >= 0) listening.splice(at, 1)
  }
  ;(window as { navigation?: EventTarget }).navigation = navigation
  const journey = page.make()
  // URL changes (for the cached page URL) and announced navigations (where the page is going).
  expect(new Set(listening.map(([type]) => type))).toEqual(new Set(['currententrychange', 'navigate', 'navigateerror']))
  journey.destroy()
  expect(listening).toEqual([])
})
