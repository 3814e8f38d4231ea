// A journeykit collector and journey map in one small Node server, storing events in DuckDB (or
// PostgreSQL for several collector processes).
//
//   node examples/collector/server.mjs          # http://127.0.0.1:8787
//   DATABASE=postgres://user:pass@127.0.0.1/journeykit node examples/collector/server.mjs
//   node examples/collector/server.mjs --import events.ndjson   # load the old NDJSON store first
//
// Endpoints (see README.md):
//   POST /collect             batches as journeykit sends them (any content type; CORS, only here)
//   GET  /                    the journey map of all visitors, and the visitor list
//   GET  /visitor/:id         one visitor's journey map
//   GET  /live                Server-Sent Events: `update` whenever events are stored
//   GET  /api/map, /api/visitors[/:id]   the same data as JSON
import { createServer } from 'node:http'
import { randomBytes } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { openStore, VisitorCapError } from './store/index.mjs'
import { deviceOf } from './store/rows.mjs'
import { jsonDepthExceeds, MAX_JSON_DEPTH, validateBatch } from './validate.mjs'
import { CONVERSIONS, journeyOf } from './journey.mjs'
import { filterFrom, filterQuery, journeyMap } from './overview.mjs'
import { esc, overviewContent, page, visitorContent } from './views.mjs'

export const DEFAULT_DATABASE = fileURLToPath(new URL('./data/events.duckdb', import.meta.url))

/** How long events are kept by default: 13 months, as analytics tools commonly do. */
export const DEFAULT_RETENTION_DAYS = 395

/**
 * Starts the collector. Resolves once it listens, with its URLs, its `store` and `close()`.
 *
 * @param {object} [options]
 * @param {number} [options.port=8787] 0 picks a free port.
 * @param {string} [options.host='127.0.0.1'] an empty string counts as unset
 * @param {string} [options.database] a DuckDB file (default `examples/collector/data/events.duckdb`), `:memory:`, or a `postgres://` URL
 * @param {string} [options.schema] PostgreSQL only: the schema to use
 * @param {number} [options.bodyLimit=1000000] larger request bodies get 413
 * @param {number} [options.maxEventsPerBatch=1000] batches with more events get 413 (journeykit then sends smaller ones)
 * @param {number} [options.maxEventsPerVisitor=100000] a batch that would store more for one visitor gets 403
 * @param {number|null} [options.retentionDays=395] events older than this are deleted (checked hourly); null keeps everything
 * @param {string[]} [options.conversions] event names that count as a conversion
 * @param {object} [options.client] a database client to use instead of opening `database` (tests inject failures with it)
 * @param {(line: string) => void} [options.log] one line per batch and per notice; silent by default
 * @param {(result: { accepted: number, duplicates: number }) => void} [options.onStored] called after each batch is stored (the benchmark counts with it)
 */
