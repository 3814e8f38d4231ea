/**
 * `npm run demo` end to end, in real Chromium: a visitor arrives at the example shop through the
 * newsletter's campaign link, browses, buys and shares; the journey map then shows that
 * visitor's touchpoints in the right phase lanes, with first-touch channel, campaign and
 * conversion, and takes the share in live, without a reload. Then three more visitors come from
 * organic search, a paid search ad and directly, and the map of all visitors shows the funnel,
 * the flow and the conversion by channel and campaign that these four journeys make, the last
 * visitor arriving live.
 *
 * Saves screenshots to .test-results/journey-map.png (the front page) and
 * journey-map-visitor.png; with JOURNEYKIT_UPDATE_SCREENSHOT=1 also to docs/ (the README's pictures).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { assertBuilt, describeBrowser, openBrowser, pollUntil, STUB, type BrowserHandle } from './harness'

/** What scripts/demo.mjs exports (plain JavaScript, so its shape is declared here). */
interface Demo {
  urls: { map: string; collect: string; shop: string; campaign: string; spa: string }
  collector: { url: string }
  close(): Promise<void>
}
interface DemoModule {
  startDemo(options: { database: string }): Promise<Demo>
  buildSpa(): Promise<void>
  EXAMPLE_ENDPOINT: string
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SHOP_PAGES = ['index.html', 'features/index.html', 'pricing/index.html', 'cart/index.html', 'checkout/index.html', 'thank-you/index.html']

/** Where a marker's dot sits, and which lane band contains it. */
async function laneOf(page: Page, selector: string): Promise<string | undefined> {
  return page.evaluate((selector) => {
    const marker = document.querySelector(selector)
    if (!marker) return undefined
    const dot = (marker.querySelector('.dot') ?? marker).getBoundingClientRect()
    const y = dot.top + dot.height / 2
    const lanes = Array.from(document.querySelectorAll<HTMLElement>('.lane[data-phase]'))
    return lanes.find((lane) => {
      const box = lane.getBoundingClientRect()
      return y > box.top && y < box.bottom
    })?.dataset.phase
  }, selector)
}

interface StoredEvent {
  id: string
  name: string
  type: string
  anonymousId: string
  phase: string
  timestamp: string
  context: { path: string }
}

describeBrowser('journey map (npm run demo)', () => {
  let demo: Demo
  let browser: BrowserHandle
  let dir: string
  let endpoint: string
  let module: DemoModule

  beforeAll(async () => {
    assertBuilt()
    dir = mkdtempSync(join(tmpdir(), 'journeykit-demo-'))
    module = (await import('../../scripts/demo.mjs' as string)) as DemoModule
    endpoint = module.EXAMPLE_ENDPOINT
    demo = await module.startDemo({ database: join(dir, 'events.duckdb') })
    browser = await openBrowser()
  })

  /** Every event the collector stored, oldest first, read through its JSON API. */
  async function stored(): Promise<StoredEvent[]> {
    const { visitors } = (await (await fetch(`${demo.collector.url}/api/visitors?period=all`)).json()) as { visitors: Array<{ anonymousId: string }> }
    const all: StoredEvent[] = []
    for (const { anonymousId } of visitors) {
      const { steps } = (await (await fetch(`${demo.collector.url}/api/visitors/${encodeURIComponent(anonymousId)}`)).json()) as {
        steps: Array<{ id: string; name: string; type: string; lane: string; time: string; path: string }>
      }
      for (const step of steps) all.push({ id: step.id, name: step.name, type: step.type, anonymousId, phase: step.lane, timestamp: step.time, context: { path: step.path } })
    }
    return all.sort((a, b) => a.timestamp.localeCompare(b.timestamp))
  }

  afterAll(async () => {
    await browser?.close()
    await demo?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('every shop page loads journeykit the documented way: the stub, then the async script tag', () => {
    for (const file of SHOP_PAGES) {
      const html = readFileSync(join(ROOT, 'examples/script-tag', file), 'utf8')
      const stub = html.indexOf(`<script>${STUB}</script>`)
      const tag = html.indexOf(`<script src="/journeykit.iife.js" data-endpoint="${endpoint}" async></script>`)
      expect(stub, `${file} carries the stub of src/script/stub.ts verbatim`).toBeGreaterThan(-1)
      expect(tag, `${file} loads the library with the script tag after the stub`).toBeGreaterThan(stub)
    }
  })

  test("a visitor's click-through appears on the map in the right phase lanes, and the map updates live", async () => {
    const shop = await browser.newPage()
    const badge = (phase: string) => shop.waitForSelector(`.phase-badge[data-phase="${phase}"]`, { timeout: 10_000 })

    // Campaign landing → features → pricing → add to cart → cart → checkout → thank-you.
    await shop.goto(demo.urls.campaign)
    await badge('awareness')
    await shop.click('text=See the features')
    await badge('consideration')
    await shop.click('header.site nav >> text=Pricing')
    await shop.waitForURL('**/pricing/')
    await shop.click('button[data-sku="pro"]')
    await shop.waitForURL('**/cart/')
    await badge('decision')
    await shop.click('#checkout')
    await shop.waitForURL('**/checkout/')
    await shop.fill('input[name="name"]', 'Ada Lovelace')
    await shop.fill('input[name="email"]', 'ada@example.com')
    await shop.fill('input[name="card"]', '4242 4242 4242 4242')
    await shop.click('button[type="submit"]')
    await shop.waitForURL('**/thank-you/')
    await shop.evaluate(() => window.journey.flush())

    const purchase = await pollUntil(async () => (await stored()).find((event) => event.name === 'purchase'), 15_000, 'the purchase at the collector')
    const visitor = purchase!.anonymousId // pollUntil resolves only with a truthy value

    // The visitor list: find the visitor, with first touch, campaign, phase and conversion.
    const map = await browser.newPage()
    await map.setViewportSize({ width: 1320, height: 900 })
    await map.goto(demo.urls.map)
    const row = map.locator(`tr[data-visitor="${visitor}"]`)
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.locator('[data-channel]').textContent()).toBe('email')
    expect(await row.locator('[data-campaign]').textContent()).toBe('nov')
    expect(await row.locator('[data-phase]').textContent()).toBe('decision')
    expect(await row.locator('.yes').textContent()).toContain('purchase')

    await row.locator('a').click()
    await map.waitForURL(`**/visitor/${visitor}`)
    await map.waitForSelector('#live.on')
    // Set on this document: still there after the live update proves the page was not reloaded.
    await map.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true))

    // Lanes: the five phases of the default model, in order.
    expect(await map.locator('.lane-label').allTextContents()).toEqual(['awareness', 'consideration', 'decision', 'retention', 'advocacy'])

    // Each touchpoint in the lane of the phase it happened in, as laid out on screen.
    const page = (path: string) => `.marker.page[data-path="${path}"]`
    expect(await laneOf(map, page('/'))).toBe('awareness')
    expect(await laneOf(map, page('/features/'))).toBe('consideration')
    expect(await laneOf(map, page('/pricing/'))).toBe('consideration')
    expect(await laneOf(map, '.marker[data-name="add_to_cart"]')).toBe('decision')
    expect(await laneOf(map, page('/cart/'))).toBe('decision')
    expect(await laneOf(map, page('/checkout/'))).toBe('decision')
    expect(await laneOf(map, '.marker[data-name="form_submit"]')).toBe('decision')
    expect(await laneOf(map, '.marker.conversion[data-name="purchase"]')).toBe('decision')

    // In the order they happened, left to right.
    const x = (selector: string) => map.locator(selector).first().evaluate((el) => el.getBoundingClientRect().left)
    const order = [page('/'), page('/features/'), page('/pricing/'), '.marker[data-name="add_to_cart"]', page('/cart/'), page('/checkout/'), '.marker[data-name="purchase"]']
    const xs = await Promise.all(order.map(x))
    expect(xs).toEqual([...xs].sort((a, b) => a - b))

    // The phase changes: arrows from one lane to the next, before the touchpoint that caused each.
    const changes = await map.locator('.marker.phase').evaluateAll((els) => els.map((el) => `${(el as HTMLElement).dataset.from}→${(el as HTMLElement).dataset.to}`))
    expect(changes).toEqual(['awareness→consideration', 'consideration→decision'])
    expect(await x('.marker.phase[data-to="consideration"]')).toBeLessThan(await x(page('/features/')))

    // First touch, campaign and conversion.
    expect(await map.locator('[data-card="channel"] [data-channel]').textContent()).toBe('email')
    expect(await map.locator('[data-card="campaign"] [data-campaign]').textContent()).toBe('nov')
    expect(await map.locator('[data-card="campaign"]').textContent()).toContain('newsletter / email')
    expect(await map.locator('[data-card="conversion"] [data-converted="true"]').textContent()).toContain('purchase')

    // Live: the visitor shares in the shop; the open map takes it in without a reload.
    await shop.click('#share')
    await badge('advocacy')
    await shop.evaluate(() => window.journey.flush())
    await map.waitForSelector('.marker[data-name="share"]', { timeout: 15_000 })
    expect(await map.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
    expect(await laneOf(map, '.marker[data-name="share"]')).toBe('advocacy')
    expect(await map.locator('.marker.phase').last().evaluate((el) => `${(el as HTMLElement).dataset.from}→${(el as HTMLElement).dataset.to}`)).toBe('decision→advocacy')
    expect(await map.locator('[data-card="phase"] [data-phase]').textContent()).toBe('advocacy')

    expect(browser.errors()).toEqual([])

    // The README's picture, at twice the pixel density so that it stays sharp when scaled down
    // (CDP's capture takes a scale; Playwright's screenshot keeps the page's own density).
    const bottom = await map.locator('section.timeline').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY)
    const cdp = await map.context().newCDPSession(map)
    const { data } = (await cdp.send('Page.captureScreenshot', {
      format: 'png',
      clip: { x: 0, y: 0, width: 1320, height: Math.ceil(bottom) + 24, scale: 2 },
    })) as { data: string }
    mkdirSync(join(ROOT, '.test-results'), { recursive: true })
    const shot = join(ROOT, '.test-results', 'journey-map-visitor.png')
    writeFileSync(shot, Buffer.from(data, 'base64'))
    if (process.env.JOURNEYKIT_UPDATE_SCREENSHOT === '1') copyFileSync(shot, join(ROOT, 'docs', 'journey-map-visitor.png'))
    await shop.close()
  })

  test('the map of all visitors: funnel, flow and conversion by channel from four visitors of different channels, the last one live', async () => {
    /**
     * One visitor: a browser of their own (its own IndexedDB, so its own anonymous id), kept open
     * until the collector lists a visitor of `channel` in `phase` (a send still under way when
     * the browser closed would be lost with its profile).
     */
    async function visit(walk: (page: Page) => Promise<void>, { channel, phase }: { channel: string; phase: string }): Promise<void> {
      const own = await openBrowser()
      try {
        const page = await own.newPage()
        await walk(page)
        await page.evaluate(() => window.journey.flush())
        await pollUntil(
          async () => {
            const { visitors } = (await (await fetch(`${demo.collector.url}/api/visitors?period=all`)).json()) as { visitors: Array<{ channel: string; phase: string }> }
            return visitors.some((v) => v.channel === channel && v.phase === phase)
          },
          20_000,
          `a ${channel} visitor in ${phase} at the collector`,
        )
        expect(own.errors()).toEqual([])
      } finally {
        await own.close()
      }
    }
    const badge = (page: Page, phase: string) => page.waitForSelector(`.phase-badge[data-phase="${phase}"]`, { timeout: 10_000 })
    const before = (await stored()).length

    // From a search engine: reads about the features, then leaves (consideration).
    await visit(async (page) => {
      await page.goto(demo.urls.shop, { referer: 'https://www.google.com/' })
      await badge(page, 'awareness')
      await page.click('text=See the features')
      await badge(page, 'consideration')
    }, { channel: 'organic_search', phase: 'consideration' })
    // From a paid search ad: pricing, puts a plan in the cart, does not buy (decision).
    await visit(async (page) => {
      await page.goto(`${demo.urls.shop}?utm_source=google&utm_medium=cpc&utm_campaign=brand`)
      await badge(page, 'awareness')
      await page.click('header.site nav >> text=Pricing')
      await page.waitForURL('**/pricing/')
      await badge(page, 'consideration')
      await page.click('button[data-sku="team"]')
      await page.waitForURL('**/cart/')
      await badge(page, 'decision')
    }, { channel: 'paid_search', phase: 'decision' })
    await pollUntil(async () => new Set((await stored()).map((event) => event.anonymousId)).size === 3, 15_000, 'three visitors at the collector')

    const map = await browser.newPage()
    await map.setViewportSize({ width: 1320, height: 900 })
    await map.goto(demo.urls.map)
    await map.waitForSelector('#live.on')
    await map.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true))
    const reached = (phase: string) => map.locator(`li.step[data-phase="${phase}"]`).getAttribute('data-reached')
    expect(await reached('awareness')).toBe('3')

    // Typed in: no channel, no campaign (awareness only). The open map takes it in live.
    await visit(async (page) => {
      await page.goto(demo.urls.shop)
      await badge(page, 'awareness')
    }, { channel: 'direct', phase: 'awareness' })
    await expect.poll(() => reached('awareness'), { timeout: 15_000 }).toBe('4')
    expect(await map.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
    expect((await stored()).length).toBeGreaterThan(before)

    // The funnel: visitors in each phase and how many moved on.
    const movedOn = (phase: string) => map.locator(`li.step[data-phase="${phase}"] .next`).getAttribute('data-moved-on')
    expect(await map.locator('li.step').evaluateAll((els) => els.map((el) => `${(el as HTMLElement).dataset.phase} ${(el as HTMLElement).dataset.reached}`))).toEqual([
      'awareness 4',
      'consideration 3',
      'decision 2',
      'retention 0',
      'advocacy 1',
    ])
    expect(await movedOn('awareness')).toBe('3')
    expect(await movedOn('consideration')).toBe('2')
    expect(await movedOn('decision')).toBe('1')
    expect(await map.locator('[data-total="visitors"]').textContent()).toBe('4')
    expect(await map.locator('[data-total="converted"]').textContent()).toBe('1')

    // The flow: channel → first phase → … → outcome, with a visitor count on each link.
    const links = JSON.parse((await map.locator('.flow').getAttribute('data-links'))!) as Array<{ source: string; target: string; value: number }>
    expect(links.map((l) => `${l.source} → ${l.target} ${l.value}`).sort()).toEqual(
      [
        'channel:email → phase:awareness 1',
        'channel:organic_search → phase:awareness 1',
        'channel:paid_search → phase:awareness 1',
        'channel:direct → phase:awareness 1',
        'phase:awareness → phase:consideration 3',
        'phase:consideration → phase:decision 2',
        'phase:decision → phase:advocacy 1',
        'phase:awareness → outcome:not converted 1',
        'phase:consideration → outcome:not converted 1',
        'phase:decision → outcome:not converted 1',
        'phase:advocacy → outcome:converted 1',
      ].sort(),
    )
    // … drawn as a Sankey diagram whose labels name the nodes and their visitors.
    const labels = await map.locator('.flow svg text').allTextContents()
    for (const label of ['email  1', 'organic_search  1', 'paid_search  1', 'direct  1', 'awareness  4', 'consideration  3', 'decision  2', 'converted  1', 'not converted  3']) {
      expect(labels, label).toContain(label)
    }

    // Conversion by first-touch channel and by campaign.
    const row = (attr: string, value: string) => map.locator(`tr[${attr}="${value}"]`)
    expect(await row('data-row-channel', 'email').getAttribute('data-converted')).toBe('1')
    for (const channel of ['organic_search', 'paid_search', 'direct']) {
      expect(await row('data-row-channel', channel).getAttribute('data-visitors'), channel).toBe('1')
      expect(await row('data-row-channel', channel).getAttribute('data-converted'), channel).toBe('0')
    }
    expect(await row('data-row-campaign', 'nov').getAttribute('data-converted')).toBe('1')
    expect(await row('data-row-campaign', 'brand').getAttribute('data-converted')).toBe('0')

    // What moved visitors into a phase, and what they did there.
    expect(await map.locator('.phase-card[data-phase="decision"] .movers li').count()).toBeGreaterThan(0)
    expect(await map.locator('.phase-card[data-phase="decision"] .seen li[data-touchpoint="/cart/"]').count()).toBe(1)

    // A filter narrows everything to one channel.
    await map.selectOption('select[name="channel"]', 'paid_search')
    await map.click('form.filters button')
    await map.waitForURL(/[?&]channel=paid_search/)
    expect(await reached('awareness')).toBe('1')
    expect(await reached('decision')).toBe('1')
    await map.goto(demo.urls.map)
    expect(browser.errors()).toEqual([])

    // The README's picture of the front page, at twice the pixel density.
    // Down to the visitor list: funnel, flow, conversion by channel and campaign, touchpoints.
    const bottom = await map.locator('section.panel').nth(5).evaluate((el) => el.getBoundingClientRect().top + window.scrollY)
    const cdp = await map.context().newCDPSession(map)
    const { data } = (await cdp.send('Page.captureScreenshot', {
      format: 'png',
      clip: { x: 0, y: 0, width: 1320, height: Math.ceil(bottom) - 4, scale: 2 },
      captureBeyondViewport: true,
    })) as { data: string }
    mkdirSync(join(ROOT, '.test-results'), { recursive: true })
    const shot = join(ROOT, '.test-results', 'journey-map.png')
    writeFileSync(shot, Buffer.from(data, 'base64'))
    if (process.env.JOURNEYKIT_UPDATE_SCREENSHOT === '1') copyFileSync(shot, join(ROOT, 'docs', 'journey-map.png'))
  })

