/**
 * The route script every framework app is driven through (the same as in the frameworks
 * report): five routes, a param change, a query push, a query replace (no view), back, back,
 * forward: 10 page views, each with its own path and query and the title its route sets.
 */
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import type { Collector } from '../collector'

/** path + query → title, in the order the views are expected. */
export const EXPECTED_VIEWS: Array<[path: string, title: string]> = [
  ['/', 'Home - Shop'],
  ['/pricing', 'Pricing - Shop'],
  ['/products/1', 'Product 1 - Shop'],
  ['/products/2', 'Product 2 - Shop'],
  ['/search?q=shoes', 'Search shoes - Shop'],
  ['/search?q=boots', 'Search boots - Shop'],
  ['/about', 'About - Shop'],
  ['/search?q=boots&sort=price', 'Search boots - Shop'], // back: the entry the sort replaced
  ['/search?q=shoes', 'Search shoes - Shop'], // back
  ['/search?q=boots&sort=price', 'Search boots - Shop'], // forward
]

/** Waits until the route has rendered its heading (a visitor reads the page before moving on). */
async function rendered(page: Page, heading: string): Promise<void> {
  await page.waitForFunction((text) => document.querySelector('h1')?.textContent === text, heading, { timeout: 15_000 })
}

/** Drives the app at `start` through the route script with clicks, a button and history. */
export async function driveRoutes(page: Page, start: string): Promise<void> {
  await page.goto(start)
  await rendered(page, 'home')
  for (const [href, heading] of [
    ['/pricing', 'pricing'],
    ['/products/1', 'product 1'],
    ['/products/2', 'product 2'],
    ['/search?q=shoes', 'search shoes'],
    ['/search?q=boots', 'search boots'],
  ]) {
    await page.click(`nav a[href="${href}"]`)
    await rendered(page, heading!)
  }
  await page.click('#sort') // replaces the query: no view
  await rendered(page, 'search boots by price')
  await page.click('nav a[href="/about"]')
  await rendered(page, 'about')
  await page.goBack()
  await rendered(page, 'search boots by price')
  await page.goBack()
  await rendered(page, 'search shoes')
  await page.goForward()
  await rendered(page, 'search boots by price')
}

/** The delivered page views as `[path + query, title]`, in the order they happened (ids are UUIDv7, made in order). */
export function deliveredViews(collector: Collector): Array<[string, string]> {
  return collector
    .named('page_view')
    .slice()
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((event) => {
      const url = new URL(event.context.url)
      return [url.pathname + url.search, event.context.title]
    })
}

/** Waits for all 10 views and checks count, order, paths, titles and that no id came twice. */
export async function expectTenViews(collector: Collector): Promise<void> {
  await collector.waitFor((c) => c.named('page_view').length >= EXPECTED_VIEWS.length, 20_000, '10 page views')
  // A late extra view would arrive with the next batch: give it the time of one batch.
  await new Promise((resolve) => setTimeout(resolve, 800))
  expect(deliveredViews(collector)).toEqual(EXPECTED_VIEWS)
  expect(collector.duplicates()).toEqual([])
}
