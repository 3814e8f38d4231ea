// The two local servers of `npm run bench`, both on 127.0.0.1:
// - the collector: the example collector (examples/collector/server.mjs) on a temporary data file
//   when it is there, otherwise a minimal one; either way its traffic is counted here, from
//   Node's HTTP diagnostics channels, without touching the collector's code;
// - the bench pages, served cross-origin isolated (COOP + COEP) so that performance.now() has
//   its finest resolution (5 µs in Chromium, 100 µs otherwise).
import dc from 'node:diagnostics_channel'
import { createServer } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = new URL('../../', import.meta.url)

/** Bytes of an HTTP/1.1 request head as it came over the wire. */
function requestHeadBytes(req) {
  let bytes = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`.length + 2
  for (let i = 0; i < req.rawHeaders.length; i += 2) bytes += req.rawHeaders[i].length + req.rawHeaders[i + 1].length + 4
  return bytes
}

/**
 * Counts what reaches the server listening on `port`: requests to `path` by method, request body
 * bytes, and bytes read from and written to the sockets (request and response heads included).
 */
function countTraffic(port, path) {
  const totals = { posts: 0, preflights: 0, other: 0, failed: 0, bodyBytes: 0, requestBytes: 0, socketRead: 0, socketWritten: 0 }
  const sockets = new WeakMap()
  const account = (socket) => {
    const seen = sockets.get(socket) ?? { read: 0, written: 0 }
    totals.socketRead += socket.bytesRead - seen.read
    totals.socketWritten += socket.bytesWritten - seen.written
    sockets.set(socket, { read: socket.bytesRead, written: socket.bytesWritten })
  }
  const ours = (socket) => socket?.localPort === port
  const onStart = ({ request, socket }) => {
    if (!ours(socket)) return
    const pathname = request.url.split('?')[0]
    if (pathname !== path) totals.other++
    else if (request.method === 'POST') {
      totals.posts++
      const body = Number(request.headers['content-length']) || 0
      totals.bodyBytes += body
      totals.requestBytes += requestHeadBytes(request) + body
    } else if (request.method === 'OPTIONS') totals.preflights++
    else totals.other++
  }
  const onFinish = ({ response, socket }) => {
    if (!ours(socket)) return
    if (response.statusCode >= 300) totals.failed++
    account(socket)
  }
  dc.subscribe('http.server.request.start', onStart)
  dc.subscribe('http.server.response.finish', onFinish)
  return {
    snapshot: () => ({ ...totals }),
    stop() {
      dc.unsubscribe('http.server.request.start', onStart)
      dc.unsubscribe('http.server.response.finish', onFinish)
    },
  }
}

/** A collector with nothing but what the bench needs: accept, count, acknowledge. */
async function startMinimalCollector() {
  const ids = new Set()
  let received = 0
  const server = createServer((req, res) => {
    if (req.headers.origin) {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin)
      res.setHeader('Access-Control-Allow-Credentials', 'true')
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST')
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '')
      return res.writeHead(204).end()
    }
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      let batch
      try {
        batch = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        return res.writeHead(400).end('{"error":"not JSON"}')
      }
      for (const event of batch.events ?? []) {
        received++
        ids.add(event.id)
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = server.address().port
  return {
    port,
    collectUrl: `http://127.0.0.1:${port}/collect`,
    events: () => ({ received, unique: ids.size }),
    close: () => new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}

/**
 * Starts a collector and counts its traffic. Returns `{ kind, collectUrl, snapshot(), close() }`;
 * `snapshot()` has the traffic totals and the events received so far.
 */
export async function startCollectorForBench() {
  const dir = mkdtempSync(join(tmpdir(), 'journeykit-bench-'))
  let collector
  let kind
  try {
    const { startCollector } = await import(new URL('examples/collector/server.mjs', ROOT).href)
    if (typeof startCollector !== 'function') throw new Error('no startCollector export')
    // Counted as batches are stored: the collector's database is queried asynchronously.
    const counts = { received: 0, unique: 0 }
    const started = await startCollector({
      port: 0,
      host: '127.0.0.1',
      database: join(dir, 'events.duckdb'),
      onStored({ accepted, duplicates }) {
        counts.received += accepted + duplicates
        counts.unique += accepted
      },
    })
    collector = {
      port: started.port,
      collectUrl: started.collectUrl,
      events: () => ({ ...counts }),
      close: () => started.close(),
    }
    kind = 'examples/collector'
  } catch (error) {
    collector = await startMinimalCollector()
    kind = `minimal (examples/collector unavailable: ${error.message.split('\n')[0]})`
  }
  const traffic = countTraffic(collector.port, '/collect')
  return {
    kind,
    collectUrl: collector.collectUrl,
    snapshot: () => ({ ...traffic.snapshot(), ...collector.events() }),
    async close() {
      traffic.stop()
      await collector.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Differences of two snapshots. */
export function delta(after, before) {
  const out = {}
  for (const key of Object.keys(after)) out[key] = after[key] - (before[key] ?? 0)
  return out
}

/** The HTML of a bench page that loads `scripts` in order. */
export const benchHtml = (scripts) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>journeykit bench</title></head>` +
  `<body><h1>journeykit bench</h1>${scripts.map((src) => `<script src="${src}"></script>`).join('')}</body></html>`

/**
 * Serves the bench pages, cross-origin isolated. `lib` is the bundled ESM build (as a page script
 * that sets `window.journeykit`), `iife` the script-tag build. `pages` adds pages by path (the
 * scripts each loads) and `scripts` their files by path (text).
 */
export async function startPageServer({ lib, iife, pages = {}, scripts = {} }) {
  const driver = () => readFileSync(new URL('./page.js', import.meta.url))
  const routes = {
    '/bench.html': ['text/html', () => benchHtml(['/lib.js', '/driver.js'])],
    '/blank.html': ['text/html', () => benchHtml(['/driver.js'])],
    '/lib.js': ['text/javascript', () => lib],
    '/driver.js': ['text/javascript', driver],
    '/journeykit.iife.js': ['text/javascript', () => iife],
  }
  for (const [path, list] of Object.entries(pages)) routes[path] = ['text/html', () => benchHtml(list)]
  for (const [path, text] of Object.entries(scripts)) routes[path] = ['text/javascript', () => text]
  const server = createServer((req, res) => {
    const route = routes[req.url.split('?')[0]]
    if (!route) return res.writeHead(404).end()
    res.writeHead(200, {
      'Content-Type': `${route[0]}; charset=utf-8`,
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    })
    res.end(route[1]())
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}
