// The collector over real HTTP on a random port, against each database (test-backends.mjs).
import { test, describe, after } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { startCollector } from '../server.mjs'
import { openDuckDB } from '../store/duckdb.mjs'
import { openPostgres } from '../store/postgres.mjs'
import { COLUMNS } from '../store/rows.mjs'
import { BACKENDS, cleanUp } from '../test-backends.mjs'
import { batch, event, shopJourney } from '../test-fixtures.mjs'

after(cleanUp)

const post = (collector, body, headers = { 'content-type': 'text/plain;charset=UTF-8' }) =>
  fetch(collector.collectUrl, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
const get = (collector, path, headers) => fetch(`${collector.url}${path}`, { headers })
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const openClient = (options) => (options.schema ? openPostgres(options.database, { schema: options.schema }) : openDuckDB(options.database))

/** A database client whose next `failures` writes do their work, wait, then fail (and are rolled back): a failing disk. */
async function failingClient(options, failures) {
  const real = await openClient(options)
  let left = failures
  return {
    ...real,
    write(fn) {
      if (left <= 0) return real.write(fn)
      left--
      return real.write(async (tx) => {
        await fn(tx)
        await sleep(200)
        throw new Error('no space left on device')
      })
    },
  }
}

for (const backend of BACKENDS) {
  describe(`collector on ${backend.name}`, { skip: backend.skip }, () => {
    test('parses the body as JSON whatever the content type and stores each event', async () => {
      const collector = await startCollector({ port: 0, ...backend.options() })
      try {
        for (const type of ['text/plain;charset=UTF-8', 'application/json', 'application/x-www-form-urlencoded']) {
          const res = await post(collector, batch([event()]), { 'content-type': type })
          assert.equal(res.status, 200, type)
          assert.deepEqual(await res.json(), { accepted: 1, duplicates: 0, clamped: 0 })
        }
        assert.equal(await collector.store.count(), 3)
      } finally {
        await collector.close()
      }
    })

    test('CORS only on /collect: pages, API and live stream stay same-origin', async () => {
      const collector = await startCollector({ port: 0, ...backend.options() })
      const origin = 'https://elsewhere.example'
      try {
        const res = await post(collector, batch([event()]), { 'content-type': 'application/json', origin })
        assert.equal(res.status, 200)
        assert.equal(res.headers.get('access-control-allow-origin'), origin)
        assert.equal(res.headers.get('access-control-expose-headers'), 'Retry-After')
        const pre = await fetch(collector.collectUrl, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type', 'access-control-request-private-network': 'true' },
        })
        assert.equal(pre.status, 204)
        assert.equal(pre.headers.get('access-control-allow-origin'), origin)
        assert.equal(pre.headers.get('access-control-allow-private-network'), 'true')

        for (const path of ['/', '/api/visitors', '/api/map', '/api/visitors/anon-1', '/visitor/anon-1']) {
          const answer = await get(collector, path, { origin })
          assert.equal(answer.status, 200, path)
          assert.equal(answer.headers.get('access-control-allow-origin'), null, `${path} must not allow another origin`)
          assert.equal(answer.headers.get('access-control-allow-credentials'), null, path)
        }
        const controller = new AbortController()
        const live = await fetch(`${collector.url}/live`, { headers: { origin }, signal: controller.signal })
        assert.equal(live.headers.get('access-control-allow-origin'), null, '/live')
        controller.abort()
        const preApi = await fetch(`${collector.url}/api/visitors`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-private-network': 'true' },
        })
        assert.equal(preApi.status, 405)
        assert.equal(preApi.headers.get('access-control-allow-origin'), null)
        assert.equal(preApi.headers.get('access-control-allow-private-network'), null)
      } finally {
        await collector.close()
      }
    })

    test('stores each event id once, across retries and a restart', async () => {
      const options = backend.options('dedup')
      const events = shopJourney('anon-dedup')
      let collector = await startCollector({ port: 0, ...options })
      assert.deepEqual(await (await post(collector, batch(events.slice(0, 8)))).json(), { accepted: 8, duplicates: 0, clamped: 0 })
      // The same ids twice in one batch, and a retry overlapping the first batch.
      assert.deepEqual(await (await post(collector, batch([...events.slice(6), events[13]]))).json(), { accepted: 6, duplicates: 3, clamped: 0 })
      await collector.close()
      collector = await startCollector({ port: 0, ...backend.options('dedup') })
      try {
        assert.deepEqual(await (await post(collector, batch(events))).json(), { accepted: 0, duplicates: 14, clamped: 0 })
        assert.equal(await collector.store.count(), 14)
      } finally {
        await collector.close()
      }
    })

    test('a duplicate that arrives while the first copy is failing to be written is stored before it is acknowledged', async () => {
      const options = backend.options()
      const collector = await startCollector({ port: 0, ...options, retentionDays: null, client: await failingClient(options, 1) })
      try {
        const events = shopJourney('anon-race')
        const first = post(collector, batch(events))
        await sleep(50)
        const second = await post(collector, batch(events))
        assert.equal((await first).status, 503)
        assert.equal(second.status, 200)
        assert.equal((await second.json()).accepted, events.length, 'the duplicate is what got stored')
        assert.equal(await collector.store.count(), events.length)
      } finally {
        await collector.close()
      }
    })

    test('a retry after a 503 is stored, not acknowledged as a duplicate', async () => {
      const options = backend.options()
      const collector = await startCollector({ port: 0, ...options, retentionDays: null, client: await failingClient(options, 1) })
      try {
        const events = shopJourney('anon-retry')
        const failed = await post(collector, batch(events))
        assert.equal(failed.status, 503)
        assert.equal(failed.headers.get('retry-after'), '5')
        assert.equal(await collector.store.count(), 0)
        assert.deepEqual(await (await post(collector, batch(events))).json(), { accepted: events.length, duplicates: 0, clamped: 0 })
        assert.equal(await collector.store.count(), events.length)
      } finally {
        await collector.close()
      }
    })

    test('a timestamp far in the future or past is clamped, and the list still answers, also after a restart', async () => {
      const options = backend.options('clock')
      let collector = await startCollector({ port: 0, ...options })
      const future = event({ anonymousId: 'anon-clock', timestamp: '+275760-09-13T00:00:00.000Z' })
      const past = event({ anonymousId: 'anon-clock', timestamp: '1970-01-01T00:00:00.000Z' })
      const res = await post(collector, batch([future, past, event({ anonymousId: 'anon-fine' })]))
      assert.deepEqual(await res.json(), { accepted: 3, duplicates: 0, clamped: 2 })
      await collector.close()
      collector = await startCollector({ port: 0, ...backend.options('clock') })
      try {
        for (const path of ['/', '/?period=all', '/api/visitors', '/api/map', '/visitor/anon-clock']) assert.equal((await get(collector, path)).status, 200, path)
        // The event from 1970 was clamped to a year ago: the visitor arrived then.
        const { visitors } = await (await get(collector, '/api/visitors?period=all')).json()
        assert.deepEqual(visitors.map((v) => v.anonymousId).sort(), ['anon-clock', 'anon-fine'])
        const lastSeen = Date.parse(visitors.find((v) => v.anonymousId === 'anon-clock').lastSeen)
        assert.ok(lastSeen <= Date.now(), 'no visitor is seen in the future')
        const { steps } = await (await get(collector, '/api/visitors/anon-clock')).json()
        for (const step of steps) assert.ok(Math.abs(Date.parse(step.time) - Date.now()) < 367 * 86_400_000, step.time)
      } finally {
        await collector.close()
      }
    })

    test('a visitor with 130,000 events: the list, the map and their page answer, showing their latest events', { timeout: 120_000 }, async () => {
      const options = backend.options()
      const client = await openClient(options)
      // Generated in the database: 130 batches over HTTP would only test the network.
      const start = Date.now() - 86_400_000
      await client.write((tx) =>
        tx.query(
          `INSERT INTO events (${COLUMNS.join(', ')})
           SELECT 'busy-' || CAST(i AS TEXT), 'anon-busy', 'session-1', NULL, 'track', 'engagement', 'awareness',
             ${start} + i * 100, ${start} + i * 100, ${start} + i * 100, ${start} + i * 100,
             '/', 'http://shop.test/', 'Shop', '', 'email', 'newsletter', 'email', 'nov', NULL, NULL, NULL, NULL,
             'desktop', NULL, NULL, NULL, '{}', '{"url":"http://shop.test/","path":"/"}'
           FROM generate_series(1, 130000) AS g(i)`,
        ),
      )
      const collector = await startCollector({ port: 0, ...options, client })
      await collector.store.rebuildVisitors(['anon-busy'])
      try {
        for (const path of ['/', '/api/visitors', '/api/map']) assert.equal((await get(collector, path)).status, 200, path)
        const page = await get(collector, '/visitor/anon-busy')
        assert.equal(page.status, 200)
        assert.match(await page.text(), /The map shows the latest 2000 of 130000 events/)
        const { summary, steps } = await (await get(collector, '/api/visitors/anon-busy')).json()
        assert.equal(summary.events, 130_000)
        assert.equal(steps.length, 2000)
        assert.equal(steps.at(-1).id, 'busy-130000')
      } finally {
        await collector.close()
      }
    })

    test('a retried batch counts its dropped events once', async () => {
      const collector = await startCollector({ port: 0, ...backend.options() })
      try {
        const events = shopJourney('anon-full').slice(0, 3)
        for (let i = 0; i < 3; i++) assert.equal((await post(collector, batch(events, { dropped: 7 }))).status, 200)
        await post(collector, batch(shopJourney('anon-full').slice(3, 4), { dropped: 2 }))
        const { summary } = await (await get(collector, '/api/visitors/anon-full')).json()
        assert.equal(summary.dropped, 9)
      } finally {
        await collector.close()
      }
    })

    test('limits: nesting depth, events per batch, field lengths, body size, events per visitor', async () => {
      const collector = await startCollector({ port: 0, ...backend.options(), bodyLimit: 200_000, maxEventsPerBatch: 50, maxEventsPerVisitor: 60 })
      try {
        const deep = JSON.stringify(batch([event({ props: { x: JSON.parse('['.repeat(40) + ']'.repeat(40)) } })]))
        let res = await post(collector, deep)
        assert.equal(res.status, 400)
        assert.match((await res.json()).error, /nests deeper than 32 levels/)
        res = await post(collector, '['.repeat(150_000))
        assert.equal(res.status, 400)

        res = await post(collector, batch(Array.from({ length: 51 }, () => event({ anonymousId: 'anon-many' }))))
        assert.equal(res.status, 413)
        assert.match((await res.json()).error, /at most 50 events; this one has 51/)

        res = await post(collector, batch([event({ id: 'x'.repeat(129) })]))
        assert.equal(res.status, 400)
        assert.match((await res.json()).error, /events\[0\]\.id is longer than 128 characters/)
        res = await post(collector, batch([event({ context: { path: '/' + 'p'.repeat(3000) } })]))
        assert.match((await res.json()).error, /context\.path is longer than 2048/)

        res = await post(collector, batch([event({ props: { blob: 'x'.repeat(210_000) } })]))
        assert.equal(res.status, 413)

        const own = (n) => Array.from({ length: n }, () => event({ anonymousId: 'anon-capped' }))
        assert.equal((await post(collector, batch(own(40)))).status, 200)
        res = await post(collector, batch(own(30)))
        assert.equal(res.status, 403)
        assert.match((await res.json()).error, /anon-capped has reached the limit of 60 stored events/)
        const { summary } = await (await get(collector, '/api/visitors/anon-capped')).json()
        assert.equal(summary.events, 40, 'a refused batch stores nothing')
      } finally {
        await collector.close()
      }
    })

    test('refuses malformed bodies with a 400 that says what is wrong', async () => {
      const collector = await startCollector({ port: 0, ...backend.options() })
      const malformed = [
        ['{"sentAt": "2026-11-22T10:00:00Z", events: []', /body is not JSON/],
        ['', /body is empty/],
        ['[1,2,3]', /body must be a JSON object/],
        [JSON.stringify({ events: [] }), /sentAt must be/],
        [JSON.stringify(batch([], { dropped: -1 })), /dropped must be/],
        [JSON.stringify(batch([event(), event({ id: undefined })])), /^events\[1\]\.id must be a non-empty string$/],
        [JSON.stringify(batch([event({ type: 'click' })])), /events\[0\]\.type must be "page", "track" or "identify"/],
        [JSON.stringify(batch([event({ timestamp: 'yesterday' })])), /events\[0\]\.timestamp must be an ISO 8601 date string/],
        [JSON.stringify(batch([{ ...event(), context: undefined }])), /events\[0\]\.context must be an object/],
        [JSON.stringify(batch([event({ name: 'phase_change', props: { to: 'decision' } })])), /phase_change/],
      ]
      try {
        for (const [body, message] of malformed) {
          const res = await post(collector, body)
          assert.equal(res.status, 400, body)
          assert.match((await res.json()).error, message)
        }
        // A streamed body that grows past the limit, with no Content-Length.
        const status = await new Promise((resolve, reject) => {
          const req = request(collector.collectUrl, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
            res.resume()
            resolve(res.statusCode)
          })
          req.on('error', reject)
          req.write('{"sentAt":"2026-11-22T10:00:00Z","events":[{"props":"')
          req.write('x'.repeat(1_100_000))
          req.end()
        })
        assert.equal(status, 413)
        assert.equal((await fetch(collector.collectUrl)).status, 405)
        assert.equal(await collector.store.count(), 0)
      } finally {
        await collector.close()
      }
    })

    test('retention deletes events older than the setting and keeps the rest', async () => {
      const collector = await startCollector({ port: 0, ...backend.options(), retentionDays: 30 })
      try {
        const now = Date.now()
        const old = shopJourney('anon-old', now - 40 * 86_400_000)
        await collector.store.add({ sentAt: old.at(-1).timestamp, events: old }, { receivedAt: now - 40 * 86_400_000 })
        await collector.store.add(batch(shopJourney('anon-new', now - 60_000)))
        assert.equal(await collector.sweep(), old.length)
        const { visitors } = await (await get(collector, '/api/visitors?period=all')).json()
        assert.deepEqual(visitors.map((v) => v.anonymousId), ['anon-new'])
      } finally {
        await collector.close()
      }
    })

    test('tells Server-Sent Events listeners which visitors got new events', async () => {
      const collector = await startCollector({ port: 0, ...backend.options() })
      const controller = new AbortController()
      try {
        const res = await fetch(`${collector.url}/live`, { signal: controller.signal })
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let received = ''
        const next = async (pattern) => {
          while (!pattern.test(received)) {
            const { value, done } = await reader.read()
            if (done) throw new Error(`stream ended; got ${received}`)
            received += value
          }
        }
        await next(/: connected/)
        const events = shopJourney('anon-live')
        await post(collector, batch(events.slice(0, 3)))
        await next(/event: update\ndata: .*\n\n/)
        assert.deepEqual(JSON.parse(/event: update\ndata: (.*)\n/.exec(received)[1]), { visitors: ['anon-live'], accepted: 3 })
        // A batch of duplicates announces nothing; the next real one does.
        received = ''
        await post(collector, batch(events.slice(0, 3)))
        await post(collector, batch(events.slice(3, 4)))
        await next(/event: update\ndata: .*\n\n/)
        assert.deepEqual(JSON.parse(/data: (.*)\n/.exec(received)[1]), { visitors: ['anon-live'], accepted: 1 })
      } finally {
        controller.abort()
        await collector.close()
      }
    })
  })
}

describe('defaults', () => {
  test('binds 127.0.0.1 by default, also when HOST is set but empty', async () => {
    for (const host of [undefined, '']) {
      const collector = await startCollector({ port: 0, host, ...BACKENDS[0].options() })
      try {
        assert.equal(collector.host, '127.0.0.1')
        assert.match(collector.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      } finally {
        await collector.close()
      }
    }
  })
})