  test('the single-page app records its history-API routes as page views, in the right phases', async () => {
    await module.buildSpa()
    const spa = await browser.newPage()
    await spa.goto(demo.urls.spa)
    await spa.waitForSelector('.phase-badge[data-phase="awareness"]')
    await spa.click('text=See the features')
    await spa.waitForSelector('.phase-badge[data-phase="consideration"]')
    await spa.click('#video')
    await spa.click('nav >> text=Pricing')
    await spa.click('button[data-sku="team"]')
    await spa.waitForSelector('.phase-badge[data-phase="decision"]')
    await spa.fill('input[name="email"]', 'ada@example.com')
    await spa.click('form button')
    await spa.click('#share')
    await spa.waitForSelector('.phase-badge[data-phase="advocacy"]')
    // Leaving the page sends what is left.
    await spa.close()

    const known = new Set((await stored()).map((event) => event.anonymousId))
    const events = async () => (await stored()).filter((event) => !known.has(event.anonymousId))
    await pollUntil(async () => (await events()).some((event) => event.name === 'share'), 15_000, "the app's share event")
    const seen = (await events())
      .filter((event) => event.type === 'page' || ['video_play', 'add_to_cart', 'purchase', 'share'].includes(event.name))
      .map((event) => `${event.type === 'page' ? event.context.path : event.name} ${event.phase}`)
    expect(seen).toEqual([
      '/ awareness',
      '/features consideration',
      'video_play consideration',
      '/pricing consideration',
      'add_to_cart decision',
      '/checkout decision',
      'purchase decision',
      '/thank-you decision',
      'share advocacy',
    ])
    expect(browser.errors()).toEqual([])
  })
})
