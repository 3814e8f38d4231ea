/**
 * The automatic touchpoints of the script-tag build (defaults()) in real Chromium: campaign and
 * channel on landing, a search engine's referrer, SPA route changes through the Navigation API,
 * forms whose values must never leave, outbound links, and secrets in the landing URL.
 */
import type { Page } from 'playwright-core'
import { afterEach, beforeEach, expect, test } from 'vitest'
import {
  describeBrowser,
  openBrowser,
  scriptTagPage,
  startCollector,
  startSite,
  waitForJourney,
  type BrowserHandle,
  type Collector,
  type ScriptTagPageOptions,
  type Site,
} from './harness'

const MARKER = 'MARKER-b5e1'

let collector: Collector
let site: Site
let browser: BrowserHandle

function journeyPage(options: Omit<ScriptTagPageOptions, 'collectorUrl'> = {}): string {
  return scriptTagPage({ ...options, collectorUrl: collector.url, attrs: { 'flush-interval': 200, ...options.attrs } })
}

async function open(path: string): Promise<Page> {
  const page = await browser.newPage()
  await page.goto(site.url(path))
  await waitForJourney(page)
  return page
}

/** Everything that reached the collector: paths, headers and bodies of every request. */
function wire(): string {
  return collector
    .requests()
    .map((request) => [request.path, JSON.stringify(request.headers), request.body].join('\n'))
    .join('\n')
}

/** The path (with query) of every page_view delivered, in order. */
const viewedPaths = () =>
  collector
    .named('page_view')
    .sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id))
    .map((event) => event.context.url.slice(site.origin.length))

