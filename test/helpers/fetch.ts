/**
 * A fake `fetch` driven by a per-request plan: each request takes the next step of the plan
 * (status, headers, delay, rejection, hang or redirect), or the fallback step once the plan is
 * used up. Every request is recorded with its init, body and parsed batch.
 */
import { vi } from 'vitest'
import type { Batch, JourneyEvent } from '../../src/types'

export interface Step {
  /** HTTP status of the answer. @default 200 */
  status?: number
  headers?: Record<string, string>
  /** Answer after this many (fake) milliseconds. */
  delay?: number
  /** Reject with this (a `TypeError('Failed to fetch')` for `true`). */
  reject?: unknown
  /** Never answer (until `release()` or the request's signal aborts). */
  hang?: boolean
  /** Answer like `redirect: 'manual'` does for a 3xx: an opaque redirect (status 0). */
  redirect?: boolean
}

export interface Recorded {
  /** 1-based. */
  n: number
  url: string
  init: RequestInit
  body: string
  batch: Batch
  /** Date.now() when fetch was called. */
  at: number
  keepalive: boolean
  step: Step
  /** The status the request was answered with, once answered (0: rejected or redirect). */
  answered?: number
  /** Whether the response body was cancelled or read (the keep-alive quota needs it). */
  bodyReleased: boolean
}

type Plan = Step[] | ((n: number, request: Omit<Recorded, 'answered' | 'bodyReleased' | 'step'>) => Step | undefined)

export interface FakeFetch {
  fn: ReturnType<typeof vi.fn>
  requests: Recorded[]
  /** Requests currently waiting for their answer. */
  inFlight(): number
  /** The most requests that ever waited at once. */
  maxInFlight(): number
  /** Every event sent, in request order (duplicates included). */
  sent(): JourneyEvent[]
  /** Events of requests answered with a 2xx. */
  delivered(): JourneyEvent[]
  /** Names of `sent()` (or of the events of `requests` given). */
  names(events?: JourneyEvent[]): string[]
  /** Answers every hanging request with `status`. */
  release(status?: number): void
  /** Replaces the plan for the requests that follow. */
  setPlan(plan: Plan, otherwise?: Step): void
  install(): void
}

export function fakeFetch(plan: Plan = [], otherwise: Step = { status: 200 }): FakeFetch {
  const requests: Recorded[] = []
  const hanging: Array<(status: number) => void> = []
  let current = plan
  let fallback = otherwise
  let waiting = 0
  let most = 0

  const fn = vi.fn((input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const body = typeof init.body === 'string' ? init.body : String(init.body)
    let batch: Batch
    try {
      batch = JSON.parse(body) as Batch
    } catch {
      batch = { sentAt: '', events: [] }
    }
    const base = {
      n: requests.length + 1,
      url: String(input),
      init,
      body,
      batch,
      at: Date.now(),
      keepalive: init.keepalive === true,
    }
    const step = (typeof current === 'function' ? current(base.n, base) : current[base.n - 1]) ?? fallback
    const record: Recorded = { ...base, step, bodyReleased: false }
    requests.push(record)
    waiting++
    most = Math.max(most, waiting)
    return new Promise<Response>((resolve, reject) => {
      let done = false
      const finish = (status: number, error?: unknown): void => {
        if (done) return
        done = true
        waiting--
        record.answered = status
        if (error !== undefined) return reject(error)
        const redirect = step.redirect === true
        const response = {
          status: redirect ? 0 : status,
          ok: !redirect && status >= 200 && status < 300,
          type: redirect ? 'opaqueredirect' : 'basic',
          url: base.url,
          headers: new Headers(step.headers ?? {}),
          body: {
            cancel: () => {
              record.bodyReleased = true
              return Promise.resolve()
            },
          },
          text: () => {
            record.bodyReleased = true
            return Promise.resolve('')
          },
          json: () => {
            record.bodyReleased = true
            return Promise.resolve({})
          },
        }
        resolve(response as unknown as Response)
      }
      const signal = init.signal
      if (signal) {
        const abort = (): void => finish(0, new DOMException('The operation was aborted.', 'AbortError'))
        if (signal.aborted) return abort()
        signal.addEventListener('abort', abort)
      }
      const answer = (): void => {
        if (step.reject !== undefined) finish(0, step.reject === true ? new TypeError('Failed to fetch') : step.reject)
        else finish(step.status ?? 200)
      }
      if (step.hang) hanging.push((status) => finish(status))
      else if (step.delay) setTimeout(answer, step.delay)
      else answer()
    })
  })

  const sent = (): JourneyEvent[] => requests.flatMap((request) => request.batch.events ?? [])
  return {
    fn,
    requests,
    inFlight: () => waiting,
    maxInFlight: () => most,
    sent,
    delivered: () =>
      requests.filter((r) => r.answered !== undefined && r.answered >= 200 && r.answered < 300 && !r.step.redirect).flatMap((r) => r.batch.events),
    names: (events = sent()) => events.map((event) => event.name),
    release(status = 200) {
      for (const finish of hanging.splice(0)) finish(status)
    },
    setPlan(plan, otherwise) {
      current = plan
      if (otherwise) fallback = otherwise
      // Steps count from the next request.
      if (Array.isArray(plan)) {
        const offset = requests.length
        current = (n) => plan[n - 1 - offset]
      }
    },
    install() {
      vi.stubGlobal('fetch', fn)
    },
  }
}
