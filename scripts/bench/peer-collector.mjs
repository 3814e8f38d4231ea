// The collector of `npm run bench -- --peers`: one server on 127.0.0.1 that accepts what each
// product sends, in its own wire format, and answers the way that product's own backend does,
// so that every SDK sees its batches acknowledged and removes them from its queue:
//
//   POST /journeykit                            { events: [{ id, … }] }            → 200 JSON
//   POST /com.snowplowanalytics.snowplow/tp2    { schema, data: [{ eid, … }] }     → 200 (Snowplow's default path)
//   POST /amplitude                             { api_key, events: [{ insert_id }] } → 200 { code: 200, … }
//   POST /plausible                             { n, u, d, p }  (one event a request) → 202
//
// It counts requests, body bytes, events, distinct event ids and, for a run's marker string,
// how many of the received events carry it (the bench puts the marker in every tracked event's
// properties, so page views and other automatic events of an SDK are told apart).
import { createServer } from 'node:http'

/** Where each product's events sit in one request body, and which field is the event id. */
const FORMATS = {
  journeykit: { path: '/journeykit', events: (body) => body.events ?? [], id: (e) => e.id, answer: [200, 'application/json', '{"ok":true}'] },
  snowplow: { path: '/com.snowplowanalytics.snowplow/tp2', events: (body) => body.data ?? [], id: (e) => e.eid, answer: [200, 'text/plain', 'ok'] },
  amplitude: {
    path: '/amplitude',
    events: (body) => body.events ?? [],
    id: (e) => e.insert_id,
    answer: (events, bytes) => [200, 'application/json', JSON.stringify({ code: 200, events_ingested: events.length, payload_size_bytes: bytes, server_upload_time: Date.now() })],
  },
  // Plausible sends one event per request and has no event id.
  plausible: { path: '/plausible', events: (body) => [body], id: () => undefined, answer: [202, 'text/plain', 'ok'] },
}

function emptyTotals() {
  return { requests: 0, failed: 0, bodyBytes: 0, events: 0, marked: 0, markedIds: new Map() }
}

/**
 * Starts the collector. `collectorUrl(product)` is the URL to configure each SDK with;
 * `counts(product, marker)` says what arrived so far: requests, body bytes, events, events that
 * carry `marker`, and how many of those were copies of an id already received.
 */
export async function startPeerCollector() {
  const totals = Object.fromEntries(Object.keys(FORMATS).map((name) => [name, emptyTotals()]))
  const byPath = new Map(Object.entries(FORMATS).map(([name, format]) => [format.path, name]))
  /** The marker whose events are counted; set by the bench before each measured step. */
  let marker = ''

  const server = createServer((req, res) => {
    if (req.headers.origin) {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin)
      res.setHeader('Access-Control-Allow-Credentials', 'true')
      // The bench pages are cross-origin isolated (COEP require-corp): a no-cors request such as
      // sendBeacon needs this header on the answer.
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin')
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, GET')
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '')
      res.setHeader('Access-Control-Max-Age', '600')
      return res.writeHead(204).end()
    }
    const product = byPath.get(req.url.split('?')[0])
    if (!product || req.method !== 'POST') return res.writeHead(404).end()
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const t = totals[product]
      t.requests++
      t.bodyBytes += raw.length
      let events
      try {
        events = FORMATS[product].events(JSON.parse(raw.toString('utf8')))
      } catch {
        t.failed++
        return res.writeHead(400).end('not JSON')
      }
      for (const event of events) {
        t.events++
        if (!marker || !JSON.stringify(event).includes(marker)) continue
        t.marked++
        const id = FORMATS[product].id(event) ?? `no-id-${t.marked}`
        t.markedIds.set(id, (t.markedIds.get(id) ?? 0) + 1)
      }
      const answer = FORMATS[product].answer
      const [status, type, text] = typeof answer === 'function' ? answer(events, raw.length) : answer
      res.writeHead(status, { 'Content-Type': type }).end(text)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  return {
    base,
    collectorUrl: (product) => base + FORMATS[product].path,
    /** Starts counting the events that carry `next` (and forgets the ids of the previous marker). */
    mark(next) {
      marker = next
      for (const t of Object.values(totals)) {
        t.marked = 0
        t.markedIds = new Map()
      }
    },
    counts(product) {
      const t = totals[product]
      return { requests: t.requests, failed: t.failed, bodyBytes: t.bodyBytes, events: t.events, marked: t.marked, unique: t.markedIds.size, copies: t.marked - t.markedIds.size }
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
