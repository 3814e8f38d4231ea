/**
 * `npm run demo` end to end, in real Chromium: a visitor arrives at the example shop through the
 * newsletter's campaign link, browses, buys and shares; the journey map then shows that
 * visitor's touchpoints in the right phase lanes, with first-touch channel, campaign and
 * conversion, and takes the share in live, without a reload.
 *
 * Saves a screenshot of the map to .test-results/journey-map.png; with
 * JOURNEYKIT_UPDATE_SCREENSHOT=1 also to docs/journey-map.png (the README's picture).
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
  collector: {
    store: { records(): Array<{ event: { id: string; name: string; type: string; anonymousId: string; phase: string; context: { path: string } } }> }
  }
  close(): Promise<void>
}
interface DemoModule {
  startDemo(options: { dataFile: string }): Promise<Demo>
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
    demo = await module.startDemo({ dataFile: join(dir, 'events.ndjson') })
    browser = await openBrowser()
  })

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
      expect(stub, `${file} carries the stub of src/browser/stub.ts verbatim`).toBeGreaterThan(-1)
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

    const records = () => demo.collector.store.records().map((record) => record.event)
    const purchase = await pollUntil(() => records().find((event) => event.name === 'purchase'), 15_000, 'the purchase at the collector')
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

    const shopVisitor = demo.collector.store.records().find((record) => record.event.name === 'purchase')!.event.anonymousId
    const events = () => demo.collector.store.records().map((record) => record.event).filter((event) => event.anonymousId !== shopVisitor)
    await pollUntil(() => events().some((event) => event.name === 'share'), 15_000, "the app's share event")
    const seen = events()
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
