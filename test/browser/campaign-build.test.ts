/**
 * The click-id table of `campaign()` as it is BUILT, in real Chromium: the npm module
 * (`dist/index.js`, through an import map) and the script tag (`dist/journeykit.iife.js`). A
 * minifier that renames object keys (the `_kx` key once became `a` in one build and `o` in the
 * other) passes every source-level test and breaks only here: a landing with `?_kx=…` was no
 * e-mail click, and one with `?a=…` was.
 */
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { expect, test } from 'vitest'
import type { JourneyEvent } from '../../src/types'
import { describeBrowser, useScriptTagSuite, waitForJourney } from './harness'

/** The documented table (README, "Channel rules"): each click id and the channel it implies. */
const CLICK_IDS: Array<[param: string, channel: string]> = [
  ['gclid', 'paid_search'],
  ['gbraid', 'paid_search'],
  ['wbraid', 'paid_search'],
  ['gad_source', 'paid_search'],
  ['msclkid', 'paid_search'],
  ['yclid', 'paid_search'],
  ['dclid', 'display'],
  ['ttclid', 'paid_social'],
  ['li_fat_id', 'paid_social'],
  ['twclid', 'paid_social'],
  ['rdt_cid', 'paid_social'],
  ['sccid', 'paid_social'],
  ['epik', 'paid_social'],
  ['qclid', 'paid_social'],
  ['fbclid', 'organic_social'],
  ['igshid', 'organic_social'],
  ['irclid', 'affiliate'],
  ['mc_cid', 'email'],
  ['_kx', 'email'],
]

/** Names no click id has, among them every name a minifier gives a renamed key. */
const DECOYS = [...'abcdefghijklmnopqrstuvwxyz', 'kx', '_k', 'Kx', '_KX_', 'mc_eid']

const suite = useScriptTagSuite()

/** A page that loads the npm build as a browser module, with `pageViews()` and `campaign()`. */
function modulePage(collectorUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>module build</title><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "idb-keyval": "/idb-keyval.js" } }</script>
<script type="module">
  import { campaign, createJourney, pageViews } from '/dist/index.js'
  window.journey = createJourney({ endpoint: ${JSON.stringify(collectorUrl)}, flushInterval: 200, touchpoints: [pageViews(), campaign()] })
  window.__journeykitLoaded = true
</script>
</head><body><h1>module build</h1></body></html>`
}

/** Lands on `/?query` and returns the page view that landing sent. */
async function land(page: Page, query: string): Promise<JourneyEvent> {
  await page.goto(suite.site.url(`/?${query}`))
  await waitForJourney(page)
  const url = `${suite.site.origin}/?${query}`
  const mine = (events: JourneyEvent[]) => events.find((event) => event.type === 'page' && event.context.url === url)
  await suite.collector.waitFor((c) => !!mine(c.events()), 20_000, `the page view of /?${query}`)
  return mine(suite.collector.events())!
}

/** Decoys first (while nothing else is known they must leave the visit `direct`), then every click id. */
async function checkTable(): Promise<void> {
  const page = await suite.browser.newPage()
  const decoys = await land(page, DECOYS.map((name) => `${name}=1`).join('&'))
  expect(decoys.context.channel).toBe('direct')
  expect(decoys.context.campaign).toEqual({})

  const seen: Array<[string, unknown, unknown, unknown]> = []
  for (const [i, [param]] of CLICK_IDS.entries()) {
    const { context } = await land(page, `${param}=click${i}`)
    seen.push([param, context.campaign?.clickIdParam, context.campaign?.clickId, context.channel])
  }
  expect(seen).toEqual(CLICK_IDS.map(([param, channel], i) => [param, param, `click${i}`, channel]))
  expect(suite.browser.errors()).toEqual([])
}

describeBrowser('the click-id table in the built files (real Chromium)', () => {
  test('script tag (dist/journeykit.iife.js): every click id gives its channel, no other name does', async () => {
    suite.site.setPage('/', suite.journeyPage())
    await checkTable()
  })

  test('npm module (dist/index.js): every click id gives its channel, no other name does', async () => {
    const idbKeyval = readFileSync(new URL('../../node_modules/idb-keyval/dist/index.js', import.meta.url), 'utf8')
    suite.site.setPage('/idb-keyval.js', { body: idbKeyval, contentType: 'text/javascript; charset=utf-8' })
    suite.site.setPage('/', modulePage(suite.collector.url))
    await checkTable()
  })
})
