/**
 * Serves a built single-page app on 127.0.0.1 (random port): its files, and `index.html` for
 * every other path (history routing), with the collector's URL put in for `__COLLECTOR__`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { openBrowser, startCollector, type BrowserHandle, type Collector } from '../harness'

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml' }

export interface App {
  url(path: string): string
  close(): Promise<void>
}

export async function serveApp(dir: string, collectorUrl: string): Promise<App> {
  const index = readFileSync(join(dir, 'index.html'), 'utf8').replace('__COLLECTOR__', collectorUrl)
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(dir, path)
    if (path !== '/' && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' })
      res.end(readFileSync(file))
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
      res.end(index)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** What a test of a built app gets: the app, the collector it sends to, and a fresh browser. */
export interface AppRun {
  app: App
  collector: Collector
  browser: BrowserHandle
  page: Page
}

/**
 * Serves the built app at `dir` beside a fresh collector, opens a fresh browser page, runs `run`,
 * checks that the page logged no error, and closes everything.
 */
export async function withApp(dir: string, run: (ctx: AppRun) => Promise<void>): Promise<void> {
  const collector = await startCollector()
  const app = await serveApp(dir, collector.url)
  const browser = await openBrowser()
  try {
    const page = await browser.newPage()
    await run({ app, collector, browser, page })
    expect(browser.errors()).toEqual([])
  } finally {
    await browser.close()
    await app.close()
    await collector.close()
  }
}
