/**
 * The page context every event carries, and the envelope every event has on the wire.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { version } from '../../package.json'
import { LIBRARY, pageContext } from '../../src/capture/context'
import { campaign } from '../../src/touchpoints/campaign'
import { usePage } from '../helpers/journey'

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  history.replaceState(null, '', '/')
  document.title = ''
})

describe('pageContext', () => {
  test('scrubs the title by the URL rules: e-mail addresses and tokens never leave the page', () => {
    document.title = 'Inbox (3) – ann.canary@пример.рф'
    expect(pageContext((url) => url).title).toBe('Inbox (3) – redacted')
    // A new title, as a single-page app sets it: scrubbed again, and the URL scrubber is used for URLs in it.
    document.title = 'Reset Zx8Kq2Lm9Tr4Vb7Np3Wc6Yd1 for https://app.example/?invite=abc'
    expect(pageContext((url) => url.replace('?invite=abc', '')).title).toBe('Reset redacted for https://app.example/')
  })

  test('describes the page: url, path, title, referrer, locale, screen, library', () => {
    history.replaceState(null, '', '/pricing?plan=pro#faq')
    document.title = 'Pricing'
    const context = pageContext((url) => url)
    expect(context).toEqual({
      url: `${location.origin}/pricing?plan=pro#faq`,
      path: '/pricing',
      title: 'Pricing',
      referrer: document.referrer,
      locale: navigator.language,
      screen: { width: screen.width, height: screen.height },
      channel: null,
      campaign: null,
      library: { name: 'journeykit', version },
    })
    expect(LIBRARY).toEqual({ name: 'journeykit', version })
  })

  test('url and referrer go through the scrubber; the path is the scrubbed one', () => {
    history.replaceState(null, '', '/u/ann@example.com/orders?token=abc')
    const scrub = vi.fn((url: string) => url.replace(/token=[^&]*/, '').replace(/[^/]+@[^/]+/, '[email]'))
    const context = pageContext(scrub)
    expect(context.url).not.toContain('abc')
    expect(context.url).not.toContain('ann@example.com')
    expect(context.path).toBe('/u/[email]/orders')
    expect(scrub).toHaveBeenCalledWith(location.href)
  })

  test('is reused while the page stays the same, remade when URL or title change', () => {
    history.replaceState(null, '', '/a')
    const scrub = vi.fn((url: string) => url)
    const first = pageContext(scrub)
    const calls = scrub.mock.calls.length
    expect(pageContext(scrub)).toBe(first)
    expect(scrub.mock.calls.length).toBe(calls)
    history.pushState(null, '', '/b')
    const second = pageContext(scrub)
    expect(second.path).toBe('/b')
    document.title = 'New title'
    expect(pageContext(scrub).title).toBe('New title')
  })

  test('is not shared between journeys with different scrubbing rules', () => {
    history.replaceState(null, '', '/page?invite=abc')
    const keepAll = pageContext((url) => url)
    const redactInvite = pageContext((url) => url.replace(/invite=[^&]*/, ''))
    expect(keepAll.url).toContain('invite=abc')
    expect(redactInvite.url).not.toContain('invite=abc')
  })

  test('survives a scrubber returning something that is not a URL, and then has no path', () => {
    history.replaceState(null, '', '/orders/ann@mail.example')
    const context = pageContext(() => '[redacted]')
    expect(context.url).toBe('[redacted]')
    // Never the raw path: it is what the scrubber took away.
    expect(context.path).toBe('')
  })
})

describe('the envelope on the wire', () => {
  const page = usePage()

  /** The design's envelope: every field present in every event, null when unknown. */
  const ENVELOPE = ['id', 'type', 'name', 'props', 'timestamp', 'anonymousId', 'userId', 'sessionId', 'phase', 'context']
  const CONTEXT = ['url', 'path', 'title', 'referrer', 'locale', 'screen', 'channel', 'campaign', 'library']

  test('without campaign(), every event has every field: channel and campaign are null', async () => {
    history.replaceState(null, '', '/pricing?utm_source=news')
    const journey = page.make()
    journey.page()
    journey.track('clicked')
    journey.identify('user-1')
    await journey.flush()
    // As a collector sees it: parsed from the request body, where a missing field is simply absent.
    const events = page.fetch.sent()
    expect(events.map((event) => event.type)).toEqual(['page', 'track', 'identify'])
    for (const event of events) {
      expect(Object.keys(event).sort()).toEqual([...ENVELOPE].sort())
      expect(Object.keys(event.context).sort()).toEqual([...CONTEXT].sort())
      expect(event.context.channel).toBeNull()
      expect(event.context.campaign).toBeNull()
    }
  })

  test('with campaign(), channel and campaign are filled in', async () => {
    history.replaceState(null, '', '/pricing?utm_source=news&utm_medium=email')
    const journey = page.make({ touchpoints: [campaign()] })
    journey.track('clicked')
    await journey.flush()
    const [event] = page.fetch.sent()
    expect(event!.context).toMatchObject({ channel: 'email', campaign: { source: 'news', medium: 'email' } })
  })
})
