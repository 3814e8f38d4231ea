/**
 * Puts batches on the wire: `fetch` with `keepalive` and `credentials: 'omit'`, and on the way out
 * of the page whatever fits in the browser's keep-alive budget.
 *
 * The budget: Chromium, Firefox and Safari allow 64 KiB of keep-alive request bodies in flight per
 * page, shared by keepalive fetches and sendBeacon (Fetch spec, "keepalive"). A request over it
 * fails, so this module counts its own bytes in flight and never goes over 60 000.
 */

export interface SendResult {
  ok: boolean
  /** Worth trying again later (network error, 408, 425, 429, 5xx). */
  retry: boolean
  /** Too large (413): try a smaller batch. */
  tooLarge?: boolean
  status: number
  /** Milliseconds the endpoint asked to wait (Retry-After). */
  retryAfter?: number
  error?: unknown
}

export interface Transport {
  /** Sends one body; never rejects. */
  send(body: string): Promise<SendResult>
  /**
   * Sends a body now, for a page that is being left: a keepalive fetch within the budget (or
   * sendBeacon where keepalive fetch is missing). Returns the pending result, or undefined when
   * the body does not fit the budget left and must wait for the next page load.
   */
  sendOnExit(body: string): Promise<SendResult> | undefined
  /** Bytes of the keep-alive budget not in use by this page's requests. */
  budgetLeft(): number
}

export const KEEPALIVE_BUDGET = 60_000
/**
 * A request without an answer is given up (aborted, and retried later) after this long. The
 * sender does not wait that long to send its next batch (delivery/index.ts): this is only for requests
 * that will never be answered, so that their events are tried again on this page.
 */
const GIVE_UP_AFTER = 60_000
/** A beacon's completion cannot be observed; its bytes count as in flight for this long. */
const BEACON_HOLD = 10_000
const MAX_RETRY_AFTER = 600_000

const NON_ASCII = /[^\0-\x7f]/

/** UTF-8 length of a string without allocating. */
export function byteLength(text: string): number {
  let bytes = text.length
  // Most events are ASCII: one native scan instead of a loop over every character.
  if (!NON_ASCII.test(text)) return bytes
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0x7f) bytes += code > 0x7ff ? (code >= 0xd800 && code <= 0xdfff ? 1 : 2) : 1
  }
  return bytes
}

/** Milliseconds from a Retry-After header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined
  const seconds = Number(value)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER) : undefined
}

export function createTransport(endpoint: string, headers: Record<string, string> = {}): Transport {
  let inFlightKeepalive = 0
  const canKeepalive = 'keepalive' in Request.prototype

  function post(body: string, bytes: number, keepalive: boolean): Promise<SendResult> {
    // (Every supported browser has AbortController: Chrome 66, Firefox 57, Safari 12.1.)
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), GIVE_UP_AFTER)
    if (keepalive) inFlightKeepalive += bytes
    let request: Promise<Response>
    try {
      request = fetch(endpoint, {
        method: 'POST',
        body,
        keepalive,
        credentials: 'omit',
        // text/plain keeps the request CORS-simple: no pre-flight, unless the site adds headers.
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
        // A redirect would turn the POST into a GET without its body: report it, don't follow it.
        redirect: 'manual',
        referrerPolicy: 'no-referrer',
        signal: abort.signal,
      })
    } catch (error) {
      request = Promise.reject(error)
    }
    return request
      .then((response) => {
        // An unread body keeps counting against the keep-alive budget: release it.
        response.body?.cancel().catch(() => {})
        const { status } = response
        // (A redirect, opaque with status 0 or not, is neither ok nor retryable.)
        const result: SendResult = {
          ok: status >= 200 && status < 300,
          status,
          retry: status === 408 || status === 425 || status === 429 || status >= 500,
          tooLarge: status === 413,
        }
        if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
          result.error = new Error((__DEV__ && 'The endpoint answered with a redirect') || 'redirect')
        } else if (result.retry) result.retryAfter = parseRetryAfter(response.headers.get('Retry-After'))
        return result
      })
      .catch((error: unknown): SendResult => ({ ok: false, retry: true, status: 0, error }))
      .finally(() => {
        clearTimeout(timer)
        if (keepalive) inFlightKeepalive -= bytes
      })
  }

  return {
    send(body) {
      const bytes = byteLength(body)
      // keepalive lets a send that is under way finish if the page goes away meanwhile.
      return post(body, bytes, canKeepalive && bytes + inFlightKeepalive <= KEEPALIVE_BUDGET)
    },
    sendOnExit(body) {
      const bytes = byteLength(body)
      if (bytes + inFlightKeepalive > KEEPALIVE_BUDGET) return undefined
      if (canKeepalive) return post(body, bytes, true)
      // No keepalive fetch (older Firefox): the beacon is queued by the browser; delivery is not
      // observable, so the events stay stored and are sent again on the next load if needed.
      try {
        if (navigator.sendBeacon(endpoint, new Blob([body], { type: 'text/plain;charset=UTF-8' }))) {
          inFlightKeepalive += bytes
          setTimeout(() => (inFlightKeepalive -= bytes), BEACON_HOLD)
          return Promise.resolve({ ok: false, retry: true, status: 0 })
        }
      } catch {
        // Missing (the call throws), refused or throwing: not sent.
      }
      return undefined
    },
    budgetLeft: () => KEEPALIVE_BUDGET - inFlightKeepalive,
  }
}
