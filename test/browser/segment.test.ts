/**
 * The Segment-spec script tag (`dist/journeykit-segment.iife.js`) in real Chromium, against a
 * collector on 127.0.0.1 that keeps the spec's `/v1/batch` contract as Segment and RudderStack
 * do: HTTP Basic with the write key as user name (401 otherwise), 400 for a body over 500 KB, a
 * message over 32 KB or bad JSON, 200 for everything else, de-duplication on `messageId`. The
 * delivery scenarios the default format passes (test/browser/delivery.test.ts) pass here too:
 * a burst, leaving the page, an outage, offline, two tabs; and a wrong write key.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, beforeEach, expect, test } from 'vitest'
import type { SegmentMessage } from '../../src/segment'
import {
  describeBrowser,
  openBrowser,
  scriptTagPage,
  setOffline,
  startSite,
  storedEvents,
  waitForJourney,
  waitForStored,
  type BrowserHandle,
  type ScriptTagPageOptions,
  type Site,
} from './harness'

const WRITE_KEY = 'wk_browser_2Qv'
const MAX_BATCH = 500 * 1024
const MAX_MESSAGE = 32 * 1024

interface SegmentRequest {
  at: number
  answeredAt?: number
  headers: IncomingMessage['headers']
  body: string
  messages: SegmentMessage[]
  status?: number
}

/** What a test may make the collector answer (after the contract's own checks pass). */
type Answer = { status?: number; delayMs?: number }

interface SegmentCollector {
  /** `http://127.0.0.1:PORT/v1/batch` */
  url: string
  requests(): SegmentRequest[]
  preflights(): IncomingMessage['headers'][]
  /** Accepted messages, de-duplicated on messageId (the first copy of each). */
  messages(): SegmentMessage[]
  /** How many accepted messages repeated a messageId already accepted. */
  duplicates(): number
  /** Accepted track messages named `event`. */
  named(event: string): SegmentMessage[]
  maxInFlight(): number
  failFor(ms: number, status: number): void
  setPlan(plan: ((request: SegmentRequest) => Answer | undefined) | undefined): void
  waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void>
  summary(): string
  close(): Promise<void>
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  // Authorization is never covered by a wildcard: it must be named.
  'Access-Control-Allow-Headers': 'authorization, content-type',
  'Access-Control-Max-Age': '600',
}

/** The messages of a body, when it is a batch at all (for the record, whatever the answer). */
function readable(body: string): SegmentMessage[] {
  try {
    const batch = (JSON.parse(body) as { batch?: unknown }).batch
    return Array.isArray(batch) ? (batch as SegmentMessage[]) : []
  } catch {
    return []
  }
}

