/**
 * The example collector as a browser sees it (issue: "the collector's CORS", "HOST=" and the
 * 404 page's live refresh), in real Chromium:
 * - another site's page can send events to /collect, but cannot read the journeys: not the
 *   pages, not the JSON API, not the live stream, with or without credentials;
 * - `HOST=` (set but empty) starts the collector on 127.0.0.1 and prints a URL that opens;
 * - the "unknown visitor" page refreshes itself from its own path, never from the raw request
 *   URL (`//other-host/…` would make it fetch from another host), and shows the journey once
 *   that visitor's events arrive.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { describeBrowser, openBrowser, pollUntil, type BrowserHandle } from './harness'
import { startSite, type Site } from './site'

interface Collector {
  url: string
  collectUrl: string
  close(): Promise<void>
}
type Start = (options: Record<string, unknown>) => Promise<Collector>

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SERVER = join(ROOT, 'examples', 'collector', 'server.mjs')

/** One event in the wire format. */
const event = (anonymousId: string, userId: string | null = null) => ({
  id: `${anonymousId}-${Math.random().toString(36).slice(2)}`,
  type: 'page',
  name: 'page',
  props: {},
  timestamp: new Date().toISOString(),
  anonymousId,
  userId,
  sessionId: 's-1',
  phase: 'awareness',
  context: { url: 'http://shop.test/', path: '/', title: 'Shop', referrer: null, channel: null, campaign: null, library: { name: 'journeykit', version: '0.1.0' } },
})
const send = (collector: Collector, events: unknown[]) =>
  fetch(collector.collectUrl, { method: 'POST', body: JSON.stringify({ sentAt: new Date().toISOString(), events }) })

describeBrowser('example collector in the browser', () => {
  let startCollector: Start
  let collector: Collector
  let site: Site
  let browser: BrowserHandle
  let dir: string

  beforeAll(async () => {
    ;({ startCollector } = (await import(SERVER)) as { startCollector: Start })
    dir = mkdtempSync(join(tmpdir(), 'journeykit-collector-browser-'))
    collector = await startCollector({ port: 0, database: join(dir, 'events.duckdb') })
    site = await startSite({ '/other.html': '<!doctype html><title>another site</title><p>another site</p>' })
    browser = await openBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await site?.close()
    await collector?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('another site can send events but cannot read the journeys', async () => {
    expect((await send(collector, [event('anon-private', 'ada@example.com')])).status).toBe(200)
    const page = await browser.newPage()
    await page.goto(site.url('/other.html'))
    const result = await page.evaluate(async (base) => {
      const read = async (path: string, credentials: RequestCredentials) => {
        try {
          const res = await fetch(base + path, { credentials })
          return `read ${res.status}: ${(await res.text()).slice(0, 80)}`
        } catch (error) {
          return `blocked (${(error as Error).name})`
        }
      }
      const reads: Record<string, string> = {}
      for (const path of ['/api/visitors', '/api/map', '/api/visitors/anon-private', '/', '/visitor/anon-private']) {
        reads[`${path} with credentials`] = await read(path, 'include')
        reads[`${path} without`] = await read(path, 'omit')
      }
      const live = await new Promise<string>((resolve) => {
        const source = new EventSource(base + '/live', { withCredentials: true })
        source.onopen = () => resolve('open')
        source.onerror = () => resolve(source.readyState === EventSource.CLOSED ? 'closed' : 'error')
      })
      // What journeykit does: a simple cross-origin POST, and one with a pre-flight.
      const body = JSON.stringify({ sentAt: new Date().toISOString(), events: [] })
      const plain = await fetch(base + '/collect', { method: 'POST', body, credentials: 'include' }).then((res) => res.status)
      const preflighted = await fetch(base + '/collect', { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((res) => res.status)
      return { reads, live, plain, preflighted }
    }, collector.url)
    for (const [what, outcome] of Object.entries(result.reads)) expect(outcome, what).toBe('blocked (TypeError)')
    expect(result.live).toBe('closed')
    expect(result.plain).toBe(200)
    expect(result.preflighted).toBe(200)
    await page.close()
  })

  test('the unknown-visitor page refreshes from its own path, not from a host in the request URL, and shows the journey when it arrives', async () => {
    const page = await browser.newPage()
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/.test(message.text())) violations.push(message.text())
    })
    const other = new URL(site.origin).host
    const response = await page.goto(`${collector.url}//${other}/visitor/anon-later`)
    expect(response?.status()).toBe(404)
    await page.waitForSelector('#live.on')
    expect(await page.locator('#content').getAttribute('data-partial')).toBe('/visitor/anon-later?partial=1')

    await send(collector, [event('anon-later')])
    await page.waitForSelector('.timeline .marker.page', { timeout: 15_000 })
    expect(await page.locator('h1 code').textContent()).toBe('anon-later')
    expect(site.requested().filter((path) => path.includes('visitor')), 'no request went to the other host').toEqual([])
    expect(violations).toEqual([])
    await page.close()
  })

  test('HOST set but empty binds 127.0.0.1 and prints a URL that opens', async () => {
    const child: ChildProcess = spawn(process.execPath, [SERVER], {
      env: { ...process.env, HOST: '', PORT: '0', DATABASE: join(dir, 'empty-host.duckdb') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout!.on('data', (chunk) => (output += chunk))
    child.stderr!.on('data', (chunk) => (output += chunk))
    try {
      const printed = await pollUntil(() => /listening on (\S+)/.exec(output)?.[1], 30_000, 'the collector to print its URL')
      expect(printed).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const page = await browser.newPage()
      const response = await page.goto(`${printed}/`)
      expect(response?.status()).toBe(200)
      expect(await page.title()).toBe('Journey map')
      await page.close()
      // Not on any other interface of this machine.
      const port = new URL(printed!).port
      const external = Object.values(networkInterfaces()).flat().find((address) => address && address.family === 'IPv4' && !address.internal)
      if (external) {
        const reached = await fetch(`http://${external.address}:${port}/`, { signal: AbortSignal.timeout(3000) }).then(
          () => 'reached',
          () => 'refused',
        )
        expect(reached, `http://${external.address}:${port}/`).toBe('refused')
      }
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    }
  })
})
