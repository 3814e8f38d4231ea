/**
 * A static test site on 127.0.0.1 (its own random port, so the collector is cross-origin but
 * same-site: cookies set here would travel to the collector unless requests omit credentials).
 *
 * Serves, in this order: the pages given to {@link startSite} (path → HTML, or a full
 * {@link PageSpec}), `/dist/*` from the repository's built `dist/` (each file read once per test
 * run), and the files under `test/browser/pages/`. Everything is sent with `Cache-Control: no-store`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
// JOURNEYKIT_DIST serves another build as /dist/ (e.g. a deliberately broken one, to check that
// the suites catch the breakage).
const DIST = resolve(process.env.JOURNEYKIT_DIST ?? join(ROOT, 'dist'))
const PAGES = join(ROOT, 'test', 'browser', 'pages')
/** The file every script-tag page loads. */
export const IIFE_FILE = join(DIST, 'journeykit.iife.js')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
}

/** A page with its own status, headers (e.g. a CSP) or content type. */
export interface PageSpec {
  body: string
  status?: number
  contentType?: string
  headers?: Record<string, string>
}

export interface Site {
  /** `http://127.0.0.1:PORT` */
  origin: string
  /** The absolute URL of `path` on this site (`site.url('/a.html?x=1')`). */
  url(path: string): string
  /** Adds or replaces a page after start. */
  setPage(path: string, page: string | PageSpec): void
  /** Paths (with query) requested so far, in order. */
  requested(): string[]
  close(): Promise<void>
}

/** Throws a clear error when the script-tag build is missing. */
export function assertBuilt(): void {
  if (!existsSync(IIFE_FILE)) {
    throw new Error(`${IIFE_FILE} is missing: run \`npm run build\` before the browser tests.`)
  }
}

// Build output is read once per test run: a rebuild of dist/ by a concurrent `npm run build`
// (tsup cleans the folder first) cannot make a page load a missing or half-written file.
const distCache = new Map<string, Buffer>()
function read(file: string): Buffer {
  if (!file.startsWith(DIST + sep)) return readFileSync(file)
  let content = distCache.get(file)
  if (!content) distCache.set(file, (content = readFileSync(file)))
  return content
}

function fileUnder(base: string, urlPath: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  const path = normalize(join(base, decoded))
  if (path !== base && !path.startsWith(base + sep)) return undefined
  if (!existsSync(path) || !statSync(path).isFile()) return undefined
  return path
}

/** Starts the site. `pages` maps paths (`/`, `/a.html`) to HTML. */
export async function startSite(pages: Record<string, string | PageSpec> = {}): Promise<Site> {
  if (!distCache.has(IIFE_FILE)) {
    assertBuilt()
    read(IIFE_FILE)
  }
  const table = new Map<string, PageSpec>()
  const setPage = (path: string, page: string | PageSpec) => table.set(path, typeof page === 'string' ? { body: page } : page)
  for (const [path, page] of Object.entries(pages)) setPage(path, page)
  const log: string[] = []
  const sockets = new Set<Socket>()

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    log.push(url.pathname + url.search)
    const base = { 'Cache-Control': 'no-store' }
    const page = table.get(url.pathname)
    if (page) {
      res.writeHead(page.status ?? 200, { ...base, 'Content-Type': page.contentType ?? TYPES['.html'], ...page.headers }).end(page.body)
      return
    }
    let file: string | undefined
    if (url.pathname.startsWith('/dist/')) {
      const cached = join(DIST, url.pathname.slice('/dist/'.length))
      file = distCache.has(cached) ? cached : fileUnder(DIST, url.pathname.slice('/dist/'.length))
    }
    else file = fileUnder(PAGES, url.pathname === '/' ? 'index.html' : url.pathname.slice(1))
    if (!file) {
      res.writeHead(404, { ...base, 'Content-Type': TYPES['.txt'] }).end(`not found: ${url.pathname}`)
      return
    }
    res.writeHead(200, { ...base, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(read(file))
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => done())
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    url: (path) => new URL(path, origin).href,
    setPage,
    requested: () => [...log],
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
