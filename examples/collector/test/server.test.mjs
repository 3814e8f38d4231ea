// The collector over real HTTP on a random port, with its store in a temporary directory.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { startCollector } from '../server.mjs'
import { batch, event, shopJourney } from '../test-fixtures.mjs'

const dirs = []
function tempFile() {
  const dir = mkdtempSync(join(tmpdir(), 'journeykit-collector-'))
  dirs.push(dir)
  return join(dir, 'data', 'events.ndjson')
}
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

const post = (collector, body, headers = { 'content-type': 'text/plain;charset=UTF-8' }) =>
  fetch(collector.collectUrl, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })

describe('accepting batches', () => {
  let collector
  before(async () => {
    collector = await startCollector({ port: 0, dataFile: tempFile(), bodyLimit: 50_000 })
  })
  after(() => collector.close())

  test('parses the body as JSON whatever the content type', async () => {
    for (const type of ['text/plain;charset=UTF-8', 'application/json', 'application/x-www-form-urlencoded']) {
      const res = await post(collector, batch([event()]), { 'content-type': type })
      assert.equal(res.status, 200, type)
      assert.deepEqual(await res.json(), { accepted: 1, duplicates: 0 })
    }
  })

  test('answers CORS for any origin, including the pre-flight', async () => {
    const origin = 'https://shop.example'
    const res = await post(collector, batch([event()]), { 'content-type': 'application/json', origin })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('access-control-allow-origin'), origin)
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true')
    assert.equal(res.headers.get('access-control-expose-headers'), 'Retry-After')

    const pre = await fetch(collector.collectUrl, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-site-key' },
    })
    assert.equal(pre.status, 204)
    assert.equal(pre.headers.get('access-control-allow-origin'), origin)
    assert.match(pre.headers.get('access-control-allow-methods'), /POST/)
    assert.equal(pre.headers.get('access-control-allow-headers'), 'content-type,x-site-key')
  })

  const malformed = [
    ['not JSON', '{"sentAt": "2026-11-22T10:00:00Z", events: []', /body is not JSON/],
    ['empty', '', /body is empty/],
    ['not an object', '[1,2,3]', /body must be a JSON object/],
    ['no sentAt', JSON.stringify({ events: [] }), /sentAt must be/],
    ['no events array', JSON.stringify({ sentAt: new Date().toISOString(), events: {} }), /events must be an array/],
    ['bad dropped', JSON.stringify(batch([], { dropped: -1 })), /dropped must be/],
    ['event without id', JSON.stringify(batch([event(), event({ id: undefined })])), /^events\[1\]\.id must be a non-empty string$/],
    ['numeric id', JSON.stringify(batch([event({ id: 42 })])), /events\[0\]\.id/],
    ['unknown type', JSON.stringify(batch([event({ type: 'click' })])), /events\[0\]\.type must be "page", "track" or "identify"/],
    ['no name', JSON.stringify(batch([event({ name: undefined })])), /events\[0\]\.name/],
    ['bad timestamp', JSON.stringify(batch([event({ timestamp: 'yesterday' })])), /events\[0\]\.timestamp must be an ISO 8601 date string/],
    ['props array', JSON.stringify(batch([event({ props: [] })])), /events\[0\]\.props must be an object/],
    ['no context', JSON.stringify(batch([{ ...event(), context: undefined }])), /events\[0\]\.context must be an object/],
    ['phase_change without from/to', JSON.stringify(batch([event({ name: 'phase_change', props: { to: 'decision' } })])), /phase_change/],
  ]
  for (const [what, body, message] of malformed) {
    test(`refuses a malformed body with a 400 that says what is wrong: ${what}`, async () => {
      const res = await post(collector, body)
      assert.equal(res.status, 400)
      assert.match(res.headers.get('content-type'), /application\/json/)
      const { error } = await res.json()
      assert.match(error, message)
    })
  }

  test('refuses a batch with one bad event whole', async () => {
    const good = event({ anonymousId: 'anon-half' })
    const res = await post(collector, batch([good, event({ anonymousId: 'anon-half', timestamp: 12 })]))
    assert.equal(res.status, 400)
    assert.equal(collector.store.visitor('anon-half'), undefined)
  })

  test('refuses bodies over the size limit with 413', async () => {
    const big = batch([event({ props: { blob: 'x'.repeat(60_000) } })])
    const res = await post(collector, big)
    assert.equal(res.status, 413)
    assert.match((await res.json()).error, /larger than 50000 bytes/)
  })

  test('refuses a streamed body that grows past the limit with 413', async () => {
    // No Content-Length: the limit must hold while reading, not only from the header.
    const status = await new Promise((resolve, reject) => {
      const req = request(collector.collectUrl, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume()
        resolve(res.statusCode)
      })
      req.on('error', reject)
      req.write('{"sentAt":"2026-11-22T10:00:00Z","events":[{"props":"')
      req.write('x'.repeat(60_000))
      req.end()
    })
    assert.equal(status, 413)
  })

  test('refuses other methods on /collect', async () => {
    const res = await fetch(collector.collectUrl)
    assert.equal(res.status, 405)
    assert.equal(res.headers.get('allow'), 'POST, OPTIONS')
  })
})