/** Starts a collector keeping the Segment HTTP Tracking API's batch contract. */
async function startSegmentCollector(writeKey = WRITE_KEY): Promise<SegmentCollector> {
  const requests: SegmentRequest[] = []
  const preflights: IncomingMessage['headers'][] = []
  const accepted = new Map<string, SegmentMessage>()
  let duplicates = 0
  let inFlight = 0
  let maxInFlight = 0
  let failUntil = 0
  let failStatus = 500
  let plan: ((request: SegmentRequest) => Answer | undefined) | undefined
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()

  /** The contract's own answer: 401, 400, or undefined when the batch is acceptable. */
  function check(req: IncomingMessage, body: string): { status: number; messages: SegmentMessage[] } {
    const expected = 'Basic ' + Buffer.from(writeKey + ':').toString('base64')
    if (req.headers.authorization !== expected) return { status: 401, messages: [] }
    if (Buffer.byteLength(body) > MAX_BATCH) return { status: 400, messages: [] }
    let parsed: { batch?: unknown }
    try {
      parsed = JSON.parse(body) as { batch?: unknown }
    } catch {
      return { status: 400, messages: [] }
    }
    if (!Array.isArray(parsed.batch)) return { status: 400, messages: [] }
    const messages = parsed.batch as SegmentMessage[]
    if (messages.some((message) => Buffer.byteLength(JSON.stringify(message)) > MAX_MESSAGE)) return { status: 400, messages }
    return { status: 200, messages }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (req.method === 'OPTIONS') {
        preflights.push(req.headers)
        res.writeHead(204, CORS).end()
        return
      }
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/batch')) {
        res.writeHead(404, CORS).end()
        return
      }
      const body = Buffer.concat(chunks).toString('utf8')
      const { status, messages } = check(req, body)
      const record: SegmentRequest = { at: Date.now(), headers: req.headers, body, messages: messages.length ? messages : readable(body) }
      requests.push(record)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      const answer: Answer = status !== 200 ? { status } : record.at < failUntil ? { status: failStatus } : (plan?.(record) ?? {})
      const finish = () => {
        inFlight--
        record.answeredAt = Date.now()
        record.status = answer.status ?? 200
        if (record.status === 200) {
          for (const message of messages) {
            // Segment answers 200 even for a message it then discards (no id, no identity).
            if (!message.messageId || !(message.anonymousId || message.userId)) continue
            if (accepted.has(message.messageId)) duplicates++
            else accepted.set(message.messageId, message)
          }
        }
        res.writeHead(record.status, { ...CORS, 'Content-Type': 'application/json' }).end(record.status === 200 ? '{"success":true}' : '{"success":false}')
      }
      if (answer.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer)
          finish()
        }, answer.delayMs)
        timers.add(timer)
      } else finish()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const collector: SegmentCollector = {
    url: `${origin}/v1/batch`,
    requests: () => [...requests],
    preflights: () => [...preflights],
    messages: () => [...accepted.values()],
    duplicates: () => duplicates,
    named: (event) => [...accepted.values()].filter((message) => message.type === 'track' && message.event === event),
    maxInFlight: () => maxInFlight,
    failFor(ms, status) {
      failUntil = Date.now() + ms
      failStatus = status
    },
    setPlan(next) {
      plan = next
    },
    async waitFor(predicate, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the collector saw ${collector.summary()}`)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    },
    summary() {
      const statuses = requests.map((request) => request.status ?? 'pending').join(',')
      return `${requests.length} POSTs (${statuses}), ${preflights.length} pre-flights, ${accepted.size} messages, ${duplicates} duplicates`
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return collector
}

let collector: SegmentCollector
let site: Site
let browser: BrowserHandle

beforeEach(async (context) => {
  collector = await startSegmentCollector()
  site = await startSite({})
  browser = await openBrowser()
  context.onTestFailed(() => {
    const console = browser.messages().map((m) => `  ${m.type}: ${m.text}`)
    process.stdout.write(`collector: ${collector.summary()}\npage console:\n${console.join('\n') || '  (nothing)'}\n`)
  })
})
afterEach(async () => {
  await browser?.close()
  await site?.close()
  await collector?.close()
})

/** A page loading the Segment script tag the documented way. */
function segmentPage(options: Omit<ScriptTagPageOptions, 'collectorUrl'> & { writeKey?: string } = {}): string {
  const { writeKey = WRITE_KEY, ...rest } = options
  return scriptTagPage({
    ...rest,
    collectorUrl: collector.url,
    src: '/dist/journeykit-segment.iife.js',
    attrs: { 'flush-interval': 200, format: 'segment', 'write-key': writeKey, ...rest.attrs },
  })
}

async function open(path: string, tab?: Awaited<ReturnType<BrowserHandle['newPage']>>) {
  const page = tab ?? (await browser.newPage())
  await page.goto(site.url(path))
  await waitForJourney(page)
  return page
}

async function trackMany(page: Awaited<ReturnType<typeof open>>, name: string, count: number, extra: Record<string, unknown> = {}) {
  await page.evaluate(
    ([name, count, extra]) => {
      for (let i = 0; i < count; i++) window.journey.track(name, { ...extra, i })
    },
    [name, count, extra] as const,
  )
}

/** For each props.i of the accepted `event` messages (matching `filter`): the messageIds it came with, duplicates included. */
function idsByIndex(event: string, filter: (m: SegmentMessage) => boolean = () => true): Map<number, Set<string>> {
  const byIndex = new Map<number, Set<string>>()
  for (const request of collector.requests()) {
    if (request.status !== 200) continue
    for (const message of request.messages) {
      if (message.event !== event || !filter(message)) continue
      const i = message.properties!.i as number
      if (!byIndex.has(i)) byIndex.set(i, new Set())
      byIndex.get(i)!.add(message.messageId)
    }
  }
  return byIndex
}

async function waitForAll(event: string, count: number, timeoutMs = 20_000, filter?: (m: SegmentMessage) => boolean) {
  await collector.waitFor(() => idsByIndex(event, filter).size >= count, timeoutMs, `all ${count} "${event}" messages`)
}

/** Every i of `event` arrived, each under exactly one messageId. */
function expectEachOnceById(event: string, count: number, filter?: (m: SegmentMessage) => boolean) {
  const byIndex = idsByIndex(event, filter)
  expect([...byIndex.keys()].sort((a, b) => a - b)).toEqual([...Array(count).keys()])
  expect([...byIndex.values()].filter((ids) => ids.size > 1), 'a message arrived under more than one messageId').toEqual([])
}

const warnings = () => browser.messages().filter((m) => m.type === 'warning' && m.text.startsWith('[journeykit]')).map((m) => m.text)

describeBrowser('Segment-spec delivery (journeykit-segment.iife.js, real Chromium)', () => {
  test('the collector keeps the contract: 401 without the key, 400 for oversize and bad JSON, de-duplication on messageId', async () => {
    const auth = { Authorization: 'Basic ' + Buffer.from(WRITE_KEY + ':').toString('base64'), 'Content-Type': 'application/json' }
    const message = { type: 'track', event: 'x', messageId: 'm-1', anonymousId: 'a', properties: {}, context: {}, timestamp: new Date().toISOString() }
    const post = (body: string, headers: Record<string, string> = auth) => fetch(collector.url, { method: 'POST', body, headers }).then((r) => r.status)
    expect(await post(JSON.stringify({ batch: [message] }), { 'Content-Type': 'application/json' })).toBe(401)
    expect(await post(JSON.stringify({ batch: [message] }), { ...auth, Authorization: 'Basic ' + Buffer.from('other:').toString('base64') })).toBe(401)
    expect(await post('{"batch":[')).toBe(400)
    expect(await post(JSON.stringify({ batch: [{ ...message, properties: { blob: 'x'.repeat(MAX_MESSAGE) } }] }))).toBe(400)
    expect(await post(JSON.stringify({ batch: Array.from({ length: 20 }, (_, n) => ({ ...message, messageId: `big-${n}`, properties: { blob: 'x'.repeat(30_000) } })) }))).toBe(400)
    expect(await post(JSON.stringify({ batch: [message] }))).toBe(200)
    expect(await post(JSON.stringify({ batch: [message] }))).toBe(200)
    expect(collector.messages()).toHaveLength(1)
    expect(collector.duplicates()).toBe(1)
  })

  test('a page view and a burst of 100 events arrive once each as valid messages, pre-flighted, with the write key', async () => {
    site.setPage('/', segmentPage({ before: "journey.track('stub_first', { n: 1 })" }))
    const page = await open('/')
    await trackMany(page, 'burst', 100)
    await waitForAll('burst', 100)
    expectEachOnceById('burst', 100)
    expect(collector.duplicates()).toBe(0)
    expect(collector.named('stub_first')).toHaveLength(1)
    expect(collector.named('burst').map((m) => m.properties!.i)).toEqual([...Array(100).keys()])

    const messages = collector.messages()
    const views = messages.filter((m) => m.type === 'page')
    expect(views).toHaveLength(1)
    expect(views[0]!.context.page.url).toBe(site.url('/'))
    expect(views[0]!.properties!.url).toBe(site.url('/'))
    for (const message of messages) {
      expect(message.messageId).toMatch(/^[0-9a-f-]{36}$/)
      expect(message.anonymousId).toBeTypeOf('string')
      expect(message.channel).toBe('web')
      expect(message.context.library.name).toBe('journeykit')
      expect(message.context.journey.phase).toBeTypeOf('string')
      expect(message.context.journey.sessionId).toBeTypeOf('string')
    }
    // The write key header makes every cross-origin request pre-flighted (the answer is cached).
    expect(collector.preflights().length).toBeGreaterThan(0)
    expect(String(collector.preflights()[0]!['access-control-request-headers'])).toMatch(/authorization/)
    for (const request of collector.requests()) {
      expect(request.status).toBe(200)
      expect(request.headers['content-type']).toMatch(/^application\/json/)
      expect(Buffer.byteLength(request.body)).toBeLessThanOrEqual(60_000)
      expect(JSON.parse(request.body).sentAt).toMatch(/Z$/)
    }
    expect(browser.errors()).toEqual([])
  })

  test('events tracked right before leaving for a page without journeykit arrive through the exit send', async () => {
    // A long flush interval and fewer events than a batch: only the exit send can deliver them,
    // and no later page of the site will send them again.
    site.setPage('/', segmentPage({ attrs: { 'flush-interval': 600_000 } }))
    site.setPage('/elsewhere', '<!doctype html><title>elsewhere</title><p>no journeykit here</p>')
    const page = await open('/')
    await trackMany(page, 'last_words', 15)
    await page.goto(site.url('/elsewhere'))
    await waitForAll('last_words', 15, 20_000)
    expectEachOnceById('last_words', 15)
    // Pre-flighted like every request with the write key, keep-alive and all.
    expect(collector.preflights().length).toBeGreaterThan(0)
    expect(browser.errors()).toEqual([])
  })

  test('exit sends of about 55 000 bytes with the header fit the keep-alive budget (it counts bodies only)', async () => {
    site.setPage('/', segmentPage({ attrs: { 'flush-interval': 600_000, 'batch-size': 100 } }))
    site.setPage('/elsewhere', '<!doctype html><title>elsewhere</title><p>no journeykit here</p>')
    const page = await open('/')
    // One flush first: the format has then measured how much larger its bodies are than
    // journeykit's, and sizes the exit batches by it.
    await trackMany(page, 'warm_up', 1, { pad: 'p'.repeat(2000) })
    await page.evaluate(() => window.journey.flush())
    await waitForAll('warm_up', 1, 10_000)
    // About 2.6 KB per message: 20 more make 50-60 000 bytes, all sent on the way out (nothing is
    // due before).
    await trackMany(page, 'heavy', 20, { pad: 'p'.repeat(2000) })
    await page.goto(site.url('/elsewhere'))
    await waitForAll('heavy', 20, 20_000)
    expectEachOnceById('heavy', 20)
    const exits = collector.requests().slice(1)
    const total = exits.reduce((bytes, request) => bytes + Buffer.byteLength(request.body), 0)
    expect(total).toBeGreaterThan(50_000)
    expect(total).toBeLessThanOrEqual(60_000)
    expect(browser.errors()).toEqual([])
  })

  test('events tracked right before navigating away all arrive (on the way out or on the next load)', async () => {
    site.setPage('/a', segmentPage({ title: 'A' }))
    site.setPage('/b', segmentPage({ title: 'B' }))
    const page = await browser.newPage()
    const rounds = ['/a', '/b', '/a', '/b', '/a', '/b']
    for (let round = 0; round < rounds.length - 1; round++) {
      await open(rounds[round]!, page)
      await trackMany(page, 'leave', 50, { round })
      await page.goto(site.url(rounds[round + 1]!))
    }
    await waitForJourney(page)
    for (let round = 0; round < rounds.length - 1; round++) {
      const inRound = (m: SegmentMessage) => m.properties!.round === round
      await waitForAll('leave', 50, 20_000, inRound)
      expectEachOnceById('leave', 50, inRound)
    }
    expect(collector.named('leave')).toHaveLength(250)
    expect(browser.errors()).toEqual([])
  })

  test('an endpoint failing with 500 for a few seconds loses nothing; retries carry the same messageIds', async () => {
    site.setPage('/', segmentPage())
    collector.failFor(3000, 500)
    const page = await open('/')
    await trackMany(page, 'during_outage', 40)
    await waitForAll('during_outage', 40, 30_000)
    expectEachOnceById('during_outage', 40)
    const failed = collector.requests().filter((request) => request.status === 500)
    expect(failed.length).toBeGreaterThan(0)
    const accepted = new Set(collector.messages().map((m) => m.messageId))
    const failedIds = failed.flatMap((request) => request.messages.map((m) => m.messageId))
    expect(failedIds.length).toBeGreaterThan(0)
    expect(failedIds.filter((id) => !accepted.has(id))).toEqual([])
    expect(collector.duplicates()).toBe(0)
    expect(browser.errors()).toEqual([])
  })

  test('an offline spell loses nothing', async () => {
    site.setPage('/', segmentPage())
    const page = await open('/')
    await trackMany(page, 'warmup', 1)
    await collector.waitFor(() => collector.named('warmup').length === 1, 20_000, 'the warm-up message')
    await setOffline(browser.context, true)
    await trackMany(page, 'offline', 40)
    await page.evaluate(() => window.journey.flush())
    await waitForStored(page, (events) => events.filter((e) => e.name === 'offline').length === 40, 20_000, 'the offline events in IndexedDB')
    await page.waitForTimeout(1500)
    expect(collector.named('offline')).toEqual([])
    await setOffline(browser.context, false)
    await waitForAll('offline', 40, 30_000)
    expectEachOnceById('offline', 40)
    expect(collector.duplicates()).toBe(0)
    expect(browser.errors()).toEqual([])
  })

  test('two tabs tracking at once deliver every event exactly once, one sender at a time', async () => {
    site.setPage('/', segmentPage())
    collector.setPlan(() => ({ delayMs: 50 }))
    const [left, right] = await Promise.all([open('/'), open('/')])
    await Promise.all([trackMany(left!, 'tab', 100, { tab: 'left' }), trackMany(right!, 'tab', 100, { tab: 'right' })])
    const fromLeft = (m: SegmentMessage) => m.properties!.tab === 'left'
    const fromRight = (m: SegmentMessage) => m.properties!.tab === 'right'
    await waitForAll('tab', 100, 30_000, fromLeft)
    await waitForAll('tab', 100, 30_000, fromRight)
    expectEachOnceById('tab', 100, fromLeft)
    expectEachOnceById('tab', 100, fromRight)
    expect(collector.duplicates()).toBe(0)
    expect(collector.maxInFlight(), 'more than one batch was in flight at once').toBe(1)
    expect(browser.errors()).toEqual([])
  })

  test('a wrong write key: one 401, a warning, nothing more sent from the page, everything kept for the next load', async () => {
    site.setPage('/', segmentPage({ writeKey: 'wrong-key' }))
    const first = await open('/')
    await trackMany(first, 'kept', 20)
    await collector.waitFor(() => collector.requests().some((request) => request.status === 401), 20_000, 'the refused request')
    await trackMany(first, 'kept', 5, { late: true })
    await first.evaluate(() => window.journey.flush())
    await waitForStored(first, (events) => events.filter((e) => e.name === 'kept').length === 25, 20_000, 'the 25 events kept in IndexedDB')
    // Several flush intervals, a hidden and visible page, going offline and online: still one request.
    await first.waitForTimeout(1500)
    await setOffline(browser.context, true)
    await setOffline(browser.context, false)
    await first.waitForTimeout(500)
    const refused = collector.requests()
    expect(refused.map((request) => request.status)).toEqual([401])
    expect(warnings().filter((text) => text === '[journeykit] write_key_refused')).toHaveLength(1)
    const storedIds = new Set((await storedEvents(first)).filter((e) => e.name === 'kept').map((e) => e.id))
    expect(storedIds.size).toBe(25)
    await first.close()

    // The site fixes its key: the next load delivers every kept event under its stored id.
    site.setPage('/', segmentPage())
    await open('/')
    await waitForAll('kept', 20, 20_000, (m) => !m.properties!.late)
    await waitForAll('kept', 5, 20_000, (m) => m.properties!.late === true)
    expect(new Set(collector.named('kept').map((m) => m.messageId))).toEqual(storedIds)
    expect(refused[0]!.messages.length).toBeGreaterThan(0)
    expect(browser.errors()).toEqual([])
  })

  test('an event too large for the spec is dropped and reported, never failing its batch with a 400', async () => {
    site.setPage('/', segmentPage())
    const page = await open('/')
    await page.evaluate(() => {
      window.journey.track('before_big', { i: 0 })
      window.journey.track('big', { blob: 'x'.repeat(32_300) })
      window.journey.track('after_big', { i: 0 })
    })
    await collector.waitFor(() => collector.named('after_big').length === 1 && collector.named('before_big').length === 1, 20_000, 'the neighbours of the big event')
    expect(collector.named('big')).toEqual([])
    expect(collector.requests().filter((request) => request.status === 400)).toEqual([])
    // The production build says the code; the development build would name the event.
    expect(warnings().filter((text) => text === '[journeykit] event_too_large')).toHaveLength(1)
  })

  test('a script tag without a write key says so and records nothing', async () => {
    site.setPage('/', scriptTagPage({ collectorUrl: collector.url, src: '/dist/journeykit-segment.iife.js', attrs: { format: 'segment' } }))
    const page = await browser.newPage()
    await page.goto(site.url('/'))
    await page.waitForFunction(() => window.__journeykitLoaded === true)
    expect(browser.errors().join('\n')).toMatch(/writeKey/)
    expect(await page.evaluate(() => typeof window.journey.phase)).toBe('undefined')
    expect(collector.requests()).toEqual([])
  })
})
