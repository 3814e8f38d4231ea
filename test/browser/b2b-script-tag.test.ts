/**
 * The b2b phase model in the script tag, real Chromium: `journeykit-b2b.iife.js` puts the visitor
 * in the b2b phases without any attribute, and the default file, which no longer carries the b2b
 * model, says which file to load when a page asks it for `data-phases="b2b"`.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { describeBrowser, openBrowser, pollUntil, scriptTagPage, startCollector, startSite, waitForJourney, type BrowserHandle, type Collector, type Site } from './harness'

let collector: Collector
let site: Site
let browser: BrowserHandle
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

describeBrowser('the b2b phase model in the script tag', () => {
  test('journeykit-b2b.iife.js: events carry the b2b phases, a pricing page moves the visitor to evaluation', async () => {
    const html = scriptTagPage({ collectorUrl: collector.url, src: '/dist/journeykit-b2b.iife.js', attrs: { 'flush-interval': 100 } })
    site.setPage('/', html)
    site.setPage('/pricing', html)
    const page = await browser.newPage()
    await page.goto(site.url('/'))
    await waitForJourney(page)
    expect(await page.evaluate(() => window.journey.phase)).toBe('need')
    await page.goto(site.url('/pricing'))
    await waitForJourney(page)
    await page.evaluate(() => window.journey.flush())
    await collector.waitFor((c) => c.named('page_view').length === 2, 10_000, 'both page views')
    expect(collector.named('page_view').map((event) => event.phase)).toEqual(['need', 'evaluation'])
    expect(browser.errors()).toEqual([])
  })

  test('journeykit.iife.js with data-phases="b2b": a console error names the file to load, and the stub stays harmless', async () => {
    site.setPage('/', scriptTagPage({ collectorUrl: collector.url, attrs: { phases: 'b2b' } }))
    const page = await browser.newPage()
    await page.goto(site.url('/'))
    await page.evaluate(() => window.journey.track('queued'))
    const errors = await pollUntil(() => (browser.errors().length ? browser.errors() : undefined), 10_000, 'the set-up error')
    expect(errors).toEqual([expect.stringContaining('journeykit-b2b.iife.js')])
    expect(errors![0]).toContain("import { b2b } from 'journeykit/b2b'")
    expect(await page.evaluate(() => Array.isArray((window.journey as unknown as { q?: unknown[] }).q))).toBe(true)
  })

  test('only the b2b file carries the b2b rules', () => {
    const rule = 'negotiation.sales-contact'
    expect(readFileSync('dist/journeykit-b2b.iife.js', 'utf8')).toContain(rule)
    expect(readFileSync('dist/journeykit.iife.js', 'utf8')).not.toContain(rule)
  })
})