describe('de-duplication and storage', () => {
  test('stores each event id once, across retries and restarts', async () => {
    const dataFile = tempFile()
    const events = shopJourney('anon-dedup')
    let collector = await startCollector({ port: 0, dataFile })
    assert.deepEqual(await (await post(collector, batch(events.slice(0, 5)))).json(), { accepted: 5, duplicates: 0 })
    // A retry of the same batch, sent twice at once (the answer to the first was lost).
    const [a, b] = await Promise.all([post(collector, batch(events.slice(0, 8))), post(collector, batch(events.slice(0, 8)))])
    const results = [await a.json(), await b.json()]
    assert.equal(results[0].accepted + results[1].accepted, 3)
    assert.equal(results[0].duplicates + results[1].duplicates, 13)
    await collector.close()

    collector = await startCollector({ port: 0, dataFile })
    assert.equal(collector.store.records().length, 8)
    const res = await post(collector, batch(events))
    assert.deepEqual(await res.json(), { accepted: events.length - 8, duplicates: 8 })
    await collector.close()

    const lines = readFileSync(dataFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line))
    assert.deepEqual(lines.map((line) => line.event.id), events.map((e) => e.id))
    assert.ok(lines.every((line) => line.receivedAt && line.sentAt))
    assert.deepEqual(lines[0].event, events[0], 'the event is stored exactly as sent')
  })

  test('tolerates a torn last line and keeps appending on a line of its own', async () => {
    const dataFile = tempFile()
    let collector = await startCollector({ port: 0, dataFile })
    const [first, second, third] = shopJourney('anon-torn')
    await post(collector, batch([first, second]))
    await collector.close()
    // A crash in the middle of a write leaves half a line.
    appendFileSync(dataFile, JSON.stringify({ receivedAt: 'x', sentAt: 'x', event: third }).slice(0, 40))

    const notices = []
    collector = await startCollector({ port: 0, dataFile, log: (line) => notices.push(line) })
    assert.equal(collector.store.records().length, 2)
    assert.match(notices.join('\n'), /torn last line/)
    // The torn event was never acknowledged, so the client sends it again.
    assert.deepEqual(await (await post(collector, batch([third]))).json(), { accepted: 1, duplicates: 0 })
    await collector.close()

    collector = await startCollector({ port: 0, dataFile })
    assert.deepEqual(collector.store.visitor('anon-torn').map((r) => r.event.id), [first.id, second.id, third.id])
    await collector.close()
  })

  test('skips a corrupt line in the middle and loads the rest', async () => {
    const dataFile = tempFile()
    let collector = await startCollector({ port: 0, dataFile })
    const [first, second] = shopJourney('anon-corrupt')
    await post(collector, batch([first]))
    await collector.close()
    appendFileSync(dataFile, 'garbage\n')
    writeFileSync(dataFile, readFileSync(dataFile, 'utf8') + JSON.stringify({ receivedAt: 'x', sentAt: 'x', event: second }) + '\n')
    collector = await startCollector({ port: 0, dataFile })
    assert.equal(collector.store.records().length, 2)
    await collector.close()
  })

  test('answers 503 with Retry-After when it cannot write, and stores the retry once it can', async () => {
    const dataFile = tempFile()
    const collector = await startCollector({ port: 0, dataFile })
    const events = shopJourney('anon-disk')
    // The store's path turns into a directory: every append fails (EISDIR), even as root.
    rmSync(dataFile, { force: true })
    mkdirSync(dataFile)
    const failed = await post(collector, batch(events))
    assert.equal(failed.status, 503)
    assert.equal(failed.headers.get('retry-after'), '5')
    assert.equal(collector.store.visitor('anon-disk'), undefined)
    rmSync(dataFile, { recursive: true })
    assert.deepEqual(await (await post(collector, batch(events))).json(), { accepted: events.length, duplicates: 0 })
    await collector.close()
  })

  test('keeps the count of events a client reported dropping', async () => {
    const dataFile = tempFile()
    let collector = await startCollector({ port: 0, dataFile })
    await post(collector, batch([event({ anonymousId: 'anon-full' })], { dropped: 7 }))
    await collector.close()
    collector = await startCollector({ port: 0, dataFile })
    assert.equal(collector.store.droppedFor('anon-full'), 7)
    const { summary } = await (await fetch(`${collector.url}/api/visitors/anon-full`)).json()
    assert.equal(summary.dropped, 7)
    await collector.close()
  })
})

describe('live updates', () => {
  test('tells Server-Sent Events listeners which visitors got new events', async () => {
    const collector = await startCollector({ port: 0, dataFile: tempFile() })
    const controller = new AbortController()
    const res = await fetch(`${collector.url}/live`, { signal: controller.signal })
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type'), /^text\/event-stream/)
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
    const data = JSON.parse(/event: update\ndata: (.*)\n/.exec(received)[1])
    assert.deepEqual(data, { visitors: ['anon-live'], accepted: 3 })

    // A batch of duplicates stores nothing and announces nothing; the next real one does.
    received = ''
    await post(collector, batch(events.slice(0, 3)))
    await post(collector, batch(events.slice(3, 4)))
    await next(/event: update\ndata: .*\n\n/)
    assert.deepEqual(JSON.parse(/data: (.*)\n/.exec(received)[1]), { visitors: ['anon-live'], accepted: 1 })

    controller.abort()
    await collector.close()
  })

  test('close() ends open live connections', async () => {
    const collector = await startCollector({ port: 0, dataFile: tempFile() })
    const res = await fetch(`${collector.url}/live`)
    const reading = res.text()
    await collector.close()
    assert.match(await reading, /: connected/)
  })
})
