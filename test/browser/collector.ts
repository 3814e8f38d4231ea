/**
 * A test collector: a Node HTTP server on 127.0.0.1 that speaks journeykit's wire format
 * (design.md, "What goes over the wire"), records every request and every delivered event, and
 * can be told to fail, hold or reset requests (reliability.md §5.1).
 *
 * "Delivered" means: carried by a POST the collector answered with a 2xx. Events in a request
 * answered otherwise (or whose socket was destroyed) are not delivered: the library must retry
 * them, with the same ids.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { JourneyEvent } from '../../src/types'

/** What one POST to the collector carried and how it was answered. */
export interface RecordedRequest {
  /** `Date.now()` when the request arrived. */
  at: number
  /** `Date.now()` when it was answered (or destroyed); undefined while still held. */
  answeredAt?: number
  method: string
  /** Path and query of the request, e.g. `/collect`. */
  path: string
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>
  /** The raw body as text. */
  body: string
  /** The body parsed as JSON, when it parsed. */
  batch?: RecordedBatch
  /** The status answered; 0 when the socket was destroyed; undefined while still held. */
  status?: number
}

/** A parsed request body. */
export interface RecordedBatch {
  sentAt: string
  events: JourneyEvent[]
  dropped?: number
  [key: string]: unknown
}

/** What a fault plan may answer for one request. `undefined` (or `{}`) means 200. */
export interface PlanAnswer {
  /** The status to answer; default 200. */
  status?: number
  /** Extra response headers, e.g. `{ 'Retry-After': '1' }`. */
  headers?: Record<string, string>
  /** Answer only after this many ms (the request is in flight meanwhile). */
  delayMs?: number
  /** Destroy the socket after reading the body instead of answering (an ambiguous failure). */
  destroy?: boolean
  /** Never answer (until `close()`): a hanging endpoint. */
  hold?: boolean
}

/** The fault plan: called once per POST, `index` counting POSTs from 0. */
export type Plan = (req: { index: number; batch?: RecordedBatch; body: string; headers: RecordedRequest['headers'] }) => PlanAnswer | undefined | void

export interface Collector {
  /** The endpoint to configure, e.g. `http://127.0.0.1:PORT/collect`. */
  url: string
  /** `http://127.0.0.1:PORT` */
  origin: string
  /** Every POST, in arrival order. */
  requests(): RecordedRequest[]
  /** Every CORS pre-flight (OPTIONS) request, in arrival order. */
  preflights(): RecordedRequest[]
  /** Every event received in a 2xx-answered request, in arrival order, duplicates included. */
  events(): JourneyEvent[]
  /** The ids of {@link events}. */
  uniqueIds(): Set<string>
  /** Ids received more than once in 2xx-answered requests. */
  duplicates(): string[]
  /** Delivered events whose `name` is `name` (first delivery of each id only). */
  named(name: string): JourneyEvent[]
  /** The most POSTs that were in flight (arrived, not yet answered) at the same time. */
  maxInFlight(): number
  /** Sets the fault plan; `undefined` answers 200 to everything. */
  setPlan(plan: Plan | undefined): void
  /** Answers `status` (default 500) to every POST arriving in the next `ms` milliseconds. */
  failFor(ms: number, status?: number): void
  /**
   * Polls `predicate` every 25 ms until it returns true; on timeout (default 20 s) throws an
   * error naming `message` and summarising what the collector saw.
   */
  waitFor(predicate: (c: Collector) => boolean, timeoutMs?: number, message?: string): Promise<void>
  /** A one-line summary of what was received, for assertion messages. */
  summary(): string
  /** Forgets every recorded request and event and the plan (the port stays). */
  reset(): void
  close(): Promise<void>
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const requested = req.headers['access-control-request-headers']
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': typeof requested === 'string' && requested ? requested : 'content-type',
    'Access-Control-Max-Age': '600',
    // Without this a cross-origin page cannot read Retry-After (not a CORS-safelisted header).
    'Access-Control-Expose-Headers': 'Retry-After',
  }
}

function parseBatch(body: string): RecordedBatch | undefined {
  try {
    const parsed: unknown = JSON.parse(body)
    if (parsed && typeof parsed === 'object' && Array.isArray((parsed as RecordedBatch).events)) return parsed as RecordedBatch
  } catch {
    // Not JSON: recorded as a request without a batch.
  }
  return undefined
}

