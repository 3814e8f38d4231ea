/**
 * Privacy by default in real Chromium (design.md "Privacy by default"; reliability.md §5.9):
 * consent gates storage and sending, Global Privacy Control counts as denied, requests carry no
 * cookies or referrer, and secrets in the page URL never leave the page.
 */
import type { Page } from 'playwright-core'
import { expect, test } from 'vitest'
import {
  describeBrowser,
  idbDatabases,
  useScriptTagSuite,
  waitForJourney,
  waitForStored,
} from './harness'

const suite = useScriptTagSuite()
const { journeyPage, open, trackMany } = suite

/**
 * Gives the library every chance to send: a `flush()` (which resolves at once when there is
 * nothing it may send) and then several flush intervals. Only used before asserting that nothing
 * was sent; there is no event to wait for in that case.
 */
async function letItTry(page: Page): Promise<void> {
  await page.evaluate(() => window.journey.flush())
  await page.waitForTimeout(1000)
}

/** What the page persisted on the device: IndexedDB databases, localStorage keys, cookies. */
async function footprint(page: Page) {
  return {
    databases: await idbDatabases(page),
    localStorage: await page.evaluate(() => Object.keys(localStorage)),
    cookies: await page.evaluate(() => document.cookie),
  }
}

describeBrowser('privacy (script tag, real Chromium)', () => {
  test("consent 'pending' stores and sends nothing until granted, then sends with the original timestamps", async () => {
    suite.site.setPage('/', journeyPage({ attrs: { consent: 'pending' } }))
    const page = await open('/')
    const trackedFrom = await page.evaluate(() => Date.now())
    await trackMany(page, 'waiting', 10)
    const trackedUntil = await page.evaluate(() => Date.now())
    await letItTry(page)

    expect(suite.collector.requests()).toEqual([])
    expect(await footprint(page)).toEqual({ databases: [], localStorage: [], cookies: '' })

    // Granting comes measurably later than tracking.
    await page.waitForFunction((until) => Date.now() > until + 50, trackedUntil)
    const grantedAt = await page.evaluate(() => {
      const now = Date.now()
      window.journey.consent('granted')
      return now
    })
    await suite.collector.waitFor((c) => c.named('waiting').length >= 10, 20_000, 'the 10 events held while consent was pending')
    const waiting = suite.collector.named('waiting')
    expect(waiting.map((event) => event.props.i).sort((a, b) => (a as number) - (b as number))).toEqual([...Array(10).keys()])
    for (const event of waiting) {
      const at = Date.parse(event.timestamp)
      expect(at).toBeGreaterThanOrEqual(trackedFrom)
      expect(at).toBeLessThanOrEqual(trackedUntil)
      expect(at).toBeLessThan(grantedAt)
    }
    expect(suite.collector.duplicates()).toEqual([])
    expect(suite.browser.errors()).toEqual([])
  })

  test("consent 'denied' drops queued events and deletes what was stored", async () => {
    suite.site.setPage('/', journeyPage())
    // The endpoint is down, so the events stay queued in IndexedDB.
    suite.collector.setPlan(() => ({ status: 503 }))
    const page = await open('/')
    await trackMany(page, 'queued', 10)
    await waitForStored(page, (events) => events.filter((event) => event.name === 'queued').length === 10, 20_000, 'the 10 queued events in IndexedDB')

    await page.evaluate(() => window.journey.consent('denied'))
    // The database goes (design: "deletes what was stored"); reliability.md §0 G5 allows 1 s.
    await expect.poll(() => idbDatabases(page), { timeout: 5_000, interval: 100 }).toEqual([])

    suite.collector.setPlan(undefined)
    const attemptsBefore = suite.collector.requests().length
    await trackMany(page, 'after_denial', 5)
    await letItTry(page)
    expect(suite.collector.requests().slice(attemptsBefore), 'requests after consent was denied').toEqual([])
    expect(suite.collector.events()).toEqual([])
    expect(await footprint(page)).toEqual({ databases: [], localStorage: [], cookies: '' })
    expect(suite.browser.errors()).toEqual([])
  })

  test('Global Privacy Control means denied until the visitor grants consent', async () => {
    await suite.browser.context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true })
    })
    suite.site.setPage('/', journeyPage())
    const page = await open('/')
    expect(await page.evaluate(() => (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl)).toBe(true)
    await trackMany(page, 'under_gpc', 5)
    await letItTry(page)
    expect(suite.collector.requests()).toEqual([])
    expect(await footprint(page)).toEqual({ databases: [], localStorage: [], cookies: '' })

    // An explicit grant from the visitor overrides the signal, for what is tracked from then on.
    await page.evaluate(() => window.journey.consent('granted'))
    await trackMany(page, 'after_grant', 3)
    await suite.collector.waitFor((c) => c.named('after_grant').length >= 3, 20_000, 'the events tracked after the grant')
    expect(suite.collector.named('under_gpc')).toEqual([])
    expect(suite.browser.errors()).toEqual([])
  })

  test('requests carry no cookies and no referrer, and fetch omits credentials', async () => {
    // 127.0.0.1 cookies are not port-isolated: the collector (another port) is same-site.
    await suite.browser.context.addCookies([{ name: 'site_session', value: 'cookie-canary-1234', domain: '127.0.0.1', path: '/' }])
    await suite.browser.context.addInitScript(() => {
      const seen: Array<{ url: string; credentials: string | undefined; referrerPolicy: string | undefined }> = []
      ;(window as unknown as { __fetches: typeof seen }).__fetches = seen
      const original = window.fetch
      window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
        seen.push({
          url,
          credentials: init?.credentials ?? (input instanceof Request ? input.credentials : undefined),
          referrerPolicy: init?.referrerPolicy ?? (input instanceof Request ? input.referrerPolicy : undefined),
        })
        return original.call(this, input, init)
      }
    })
    suite.site.setPage('/', journeyPage())
    suite.site.setPage('/next', journeyPage({ title: 'next' }))
    const page = await open('/?ref=cookie-test')
    expect(await page.evaluate(() => document.cookie)).toContain('cookie-canary-1234')

    await trackMany(page, 'plain', 5)
    await suite.collector.waitFor((c) => c.named('plain').length >= 5, 20_000, 'the tracked events')
    const fetches = await page.evaluate(() => (window as unknown as { __fetches: Array<{ url: string; credentials?: string; referrerPolicy?: string }> }).__fetches)
    const toCollector = fetches.filter((call) => call.url === suite.collector.url)
    expect(toCollector.length).toBeGreaterThan(0)
    expect(toCollector.filter((call) => call.credentials !== 'omit')).toEqual([])

    // The way out of a page (unload path) must not leak cookies either.
    await trackMany(page, 'on_exit', 5)
    await page.goto(suite.site.url('/next'))
    await waitForJourney(page)
    await suite.collector.waitFor((c) => c.named('on_exit').length >= 5, 15_000, 'the events tracked before leaving')

    for (const request of suite.collector.requests()) {
      expect(request.headers.cookie, `a request carried cookies: ${String(request.headers.cookie)}`).toBeUndefined()
      // No referrer, or at least none that reveals the page path or query.
      const referer = String(request.headers.referer ?? '')
      expect(referer).not.toContain('cookie-test')
      expect(referer).not.toContain('/next')
    }
    expect(suite.browser.errors()).toEqual([])
  })

  test('secrets in the page URL never leave the page; campaign parameters do', async () => {
    suite.site.setPage('/landing', journeyPage())
    const page = await open('/landing?email=a@b.co&token=abc123xyz&utm_source=news')
    await trackMany(page, 'on_landing', 3)
    await page.evaluate(() => window.journey.identify('user-1'))
    await suite.collector.waitFor((c) => c.named('on_landing').length >= 3 && c.events().some((event) => event.type === 'page'), 20_000, 'the page view and events')
    await page.evaluate(() => window.journey.flush())

    const canaries = ['a@b.co', 'a%40b.co', 'abc123xyz']
    for (const request of suite.collector.requests()) {
      const everything = request.body + JSON.stringify(request.headers) + request.path
      for (const canary of canaries) expect(everything, `"${canary}" left the page`).not.toContain(canary)
    }
    for (const event of suite.collector.events()) {
      expect(new URL(event.context.url).searchParams.get('utm_source')).toBe('news')
      expect(event.context.path).toBe('/landing')
    }
    expect(suite.browser.errors()).toEqual([])
  })

  test('a secret in the landing URL reaches no event: not through the URL, nor through the next page\'s referrer', async () => {
    // Credentials under short and camelCase names, an address under a Cyrillic domain, and an
    // implicit-flow answer after a hash route; beside them a campaign parameter that must stay.
    const secrets: Record<string, string> = {
      pw: 'pwCanary1',
      passcode: 'passcodeCanary2',
      userPass: 'userPassCanary3',
      authKey: 'authKeyCanary4',
      cardNumber: '4111111111111111',
      'cc-number': '5500005555555559',
    }
    const address = 'anna.canary@пример.рф'
    const query = `${Object.entries(secrets).map(([name, value]) => `${name}=${value}`).join('&')}&to=${encodeURIComponent(address)}&utm_source=news`
    suite.site.setPage('/landing', journeyPage({ body: '<a id="next" href="/next">next</a>' }))
    suite.site.setPage('/next', journeyPage({ title: 'next' }))
    const page = await open(`/landing?${query}#/access_token=tokenCanary5&token_type=Bearer`)
    await suite.collector.waitFor((c) => c.events().some((event) => event.context.path === '/landing'), 20_000, 'the landing page view')

    await page.click('#next')
    await page.waitForURL(/\/next$/)
    await waitForJourney(page)
    // The browser hands the landing URL (query and all, fragment not) to the next page.
    expect(await page.evaluate(() => document.referrer)).toContain('pwCanary1')
    await suite.collector.waitFor((c) => c.events().some((event) => event.context.path === '/next'), 20_000, 'the next page view')
    await page.evaluate(() => window.journey.flush())

    const canaries = [...Object.values(secrets), 'tokenCanary5', address, encodeURIComponent(address), 'anna.canary']
    for (const request of suite.collector.requests()) {
      const everything = request.body + JSON.stringify(request.headers) + request.path
      let decoded = everything
      try {
        decoded = decodeURIComponent(everything)
      } catch {
        // keep the raw text
      }
      for (const canary of canaries) expect(everything + decoded, `"${canary}" left the page`).not.toContain(canary)
    }
    const landing = `${suite.site.origin}/landing?utm_source=news`
    const next = suite.collector.events().find((event) => event.context.path === '/next')!
    expect(next.context.referrer).toBe(landing)
    expect(suite.collector.events().find((event) => event.context.path === '/landing')!.context.url).toMatch(/\/landing\?utm_source=news(#\/)?$/)
    expect(suite.browser.errors()).toEqual([])
  })

  test('the page title is scrubbed like a URL: e-mail addresses and tokens never leave the page', async () => {
    const token = 'Zx8Kq2Lm9Tr4Vb7Np3Wc6Yd1'
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJl'
    suite.site.setPage('/inbox', journeyPage({ title: 'Inbox (3) – ann.canary@example.com' }))
    const page = await open('/inbox')
    await page.evaluate(
      ([token, jwt]) => {
        window.journey.track('opened')
        // A single-page app changes the title as the visitor moves on.
        document.title = `Reset your password, li.canary@邮件.中国 (${token})`
        window.journey.track('reset')
        document.title = `Session ${jwt} · Settings`
        window.journey.track('settings')
      },
      [token, jwt] as const,
    )
    await suite.collector.waitFor((c) => ['opened', 'reset', 'settings'].every((name) => c.named(name).length === 1), 20_000, 'the three events')

    const titles = Object.fromEntries(['opened', 'reset', 'settings'].map((name) => [name, suite.collector.named(name)[0]!.context.title]))
    expect(titles).toEqual({
      opened: 'Inbox (3) – redacted',
      reset: 'Reset your password, redacted (redacted)',
      settings: 'Session redacted · Settings',
    })
    for (const request of suite.collector.requests()) {
      for (const canary of ['ann.canary', 'li.canary', token, jwt]) expect(request.body, `"${canary}" left the page`).not.toContain(canary)
    }
    expect(suite.browser.errors()).toEqual([])
  })
})
