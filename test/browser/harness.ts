/**
 * The real-Chromium test harness. Browser suites (`test/browser/*.test.ts`, vitest project
 * `browser`, Node environment, files run one at a time) build on these pieces:
 *
 * - `describeBrowser(name, fn)`: a `describe` that runs when Chromium is installed, fails with
 *   the install hint when it is missing and `CI=true`, and is a visible `describe.skip` otherwise.
 * - `startCollector()` (./collector): the endpoint. `collector.url` goes into `data-endpoint`;
 *   `requests()`, `events()` (delivered = answered 2xx), `uniqueIds()`, `duplicates()`,
 *   `named(name)`, `maxInFlight()`, fault injection with `setPlan(({ index, batch }) => ({ status,
 *   headers, delayMs, destroy, hold }))` and `failFor(ms, status)`, and
 *   `waitFor(c => ..., timeoutMs, 'what')`, which throws with a summary of what it saw.
 * - `startSite(pages)` (./site): a static server on another 127.0.0.1 port (cross-origin,
 *   same-site) serving `pages` (path → HTML or `{ body, headers, status }`), `/dist/*` from the
 *   build, and `test/browser/pages/**`. `site.url('/a.html')`, `site.setPage(path, html)`.
 *   It throws a clear error when `dist/journeykit.iife.js` is missing (run `npm run build`).
 * - `openBrowser()`: a fresh Chromium profile. `{ context, newPage(), errors(), messages(),
 *   close() }`; `errors()` lists uncaught page errors and `console.error` messages (network
 *   failures Chromium logs on its own are left out); `messages()` every console message.
 * - `scriptTagPage({ collectorUrl, attrs, before, after, head, body })`: the HTML of a page that
 *   loads `/dist/journeykit.iife.js` the documented way (inline stub, then the async script tag
 *   with `data-endpoint` and `attrs` as `data-*`). `before` runs after the stub and before the
 *   library has loaded; `after` runs right after the tag (usually still before it has loaded).
 * - `waitForJourney(page)`: resolves once the script-tag build has loaded and replaced the stub.
 * - IndexedDB: `idbDatabases(page)` (names from `indexedDB.databases()`), `idbDump(page)` (every
 *   store's keys and values, read raw without creating anything), `storedEvents(page)` /
 *   `storedEventIds(page)` (every event-shaped record found in any database, however encoded),
 *   `waitForStored(page, events => ..., ms, 'what')`.
 * - Faults: `crashPage(page)` kills the renderer (CDP `Page.crash`: no pagehide, unlike
 *   `page.close()`), `setOffline(context, true|false)`.
 * - `pollUntil(fn, timeoutMs, message)`: a bounded wait for any condition.
 *
 * Typical test:
 * ```ts
 * describeBrowser('my touchpoint', () => {
 *   test('sends x', async () => {
 *     const collector = await startCollector()
 *     const site = await startSite({ '/': scriptTagPage({ collectorUrl: collector.url, attrs: { 'flush-interval': 200 } }) })
 *     const browser = await openBrowser()
 *     try {
 *       const page = await browser.newPage()
 *       await page.goto(site.url('/'))
 *       await waitForJourney(page)
 *       await page.evaluate(() => window.journey.track('x'))
 *       await collector.waitFor((c) => c.named('x').length === 1, 10_000, 'the x event')
 *       expect(browser.errors()).toEqual([])
 *     } finally {
 *       await browser.close(); await site.close(); await collector.close()
 *     }
 *   })
 * })
 * ```
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterEach, beforeEach, describe, test } from 'vitest'
import { findChromium, INSTALL_HINT, launchChromium } from '../../scripts/lib/chromium.mjs'
import { STUB } from '../../src/script/stub'
import type { Journey } from '../../src/types'

import { startCollector, type Collector } from './collector'
import { startSite, type Site } from './site'

export { startCollector } from './collector'
export type { Collector, Plan, PlanAnswer, RecordedBatch, RecordedRequest } from './collector'
export { assertBuilt, startSite } from './site'
export type { PageSpec, Site } from './site'
export { INSTALL_HINT }
/** The documented inline stub (src/script/stub.ts), as `scriptTagPage` puts it before the script tag. */
export { STUB }

declare global {
  interface Window {
    journey: Journey
    /** Set by the script tag's onload / onerror in {@link scriptTagPage}. */
    __journeykitLoaded?: boolean
    __journeykitLoadError?: boolean
  }
}