export async function startCollector({
  port = 8787,
  host,
  database = DEFAULT_DATABASE,
  schema,
  bodyLimit = 1_000_000,
  maxEventsPerBatch = 1000,
  maxEventsPerVisitor = 100_000,
  retentionDays = DEFAULT_RETENTION_DAYS,
  conversions = CONVERSIONS,
  client,
  log = () => {},
  onStored = () => {},
} = {}) {
  // `HOST=` (set but empty) must not mean "every interface".
  host = host || '127.0.0.1'
  const store = await openStore({ database, schema, conversions, maxEventsPerVisitor, client })
  const listeners = new Set()

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`error: ${error.stack ?? error}`)
      if (!res.headersSent) json(res, 500, { error: 'internal error' })
      else res.destroy()
    })
  })

  async function handle(req, res) {
    const url = new URL(req.url, 'http://collector')
    const path = url.pathname

    if (path === '/collect') {
      // The only cross-origin route: any site may send events, nobody else's page may read.
      cors(req, res)
      if (req.method === 'OPTIONS') return preflight(req, res)
      if (req.method !== 'POST') return json(res, 405, { error: 'use POST to send events' }, { Allow: 'POST, OPTIONS' })
      return collect(req, res)
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: `${req.method} is not supported here` }, { Allow: 'GET, HEAD' })

    if (path === '/live') return live(req, res)

    if (path === '/' || path === '/api/map' || path === '/api/visitors') {
      const filter = filterFrom(url.searchParams)
      if (path === '/api/visitors') return json(res, 200, { visitors: (await store.visitors(filter)).map(summaryOf) })
      if (path === '/api/map') return json(res, 200, await journeyMap(store, filter))
      const [map, visitors, filterOptions] = await Promise.all([journeyMap(store, filter), store.visitors(filter), store.filterOptions(filter)])
      const content = overviewContent(map, visitors.map(summaryOf), { collectUrl: `${origin()}/collect`, filterOptions })
      if (url.searchParams.has('partial')) return html(res, 200, content)
      const query = filterQuery(filter)
      return html(res, 200, page({ title: 'Journey map', content, nonce: nonce(), partialUrl: `/?${query ? `${query}&` : ''}partial=1` }))
    }

    const visitorMatch = /^\/(api\/visitors|visitor)\/([^/]+)$/.exec(path)
    if (visitorMatch) {
      let id
      try {
        id = decodeURIComponent(visitorMatch[2])
      } catch {
        return json(res, 400, { error: 'the visitor id in the URL is not valid percent-encoding' })
      }
      const api = visitorMatch[1] === 'api/visitors'
      // The live refresh fetches the parsed path, never the raw request URL: `//other-host/…`
      // would otherwise make the page fetch from another host.
      const partialUrl = `/visitor/${encodeURIComponent(id)}?partial=1`
      const [summary] = await store.visitors({ visitor: id }, 1)
      if (!summary) {
        if (api) return json(res, 404, { error: `no visitor ${id}` })
        return html(res, 404, page({ title: 'Unknown visitor', nonce: nonce(), partialUrl, visitor: id, content: `<a class="back" href="/">← Journey map</a><h1>No visitor <code>${esc(id)}</code></h1><p class="muted">No event from this anonymous id has arrived (yet). This page shows the journey as soon as one does.</p>` }))
      }
      const records = await store.visitorEvents(id, VISITOR_EVENTS_SHOWN)
      const journey = { ...journeyOf(id, records, { conversions }), summary: summaryOf(summary) }
      journey.shown = records.length
      if (api) return json(res, 200, journey)
      const content = visitorContent(journey)
      if (url.searchParams.has('partial')) return html(res, 200, content)
      return html(res, 200, page({ title: `Visitor ${id} · journey map`, content, nonce: nonce(), partialUrl, visitor: id }))
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
    if (declared > bodyLimit) return tooLarge(req, res, `body is larger than ${bodyLimit} bytes`)

    const chunks = []
    let size = 0
    for await (const chunk of req) {
      size += chunk.length
      if (size > bodyLimit) return tooLarge(req, res, `body is larger than ${bodyLimit} bytes`)
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
    if (jsonDepthExceeds(text)) return json(res, 400, { error: `body nests deeper than ${MAX_JSON_DEPTH} levels` })
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
    if (batch.events.length > maxEventsPerBatch) {
      // journeykit answers a 413 by sending smaller batches.
      return json(res, 413, { error: `a batch may carry at most ${maxEventsPerBatch} events; this one has ${batch.events.length}` })
    }

    let result
    try {
      result = await store.add(batch, { receivedAt: Date.now(), device: deviceOf(req.headers['user-agent']) })
    } catch (error) {
      if (error instanceof VisitorCapError) {
        log(`POST /collect 403 ${error.message}`)
        return json(res, 403, { error: error.message })
      }
      // Not stored (the transaction was rolled back): a 5xx makes journeykit keep the batch and
      // retry it later, with the same ids.
      log(`POST /collect 503 could not store the batch: ${error.message}`)
      return json(res, 503, { error: 'could not store the events; try again later' }, { 'Retry-After': '5' })
    }
    log(
      `POST /collect 200 +${result.accepted} event${result.accepted === 1 ? '' : 's'}` +
        (result.duplicates ? ` (${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'} ignored)` : '') +
        (result.clamped ? ` (${result.clamped} timestamp${result.clamped === 1 ? '' : 's'} clamped)` : '') +
        (batch.dropped ? ` (client dropped ${batch.dropped})` : ''),
    )
    json(res, 200, { accepted: result.accepted, duplicates: result.duplicates, clamped: result.clamped })
    onStored({ accepted: result.accepted, duplicates: result.duplicates })
    if (result.accepted > 0) broadcast('update', { visitors: result.visitors, accepted: result.accepted })
  }

  function tooLarge(req, res, message) {
    json(res, 413, { error: message }, { Connection: 'close' })
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

  // --- retention -------------------------------------------------------------------------------

  async function sweep() {
    if (retentionDays === null || retentionDays === undefined) return 0
    try {
      const deleted = await store.sweep(retentionDays)
      if (deleted) log(`retention: deleted ${deleted} events older than ${retentionDays} days`)
      return deleted
    } catch (error) {
      log(`retention: could not delete old events: ${error.message}`)
      return 0
    }
  }
  await sweep()
  const sweeper = setInterval(sweep, 3_600_000)
  sweeper.unref()

  const origin = () => `http://${host.includes(':') ? `[${host}]` : host}:${server.address().port}`

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  }).catch(async (error) => {
    await store.close()
    throw error
  })

  return {
    url: origin(),
    collectUrl: `${origin()}/collect`,
    port: server.address().port,
    host,
    store,
    /** Runs the retention sweep now; resolves with the number of events deleted. */
    sweep,
    /** Stops listening, ends live connections and closes the store. */
    async close() {
      clearInterval(heartbeat)
      clearInterval(sweeper)
      for (const res of listeners) res.end()
      listeners.clear()
      await new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await store.close()
    },
  }
}

