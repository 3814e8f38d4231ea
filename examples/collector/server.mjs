// A journeykit collector and journey map in one small Node server, with no dependencies.
//
//   node examples/collector/server.mjs          # http://127.0.0.1:8787
//   PORT=9000 DATA_FILE=/tmp/events.ndjson node examples/collector/server.mjs
//
// Endpoints (see README.md):
//   POST /collect             batches as journeykit sends them (any content type, CORS)
//   GET  /                    the visitor list
//   GET  /visitor/:id         one visitor's journey map
//   GET  /live                Server-Sent Events: `update` whenever events are stored
//   GET  /api/visitors[/:id]  the same data as JSON
import { createServer } from 'node:http'
import { randomBytes } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { openStore } from './store.mjs'
import { validateBatch } from './validate.mjs'
import { CONVERSIONS, journeyOf, summarize } from './journey.mjs'
import { esc, listContent, page, visitorContent } from './views.mjs'

export const DEFAULT_DATA_FILE = fileURLToPath(new URL('./data/events.ndjson', import.meta.url))

/**
 * Starts the collector. Resolves once it listens, with its URLs and `close()`.
 *
 * @param {object} [options]
 * @param {number} [options.port=8787] 0 picks a free port.
 * @param {string} [options.host='127.0.0.1']
 * @param {string} [options.dataFile] the NDJSON store; default `examples/collector/data/events.ndjson`
 * @param {number} [options.bodyLimit=1000000] larger request bodies get 413
 * @param {string[]} [options.conversions] event names that count as a conversion
 * @param {(line: string) => void} [options.log] one line per batch and per notice; silent by default
 */
export async function startCollector({
  port = 8787,
  host = '127.0.0.1',
  dataFile = DEFAULT_DATA_FILE,
  bodyLimit = 1_000_000,
  conversions = CONVERSIONS,
  log = () => {},
} = {}) {
  const store = openStore(dataFile, { log })
  const listeners = new Set()

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`error: ${error.stack ?? error}`)
      if (!res.headersSent) json(res, 500, { error: 'internal error' })
      else res.destroy()
    })
  })

  async function handle(req, res) {
    cors(req, res)
    const url = new URL(req.url, 'http://collector')
    const path = url.pathname

    if (req.method === 'OPTIONS') return preflight(req, res)

    if (path === '/collect') {
      if (req.method !== 'POST') return json(res, 405, { error: 'use POST to send events' }, { Allow: 'POST, OPTIONS' })
      return collect(req, res)
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: `${req.method} is not supported here` }, { Allow: 'GET, HEAD' })

    if (path === '/live') return live(req, res)
    if (path === '/api/visitors') return json(res, 200, { visitors: summaries() })

    const visitorMatch = /^\/(api\/visitors|visitor)\/([^/]+)$/.exec(path)
    if (visitorMatch) {
      let id
      try {
        id = decodeURIComponent(visitorMatch[2])
      } catch {
        return json(res, 400, { error: 'the visitor id in the URL is not valid percent-encoding' })
      }
      const records = store.visitor(id)
      const api = visitorMatch[1] === 'api/visitors'
      if (!records) {
        if (api) return json(res, 404, { error: `no visitor ${id}` })
        return html(res, 404, page({ title: 'Unknown visitor', nonce: nonce(), partialUrl: req.url, content: `<a class="back" href="/">← All visitors</a><h1>No visitor <code>${esc(id)}</code></h1><p class="muted">No event from this anonymous id has arrived (yet).</p>` }))
      }
      const journey = journeyOf(id, records, { conversions, dropped: store.droppedFor(id) })
      if (api) return json(res, 200, journey)
      const content = visitorContent(journey)
      if (url.searchParams.has('partial')) return html(res, 200, content)
      return html(res, 200, page({ title: `Visitor ${id} · journey map`, content, nonce: nonce(), partialUrl: `${path}?partial=1`, visitor: id }))
    }

    if (path === '/') {
      const content = listContent(summaries(), { collectUrl: `${origin()}/collect` })
      if (url.searchParams.has('partial')) return html(res, 200, content)
      return html(res, 200, page({ title: 'Visitors · journey map', content, nonce: nonce(), partialUrl: '/?partial=1' }))
    }

    return json(res, 404, { error: `nothing at ${path}` })
  }

  // --- ingestion -----------------------------------------------------------------------------

  async function collect(req, res) {
    const encoding = req.headers['content-encoding']
    if (encoding && encoding !== 'identity') {
      return json(res, 415, { error: `Content-Encoding ${encoding} is not supported; send the JSON body as is` })
    }
    const declared = Number(req.headers['content-length'])
    if (declared > bodyLimit) return tooLarge(req, res)

    const chunks = []
    let size = 0
    for await (const chunk of req) {
      size += chunk.length
      if (size > bodyLimit) return tooLarge(req, res)
      chunks.push(chunk)
    }

    // fetch and sendBeacon send `text/plain;charset=UTF-8` (a CORS simple request, no
    // pre-flight), other clients `application/json`: the body is parsed as JSON either way.
    let text
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))
    } catch {
      return json(res, 400, { error: 'body is not valid UTF-8' })
    }
    if (text.trim() === '') return json(res, 400, { error: 'body is empty; expected JSON like { "sentAt": "…", "events": [ … ] }' })
    let batch
    try {
      batch = JSON.parse(text)
    } catch (error) {
      return json(res, 400, { error: `body is not JSON: ${error.message}` })
    }
    const problem = validateBatch(batch)
    if (problem) {
      log(`POST /collect 400 ${problem}`)
      return json(res, 400, { error: problem })
    }

    let result
    try {
      result = await store.add(batch)
    } catch (error) {
      // Not stored: a 5xx makes journeykit keep the batch and retry it later.
      log(`POST /collect 503 could not write ${store.dataFile}: ${error.message}`)
      return json(res, 503, { error: 'could not store the events; try again later' }, { 'Retry-After': '5' })
    }
    log(
      `POST /collect 200 +${result.accepted} event${result.accepted === 1 ? '' : 's'}` +
        (result.duplicates ? ` (${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'} ignored)` : '') +
        (batch.dropped ? ` (client dropped ${batch.dropped})` : '') +
        (batch.events.length ? ` · ${batch.events.map((e) => `${e.type === 'page' ? e.context.path : e.name}`).join(', ')}` : ''),
    )
    json(res, 200, { accepted: result.accepted, duplicates: result.duplicates })
    if (result.accepted > 0) broadcast('update', { visitors: result.visitors, accepted: result.accepted })
  }

  function tooLarge(req, res) {
    json(res, 413, { error: `body is larger than ${bodyLimit} bytes` }, { Connection: 'close' })
    // Stop reading what is left; the connection closes once the answer is out.
    req.pause()
  }

  // --- live updates ----------------------------------------------------------------------------

  function live(req, res) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    })
    // `retry` makes a disconnected page come back quickly after a collector restart.
    res.write('retry: 2000\n: connected\n\n')
    listeners.add(res)
    req.on('close', () => listeners.delete(res))
  }

  function broadcast(type, data) {
    const message = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`
    for (const res of listeners) res.write(message)
  }

  // A comment every 15 s keeps idle connections from being cut by proxies and lets the page
  // notice a dead server.
  const heartbeat = setInterval(() => {
    for (const res of listeners) res.write(': ping\n\n')
  }, 15_000)
  heartbeat.unref()

  // --- helpers -------------------------------------------------------------------------------

  function summaries() {
    return store
      .visitorIds()
      .map((id) => summarize(id, store.visitor(id), { conversions, dropped: store.droppedFor(id) }))
      .sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))
  }

  const origin = () => `http://${host.includes(':') ? `[${host}]` : host}:${server.address().port}`

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })

  return {
    url: origin(),
    collectUrl: `${origin()}/collect`,
    port: server.address().port,
    store,
    /** Stops listening, ends live connections and waits for pending writes. */
    async close() {
      clearInterval(heartbeat)
      for (const res of listeners) res.end()
      listeners.clear()
      await new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await store.settle()
    },
  }
}