let hintPrinted = false

/**
 * `describe` when Chromium is installed. Without it: a failing test carrying the install hint on
 * CI (`CI=true`), a printed hint and a skipped describe elsewhere.
 */
export function describeBrowser(name: string, fn: () => void): void {
  if (findChromium()) {
    describe(name, fn)
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      test('Chromium is installed', () => {
        throw new Error(INSTALL_HINT)
      })
    })
  } else {
    if (!hintPrinted) {
      hintPrinted = true
      console.warn(`[browser tests skipped] ${INSTALL_HINT}`)
    }
    describe.skip(name, fn)
  }
}

/** One console message from any page of the context. */
export interface ConsoleEntry {
  type: string
  text: string
  url: string
}

export interface BrowserHandle {
  /** The persistent context (fresh profile): pages opened in it share IndexedDB and cookies. */
  context: BrowserContext
  /** Opens a new tab in the context. */
  newPage(): Promise<Page>
  /** Uncaught page errors and console errors so far (Chromium's own network-failure lines excluded). */
  errors(): string[]
  /** Every console message so far. */
  messages(): ConsoleEntry[]
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>
}

// Lines Chromium logs by itself when a request fails or is answered non-2xx; they say nothing
// about the library's behaviour (tests inject those failures on purpose).
const NETWORK_NOISE = /^Failed to load resource|net::ERR_|^Access to fetch at .* has been blocked by CORS/

/** Launches Chromium (through scripts/lib/chromium.mjs) with a fresh profile. */
export async function openBrowser(options: { args?: string[] } = {}): Promise<BrowserHandle> {
  const { context, close } = await launchChromium({ args: options.args ?? [] })
  const errors: string[] = []
  const messages: ConsoleEntry[] = []
  const watch = (page: Page) => {
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
    page.on('console', (message) => {
      const entry = { type: message.type(), text: message.text(), url: page.url() }
      messages.push(entry)
      if (entry.type === 'error' && !NETWORK_NOISE.test(entry.text)) errors.push(`console.error: ${entry.text}`)
    })
  }
  context.pages().forEach(watch)
  context.on('page', watch)
  return {
    context,
    newPage: () => context.newPage(),
    errors: () => [...errors],
    messages: () => [...messages],
    close,
  }
}