/** Starts a collector on 127.0.0.1 at a random port. */
export async function startCollector(): Promise<Collector> {
  let posts: RecordedRequest[] = []
  let options: RecordedRequest[] = []
  let delivered: JourneyEvent[] = []
  let plan: Plan | undefined
  let failUntil = 0
  let failStatus = 500
  let inFlight = 0
  let maxInFlight = 0
  const timers = new Set<NodeJS.Timeout>()
  const sockets = new Set<Socket>()
  const held = new Set<ServerResponse>()

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const record: RecordedRequest = {
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: { ...req.headers },
        body,
      }
      if (req.method === 'OPTIONS') {
        options.push(record)
        record.status = 204
        record.answeredAt = Date.now()
        res.writeHead(204, corsHeaders(req)).end()
        return
      }
      if (req.method !== 'POST') {
        res.writeHead(405, { ...corsHeaders(req), Allow: 'POST, OPTIONS' }).end()
        return
      }
      const batch = parseBatch(body)
      if (batch) record.batch = batch
      const index = posts.length
      posts.push(record)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)

      let answer: PlanAnswer = {}
      if (record.at < failUntil) answer = { status: failStatus }
      else if (plan) answer = plan({ index, batch, body, headers: record.headers }) ?? {}

      const finish = () => {
        inFlight--
        record.answeredAt = Date.now()
        if (answer.destroy) {
          record.status = 0
          req.socket.destroy()
          return
        }
        const status = answer.status ?? 200
        record.status = status
        if (status >= 200 && status < 300 && batch) delivered.push(...batch.events)
        res
          .writeHead(status, { ...corsHeaders(req), 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...answer.headers })
          .end(status >= 200 && status < 300 ? '{"ok":true}' : `{"ok":false,"status":${status}}`)
      }
      if (answer.hold) {
        held.add(res)
        return
      }
      if (answer.delayMs && answer.delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer)
          finish()
        }, answer.delayMs)
        timers.add(timer)
      } else {
        finish()
      }
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`

  const collector: Collector = {
    url: `${origin}/collect`,
    origin,
    requests: () => [...posts],
    preflights: () => [...options],
    events: () => [...delivered],
    uniqueIds: () => new Set(delivered.map((event) => event.id)),
    duplicates() {
      const seen = new Set<string>()
      const twice = new Set<string>()
      for (const event of delivered) (seen.has(event.id) ? twice : seen).add(event.id)
      return [...twice]
    },
    named(name) {
      const seen = new Set<string>()
      return delivered.filter((event) => event.name === name && !seen.has(event.id) && seen.add(event.id))
    },
    maxInFlight: () => maxInFlight,
    setPlan(next) {
      plan = next
    },
    failFor(ms, status = 500) {
      failUntil = Date.now() + ms
      failStatus = status
    },
    summary() {
      const statuses = new Map<string, number>()
      for (const post of posts) {
        const key = String(post.status ?? 'pending')
        statuses.set(key, (statuses.get(key) ?? 0) + 1)
      }
      const byStatus = [...statuses].map(([status, count]) => `${status}×${count}`).join(', ') || 'none'
      return (
        `${posts.length} POSTs (${byStatus}), ${options.length} pre-flights, ` +
        `${delivered.length} events delivered (${collector.uniqueIds().size} unique ids, ${collector.duplicates().length} duplicated)`
      )
    },
    async waitFor(predicate, timeoutMs = 20_000, message = 'condition') {
      const deadline = Date.now() + timeoutMs
      let lastError: unknown
      for (;;) {
        try {
          if (predicate(collector)) return
          lastError = undefined
        } catch (error) {
          lastError = error
        }
        if (Date.now() >= deadline) break
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      const why = lastError ? `; the predicate last threw: ${String(lastError)}` : ''
      throw new Error(`collector.waitFor: timed out after ${timeoutMs} ms waiting for ${message}${why}. Collector saw ${collector.summary()}`)
    },
    reset() {
      posts = []
      options = []
      delivered = []
      plan = undefined
      failUntil = 0
      maxInFlight = inFlight
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const res of held) res.destroy()
      held.clear()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return collector
}