describeBrowser('automatic touchpoints (script tag, real Chromium)', () => {
  beforeEach(async () => {
    collector = await startCollector()
    site = await startSite({})
    browser = await openBrowser()
  })

  afterEach(async () => {
    await browser?.close()
    await site?.close()
    await collector?.close()
  })

  test('a landing with UTM parameters carries its campaign and channel on every event', async () => {
    site.setPage('/offer', journeyPage())
    const page = await open('/offer?utm_source=newsletter&utm_medium=email&utm_campaign=nov%20sale&utm_content=hero&gclid=Cj0_x-1')
    await page.evaluate(() => window.journey.track('add_to_cart', { sku: 'A1' }))
    await collector.waitFor((c) => c.named('add_to_cart').length === 1 && c.named('page_view').length === 1, 10_000, 'page_view and add_to_cart')

    for (const event of [...collector.named('page_view'), ...collector.named('add_to_cart')]) {
      expect(event.context.channel).toBe('email')
      expect(event.context.campaign).toEqual({
        source: 'newsletter',
        medium: 'email',
        name: 'nov sale',
        content: 'hero',
        clickIdParam: 'gclid',
        clickId: 'Cj0_x-1',
      })
      expect(event.context.firstTouch).toMatchObject({ channel: 'email', landing: '/offer' })
    }
    // The landing URL keeps its campaign parameters byte for byte.
    expect(collector.named('page_view')[0]!.context.url).toBe(site.url('/offer?utm_source=newsletter&utm_medium=email&utm_campaign=nov%20sale&utm_content=hero&gclid=Cj0_x-1'))
    expect(browser.errors()).toEqual([])
  })

  test('a visitor arriving from a search engine results page is organic search', async () => {
    site.setPage('/pricing', journeyPage())
    // A stand-in for Google's results page, served for https://www.google.com/ itself, with the
    // referrer policy Google sets (origin): Chromium sends exactly what it sends from Google.
    await browser.context.route('https://www.google.com/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><meta name="referrer" content="origin"><a id="result" href="${site.url('/pricing')}">journeykit pricing</a>`,
      }),
    )
    const page = await browser.newPage()
    await page.goto('https://www.google.com/search?q=journeykit')
    await Promise.all([page.waitForURL(site.url('/pricing')), page.click('#result')])
    await waitForJourney(page)
    expect(await page.evaluate(() => document.referrer)).toBe('https://www.google.com/')

    await collector.waitFor((c) => c.named('page_view').length === 1, 10_000, 'the landing page view')
    const view = collector.named('page_view')[0]!
    expect(view.context.referrer).toBe('https://www.google.com/')
    expect(view.context.channel).toBe('organic_search')
    expect(view.context.campaign).toEqual({ source: 'google.com' })
    expect(view.context.firstTouch).toMatchObject({ channel: 'organic_search', referrer: 'google.com', landing: '/pricing' })
    expect(browser.errors()).toEqual([])
  })

  test('a burst of route changes counts one page view per distinct route', async () => {
    site.setPage('/app', journeyPage())
    const page = await open('/app')
    const usesNavigationApi = await page.evaluate(async () => {
      history.pushState({}, '', '/app/pricing')
      history.replaceState({ scroll: 0 }, '', '/app/pricing') // a router storing state right after
      history.pushState({}, '', '/app/pricing') // the same route pushed twice
      history.pushState({}, '', '/app/plans')
      history.replaceState({}, '', '/app/plans?tab=2') // state in the query: not a new page
      history.pushState({}, '', '/app/checkout')
      location.hash = '#details' // an in-page anchor
      await new Promise((resolve) => addEventListener('hashchange', resolve, { once: true }))
      history.go(-2) // back past the anchor to the plans page
      await new Promise((resolve) => addEventListener('popstate', resolve, { once: true }))
      return 'navigation' in window
    })
    expect(usesNavigationApi).toBe(true)
    await page.evaluate(() => window.journey.flush())
    await collector.waitFor((c) => c.named('page_view').length >= 5, 10_000, 'five page views')
    await page.waitForTimeout(500)
    await page.evaluate(() => window.journey.flush())
    expect(viewedPaths()).toEqual(['/app', '/app/pricing', '/app/plans', '/app/checkout', '/app/plans?tab=2'])
    expect(browser.errors()).toEqual([])
  })

  test('a form whose fields hold marker strings: the submission arrives, no marker does', async () => {
    site.setPage('/thanks', journeyPage())
    site.setPage(
      '/contact',
      journeyPage({
        body: `
        <form id="contact-form" name="contact" method="post" action="/thanks?from=contact">
          <input name="name" value="${MARKER}-name">
          <input name="email" type="email" value="${MARKER}@mail.example">
          <input name="password" type="password" value="${MARKER}-password">
          <input name="csrf" type="hidden" value="${MARKER}-csrf">
          <input name="phone" type="tel" value="${MARKER}-tel">
          <input name="age" type="number" value="42">
          <input name="site" type="url" value="https://${MARKER}.example/">
          <input name="q" type="search" value="${MARKER}-search">
          <input name="day" type="date" value="2026-11-22">
          <input name="card" autocomplete="cc-number" value="4111111111111111">
          <input name="cvc" autocomplete="cc-csc" value="987">
          <input name="terms" type="checkbox" value="${MARKER}-checkbox" checked>
          <input name="plan" type="radio" value="${MARKER}-radio" checked>
          <select name="topic"><option value="${MARKER}-select" selected>Sales</option></select>
          <textarea name="message">${MARKER}-textarea</textarea>
          <div contenteditable="true">${MARKER}-editable</div>
          <button type="submit" id="send">Send</button>
        </form>`,
      }),
    )
    const page = await open('/contact')
    // The visitor types too: input events fire on the fields.
    await page.fill('textarea', `${MARKER}-typed`)
    await page.fill('input[name=password]', `${MARKER}-typed-password`)
    await Promise.all([page.waitForURL(site.url('/thanks?from=contact')), page.click('#send')])
    await waitForJourney(page)

    await collector.waitFor((c) => c.named('form_submit').length === 1 && c.named('page_view').length === 2, 15_000, 'the form submission')
    expect(collector.named('form_submit')[0]!.props).toEqual({ formId: 'contact-form', formName: 'contact', action: '/thanks', method: 'post', fields: 14 })
    expect(wire()).not.toContain(MARKER)
    expect(wire()).not.toContain('4111111111111111')
    expect(browser.errors()).toEqual([])
  })

  test('a form submitted by script, from its own submit handler, is one form_submit', async () => {
    site.setPage('/done', journeyPage())
    site.setPage(
      '/signup',
      journeyPage({
        body: `<form id="signup" action="/done"><input name="email" value="${MARKER}@mail.example"><button id="go">Go</button></form>
        <script>
          document.getElementById('signup').addEventListener('submit', (event) => {
            event.preventDefault()
            setTimeout(() => event.target.submit(), 50) // after an asynchronous check
          })
        </script>`,
      }),
    )
    const page = await open('/signup')
    await Promise.all([page.waitForURL((url) => url.pathname === '/done'), page.click('#go')])
    await waitForJourney(page)
    await collector.waitFor((c) => c.named('page_view').length === 2, 10_000, 'the page view of /done')
    await page.evaluate(() => window.journey.flush())
    expect(collector.named('form_submit').map((event) => event.props.formId)).toEqual(['signup'])
    // The GET submission put the e-mail in /done's URL; the scrubber kept it out.
    expect(wire()).not.toContain(MARKER)
    expect(browser.errors()).toEqual([])
  })

  test('clicking an outbound link records outbound_click, sent as the page is left', async () => {
    await browser.context.route('https://partner.example/**', (route) => route.fulfill({ contentType: 'text/html', body: '<p>partner</p>' }))
    site.setPage('/', journeyPage({ body: `<a id="out" href="https://partner.example/offer?ref=us&token=${MARKER}">Partner offer</a>` }))
    const page = await open('/')
    await collector.waitFor((c) => c.named('page_view').length === 1, 10_000, 'the page view')
    await Promise.all([page.waitForURL('https://partner.example/**'), page.click('#out')])

    await collector.waitFor((c) => c.named('outbound_click').length === 1, 10_000, 'the outbound click')
    expect(collector.named('outbound_click')[0]!.props).toEqual({ url: 'https://partner.example/offer?ref=us' })
    expect(wire()).not.toContain(MARKER)
    expect(browser.errors()).toEqual([])
  })

  test('data-journey markup records its event, also inside a web component', async () => {
    site.setPage(
      '/plans',
      journeyPage({
        body: `<button id="light" data-journey="start_trial" data-journey-plan="pro">Try</button><x-plan id="card"></x-plan>
        <script>
          customElements.define('x-plan', class extends HTMLElement {
            connectedCallback() {
              this.attachShadow({ mode: 'open' }).innerHTML = '<button data-journey="request_quote" data-journey-seat-count="5"><b>Quote</b></button>'
            }
          })
        </script>`,
      }),
    )
    const page = await open('/plans')
    await page.click('#light')
    await page.locator('x-plan b').click()
    await collector.waitFor((c) => c.named('request_quote').length === 1 && c.named('start_trial').length === 1, 10_000, 'both declared events')
    expect(collector.named('start_trial')[0]!.props).toEqual({ plan: 'pro' })
    expect(collector.named('request_quote')[0]!.props).toEqual({ seatCount: '5' })
    expect(browser.errors()).toEqual([])
  })

  test('an e-mail address and a token in the landing URL never leave the page', async () => {
    site.setPage('/welcome', journeyPage())
    const page = await open(`/welcome?email=ann.lee%40mail.example&token=${MARKER}&utm_source=invite`)
    await page.evaluate(() => window.journey.track('signup'))
    await collector.waitFor((c) => c.named('signup').length === 1 && c.named('page_view').length === 1, 10_000, 'page_view and signup')
    await page.evaluate(() => window.journey.flush())

    expect(collector.named('page_view')[0]!.context.url).toBe(site.url('/welcome?utm_source=invite'))
    expect(wire()).not.toMatch(/ann\.lee|mail\.example/)
    expect(wire()).not.toContain(MARKER)
    expect(browser.errors()).toEqual([])
  })
})