export interface ScriptTagPageOptions {
  /** The collector URL (`data-endpoint`). */
  collectorUrl: string
  /** More options as data attributes: `{ 'flush-interval': 200 }`, `{ flushInterval: 200 }` or `{ 'data-consent': 'pending' }`. */
  attrs?: Record<string, string | number | boolean>
  /** Inline script run after the stub, before the library has loaded. */
  before?: string
  /** Inline script placed right after the script tag. */
  after?: string
  /** Extra HTML for `<head>`. */
  head?: string
  /** HTML for `<body>`. */
  body?: string
  title?: string
  /** The script URL; default `/dist/journeykit.iife.js`. */
  src?: string
  /** Leave out the stub. */
  noStub?: boolean
}

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
const kebab = (name: string) => name.replace(/^data-/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/** HTML of a page that loads the script-tag build the documented way. */
export function scriptTagPage(options: ScriptTagPageOptions): string {
  const attrs = Object.entries(options.attrs ?? {})
    .map(([name, value]) => ` data-${kebab(name)}="${escapeAttr(String(value))}"`)
    .join('')
  const src = options.src ?? '/dist/journeykit.iife.js'
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${options.title ?? 'journeykit test page'}</title>
<link rel="icon" href="data:,">
${options.noStub ? '' : `<script>${STUB}</script>`}
${options.before ? `<script>${options.before}</script>` : ''}
<script async src="${escapeAttr(src)}" data-endpoint="${escapeAttr(options.collectorUrl)}"${attrs} onload="window.__journeykitLoaded=true" onerror="window.__journeykitLoadError=true"></script>
${options.after ? `<script>${options.after}</script>` : ''}
${options.head ?? ''}
</head>
<body>
${options.body ?? '<h1>journeykit test page</h1>'}
</body>
</html>
`
}

/** Resolves once the script-tag build has loaded on `page` and `window.journey` is the real one. */
export async function waitForJourney(page: Page, timeoutMs = 20_000): Promise<void> {
  try {
    await page.waitForFunction(
      () =>
        window.__journeykitLoadError === true ||
        (window.__journeykitLoaded === true && typeof window.journey?.flush === 'function' && typeof window.journey.phase === 'string'),
      undefined,
      { timeout: timeoutMs, polling: 20 },
    )
  } catch (error) {
    throw new Error(`waitForJourney: the library did not load within ${timeoutMs} ms on ${page.url()} (${await journeyState(page)})`, { cause: error })
  }
  if (await page.evaluate(() => window.__journeykitLoadError === true)) {
    throw new Error(`waitForJourney: the script tag failed to load on ${page.url()} (${await journeyState(page)})`)
  }
}

async function journeyState(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const journey = window.journey as unknown as Record<string, unknown> | undefined
      return `script loaded: ${String(window.__journeykitLoaded ?? false)}, load error: ${String(window.__journeykitLoadError ?? false)}, window.journey: ${
        journey ? `{ ${Object.keys(journey).join(', ')} }` : String(journey)
      }`
    })
    .catch((error: unknown) => `page state unreadable: ${String(error)}`)
}

/** Polls `fn` every `intervalMs` until it returns a truthy value (returned); throws after `timeoutMs`. */
export async function pollUntil<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, message = 'condition', intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await fn()
      if (value) return value
      last = value
    } catch (error) {
      last = error
    }
    if (Date.now() >= deadline) throw new Error(`pollUntil: timed out after ${timeoutMs} ms waiting for ${message} (last value: ${String(last)})`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** One object store's raw contents. */
export interface StoreDump {
  name: string
  keys: unknown[]
  values: unknown[]
}

export interface DatabaseDump {
  name: string
  version: number
  stores: StoreDump[]
}

/** Names of the page origin's IndexedDB databases (`indexedDB.databases()`); [] when IndexedDB is missing. */
export async function idbDatabases(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    if (typeof indexedDB === 'undefined' || !indexedDB || typeof indexedDB.databases !== 'function') return []
    return (await indexedDB.databases()).map((db) => db.name ?? '').filter(Boolean)
  })
}

/**
 * Every IndexedDB database of the page's origin with every store's keys and values, read
 * directly (not through the library). Never creates a database: one deleted meanwhile is skipped.
 */
export async function idbDump(page: Page): Promise<DatabaseDump[]> {
  return page.evaluate(async () => {
    if (typeof indexedDB === 'undefined' || !indexedDB) return []
    const out: DatabaseDump[] = []
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue
      const db = await new Promise<IDBDatabase | undefined>((resolve, reject) => {
        const request = indexedDB.open(info.name!)
        // The database vanished between databases() and open(): do not create it.
        request.onupgradeneeded = () => request.transaction?.abort()
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => (request.error?.name === 'AbortError' ? resolve(undefined) : reject(request.error))
        request.onblocked = () => resolve(undefined)
      })
      if (!db) continue
      const stores: StoreDump[] = []
      try {
        for (const name of Array.from(db.objectStoreNames)) {
          const tx = db.transaction(name, 'readonly')
          const store = tx.objectStore(name)
          const [keys, values] = await Promise.all(
            [store.getAllKeys(), store.getAll()].map(
              (request) =>
                new Promise<unknown[]>((resolve, reject) => {
                  request.onsuccess = () => resolve(request.result as unknown[])
                  request.onerror = () => reject(request.error)
                }),
            ),
          )
          stores.push({ name, keys: keys!, values: values! })
        }
      } finally {
        db.close()
      }
      out.push({ name: db.name, version: db.version, stores })
    }
    return out
  })
}

/** A stored record that looks like an event (has `id`, `type` and `timestamp`). */
export type StoredEvent = { id: string; type: string; name?: string; props?: Record<string, unknown>; timestamp: unknown; [key: string]: unknown }

/** Every event-shaped record (`id`, `type`, `timestamp`) in a dump, however stored (objects, JSON strings, arrays, lines of `key json`), by id. */
export function eventsIn(dump: DatabaseDump[]): Map<string, StoredEvent> {
  const found = new Map<string, StoredEvent>()
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6 || value == null) return
    if (typeof value === 'string') {
      const text = value.trim()
      if (text.startsWith('{') || text.startsWith('[')) {
        try {
          visit(JSON.parse(text), depth + 1)
        } catch {
          // not JSON
        }
      } else if (text.includes(' {')) {
        // Lines of `key json` (several events in one record).
        for (const line of text.split('\n')) visit(line.slice(line.indexOf(' ') + 1), depth + 1)
      }
      return
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1)
      return
    }
    if (typeof value === 'object') {
      const record = value as Record<string, unknown>
      if (typeof record.id === 'string' && typeof record.type === 'string' && 'timestamp' in record) found.set(record.id, record as StoredEvent)
      for (const inner of Object.values(record)) visit(inner, depth + 1)
    }
  }
  for (const db of dump) for (const store of db.stores) for (const value of store.values) visit(value, 0)
  return found
}

/** The events currently stored in the page origin's IndexedDB (read raw). */
export async function storedEvents(page: Page): Promise<StoredEvent[]> {
  return [...eventsIn(await idbDump(page)).values()]
}

/** Ids of the events currently stored in the page origin's IndexedDB. */
export async function storedEventIds(page: Page): Promise<Set<string>> {
  return new Set(eventsIn(await idbDump(page)).keys())
}

/** Polls IndexedDB until `predicate(storedEvents)` holds; returns the events then. */
export async function waitForStored(
  page: Page,
  predicate: (events: StoredEvent[]) => boolean,
  timeoutMs = 10_000,
  message = 'stored events',
): Promise<StoredEvent[]> {
  let last: StoredEvent[] = []
  try {
    await pollUntil(async () => {
      last = await storedEvents(page)
      return predicate(last)
    }, timeoutMs, message)
    return last
  } catch {
    throw new Error(`waitForStored: timed out after ${timeoutMs} ms waiting for ${message}; IndexedDB held ${last.length} events`)
  }
}

/**
 * Kills the page's renderer (CDP `Page.crash`): no pagehide, no visibilitychange, nothing runs.
 * Resolves once Playwright has seen the crash; the page can only be closed afterwards.
 */
export async function crashPage(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  const crashed = page.waitForEvent('crash', { timeout: 20_000 })
  // The command never answers: the renderer is gone before it could.
  cdp.send('Page.crash').catch(() => {})
  await crashed
  await page.close().catch(() => {})
}

/** Takes every page of the context off the network (or back on). */
export async function setOffline(context: BrowserContext, offline: boolean): Promise<void> {
  await context.setOffline(offline)
}

/** What {@link useScriptTagSuite} gives each test: fresh servers and browser, and the usual steps. */
export interface ScriptTagSuite {
  collector: Collector
  site: Site
  browser: BrowserHandle
  /** A script-tag page pointed at this test's collector, with the suite's `data-*` attributes. */
  journeyPage(options?: Omit<ScriptTagPageOptions, 'collectorUrl'>): string
  /** Opens `path` (in `page`, or a new tab) and waits for the library to load. */
  open(path: string, page?: Page): Promise<Page>
  /** Calls `journey.track(name, { ...extra, i })` for i = 0…count-1 in one task. */
  trackMany(page: Page, name: string, count: number, extra?: Record<string, unknown>): Promise<void>
}

/**
 * Sets up a script-tag suite: before each test a new collector, site and browser (closed after
 * it), and on failure the collector's summary and the pages' console, the first things to read.
 * `attrs` are `data-*` attributes for every page (a short flush interval keeps suites fast).
 */
export function useScriptTagSuite(attrs: Record<string, string | number> = { 'flush-interval': 200 }): ScriptTagSuite {
  const suite = {
    journeyPage: (options = {}) => scriptTagPage({ ...options, collectorUrl: suite.collector.url, attrs: { ...attrs, ...options.attrs } }),
    async open(path, page) {
      const tab = page ?? (await suite.browser.newPage())
      await tab.goto(suite.site.url(path))
      await waitForJourney(tab)
      return tab
    },
    async trackMany(page, name, count, extra = {}) {
      await page.evaluate(
        ([name, count, extra]) => {
          for (let i = 0; i < count; i++) window.journey.track(name, { ...extra, i })
        },
        [name, count, extra] as const,
      )
    },
  } as ScriptTagSuite
  beforeEach(async (context) => {
    const collector = (suite.collector = await startCollector())
    suite.site = await startSite({})
    const browser = (suite.browser = await openBrowser())
    context.onTestFailed(() => {
      const messages = browser.messages().map((m) => `  ${m.type}: ${m.text}`)
      console.log(`collector: ${collector.summary()}\npage console:\n${messages.join('\n') || '  (nothing)'}`)
    })
  })
  afterEach(async () => {
    await suite.browser?.close()
    await suite.site?.close()
    await suite.collector?.close()
  })
  return suite
}