// Any origin may send events: journeykit sends no cookies and the collector has no secrets to
// protect. The Origin is echoed (rather than `*`) so that a client that sends credentials
// (sendBeacon always does) is allowed too. A production collector would list its sites here.
function cors(req, res) {
  const origin = req.headers.origin
  if (!origin) return
  res.setHeader('Access-Control-Allow-Origin', origin)
  res.setHeader('Access-Control-Allow-Credentials', 'true')
  // A cross-origin page can read only the headers listed here: journeykit honours Retry-After.
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After')
  res.setHeader('Vary', 'Origin')
}

// Pre-flight: only needed when a site sets `headers` or sends `application/json`.
function preflight(req, res) {
  res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS')
  const asked = req.headers['access-control-request-headers']
  if (asked) res.setHeader('Access-Control-Allow-Headers', asked)
  // Chrome's Private Network Access asks before a public page may reach a local server.
  if (req.headers['access-control-request-private-network'] === 'true') {
    res.setHeader('Access-Control-Allow-Private-Network', 'true')
  }
  res.setHeader('Access-Control-Max-Age', '86400')
  res.writeHead(204).end()
}

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}

function html(res, status, body) {
  // Only the page's own nonce'd script runs: the map shows whatever pages sent it.
  const nonce = /<script nonce="([^"]+)"/.exec(body)?.[1]
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; script-src ${nonce ? `'nonce-${nonce}'` : "'none'"}; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(body)
}

const nonce = () => randomBytes(16).toString('base64')

// Run standalone: `node examples/collector/server.mjs`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const collector = await startCollector({
    port: Number(process.env.PORT ?? 8787),
    host: process.env.HOST ?? '127.0.0.1',
    dataFile: process.env.DATA_FILE ?? DEFAULT_DATA_FILE,
    log: (line) => console.log(line),
  })
  console.log(`journeykit collector listening on ${collector.url}
  send events to  ${collector.collectUrl}
  journey map at  ${collector.url}/
  storing in      ${collector.store.dataFile} (${collector.store.records().length} events loaded)`)
  const stop = async () => {
    await collector.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