/** How many of one visitor's events their map shows (the latest ones). */
export const VISITOR_EVENTS_SHOWN = 2000

/** A visitor row from the store, in the shape of the JSON API and the views. */
function summaryOf(row) {
  const iso = (ms) => (ms === null || ms === undefined ? undefined : new Date(ms).toISOString())
  return {
    anonymousId: row.anonymous_id,
    userId: row.user_id ?? null,
    channel: row.channel,
    campaign: row.campaign_name || row.campaign_source ? { name: row.campaign_name ?? undefined, source: row.campaign_source ?? undefined, medium: row.campaign_medium ?? undefined } : undefined,
    phase: row.phase,
    converted: Boolean(row.conversion),
    conversion: row.conversion ? { name: row.conversion, timestamp: iso(row.converted_ts) } : undefined,
    firstSeen: iso(row.first_seen),
    lastSeen: iso(row.last_seen),
    events: row.events,
    sessions: row.sessions,
    dropped: row.dropped,
  }
}

// Any site may send events: journeykit sends no cookies and /collect reveals nothing. The Origin
// is echoed (rather than `*`) so that a client that sends credentials (sendBeacon always does)
// is allowed too. Only /collect gets these headers; the map, the API and /live are same-origin,
// so another site's page cannot read the journeys. A production collector would list its sites.
function cors(req, res) {
  const origin = req.headers.origin
  if (!origin) return
  res.setHeader('Access-Control-Allow-Origin', origin)
  res.setHeader('Access-Control-Allow-Credentials', 'true')
  // A cross-origin page can read only the headers listed here: journeykit honours Retry-After.
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After')
  res.setHeader('Vary', 'Origin')
}

// Pre-flight for /collect: only needed when a site sets `headers` or sends `application/json`.
function preflight(req, res) {
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS')
  const asked = req.headers['access-control-request-headers']
  if (asked) res.setHeader('Access-Control-Allow-Headers', asked)
  // Chrome's Private Network Access asks before a public page may reach a local server: the
  // collect endpoint is meant to be reached that way (a site sending to a local collector).
  if (req.headers['access-control-request-private-network'] === 'true') {
    res.setHeader('Access-Control-Allow-Private-Network', 'true')
  }
  res.setHeader('Access-Control-Max-Age', '86400')
  res.writeHead(204).end()
}

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers })
  res.end(JSON.stringify(body))
}

function html(res, status, body) {
  // Only the page's own nonce'd script runs: the map shows whatever pages sent it.
  const nonce = /<script nonce="([^"]+)"/.exec(body)?.[1]
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; script-src ${nonce ? `'nonce-${nonce}'` : "'none'"}; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(body)
}

const nonce = () => randomBytes(16).toString('base64')

// Run standalone: `node examples/collector/server.mjs [--import file.ndjson] [--export file.ndjson]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const option = (name) => {
    const at = args.indexOf(name)
    return at === -1 ? undefined : args[at + 1]
  }
  const retention = process.env.RETENTION_DAYS
  const collector = await startCollector({
    port: Number(process.env.PORT || 8787),
    host: process.env.HOST,
    database: process.env.DATABASE || DEFAULT_DATABASE,
    retentionDays: retention === 'off' ? null : retention ? Number(retention) : DEFAULT_RETENTION_DAYS,
    log: (line) => console.log(line),
  })
  const importFile = option('--import')
  if (importFile) {
    const result = await collector.store.importNdjson(importFile)
    console.log(`imported ${result.imported} events from ${importFile} (${result.duplicates} already stored, ${result.skipped} lines skipped)`)
  }
  const exportFile = option('--export')
  if (exportFile) console.log(`exported ${await collector.store.exportNdjson(exportFile)} events to ${exportFile}`)
  console.log(`journeykit collector listening on ${collector.url}
  send events to  ${collector.collectUrl}
  journey map at  ${collector.url}/
  storing in      ${collector.store.dialect === 'duckdb' ? process.env.DATABASE || DEFAULT_DATABASE : 'PostgreSQL'} (${await collector.store.count()} events)`)
  const stop = async () => {
    await collector.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
