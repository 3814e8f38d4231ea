/**
 * Putting batches on the wire: the request's shape, status classification, Retry-After, the
 * request timeout, and the keep-alive budget shared by regular and exit sends.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { KEEPALIVE_BUDGET, byteLength, createTransport, parseRetryAfter } from '../../src/delivery/transport'
import { fakeBeacon, restoreBrowser, supportKeepalive } from '../helpers/browser'
import { fakeFetch, type FakeFetch } from '../helpers/fetch'
import { START, useFakeClock } from '../helpers/time'

const ENDPOINT = 'https://collect.example/e'
let fetch: FakeFetch

beforeEach(() => {
  useFakeClock()
  fetch = fakeFetch()
  fetch.install()
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  restoreBrowser()
})

/** A batch body of exactly `bytes` bytes (at least 34). */
const body = (bytes: number): string => JSON.stringify({ sentAt: '', events: [], pad: 'x'.repeat(Math.max(0, bytes - 34)) })

describe('byteLength', () => {
  test.each([
    ['ascii', 'hello'],
    ['two-byte', 'é ß ü'],
    ['three-byte', '€ 中文 ☃'],
    ['four-byte (surrogate pairs)', '😀 𝄞 🏳️‍🌈'],
    ['empty', ''],
  ])('%s: the UTF-8 length', (_, text) => {
    expect(byteLength(text)).toBe(new TextEncoder().encode(text).length)
  })

  test('matches TextEncoder for the JSON of random strings, lone surrogates included', () => {
    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    for (let run = 0; run < 300; run++) {
      let text = ''
      for (let i = 0; i < 40; i++) text += String.fromCharCode(Math.floor(random() * 0x10000))
      const json = JSON.stringify({ text })
      expect(byteLength(json)).toBe(new TextEncoder().encode(json).length)
    }
  })
})

describe('parseRetryAfter', () => {
  test.each([
    ['7', 7000],
    ['0', 0],
    ['120', 120_000],
    ['1.5', 1500],
  ])('delta-seconds %s → %i ms', (value, ms) => {
    expect(parseRetryAfter(value, START)).toBe(ms)
  })

  test('an HTTP date → the time until then', () => {
    expect(parseRetryAfter(new Date(START + 30_000).toUTCString(), START)).toBe(30_000)
  })

  test.each([null, '', 'soon', '-5', new Date(START - 60_000).toUTCString()])('%s → undefined (normal backoff)', (value) => {
    expect(parseRetryAfter(value, START)).toBeUndefined()
  })

  test('a very long wait is capped (at 10 minutes)', () => {
    expect(parseRetryAfter('999999', START)).toBe(600_000)
    expect(parseRetryAfter(new Date(START + 86_400_000).toUTCString(), START)).toBe(600_000)
  })
})

describe('send', () => {
  test('POSTs the body as text/plain without credentials, referrer or redirects', async () => {
    const transport = createTransport(ENDPOINT)
    await transport.send('{"sentAt":"x","events":[]}')
    const [request] = fetch.requests
    expect(request!.url).toBe(ENDPOINT)
    expect(request!.body).toBe('{"sentAt":"x","events":[]}')
    expect(request!.init).toMatchObject({ method: 'POST', credentials: 'omit', redirect: 'manual', referrerPolicy: 'no-referrer' })
    expect(new Headers(request!.init.headers).get('Content-Type')).toBe('text/plain;charset=UTF-8')
    expect(request!.bodyReleased).toBe(true)
  })

  test('adds the site headers', async () => {
    const transport = createTransport(ENDPOINT, { Authorization: 'Bearer t', 'X-Site': 'a' })
    await transport.send('{}')
    const headers = new Headers(fetch.requests[0]!.init.headers)
    expect(headers.get('Authorization')).toBe('Bearer t')
    expect(headers.get('X-Site')).toBe('a')
  })

  test.each([200, 201, 202, 204, 299])('%i: ok', async (status) => {
    fetch.setPlan([{ status }])
    expect(await createTransport(ENDPOINT).send('{}')).toMatchObject({ ok: true, status })
  })

  test.each([408, 425, 429, 500, 501, 502, 503, 504, 511, 599])('%i: retry', async (status) => {
    fetch.setPlan([{ status }])
    expect(await createTransport(ENDPOINT).send('{}')).toMatchObject({ ok: false, retry: true, status })
  })

  test('413: too large, not retried as is', async () => {
    fetch.setPlan([{ status: 413 }])
    expect(await createTransport(ENDPOINT).send('{}')).toMatchObject({ ok: false, retry: false, tooLarge: true, status: 413 })
  })

  test.each([400, 401, 403, 404, 405, 409, 410, 415, 422, 451])('%i: refused, not retried', async (status) => {
    fetch.setPlan([{ status }])
    expect(await createTransport(ENDPOINT).send('{}')).toMatchObject({ ok: false, retry: false, status })
  })

  test('a redirect is refused, not followed', async () => {
    fetch.setPlan([{ redirect: true }])
    const result = await createTransport(ENDPOINT).send('{}')
    expect(result).toMatchObject({ ok: false, retry: false })
    expect(String(result.error)).toMatch(/redirect/)
  })

  test('Retry-After is read on retryable answers', async () => {
    fetch.setPlan([
      { status: 429, headers: { 'Retry-After': '9' } },
      { status: 503, headers: { 'Retry-After': new Date(START + 4000).toUTCString() } },
      { status: 500 },
    ])
    const transport = createTransport(ENDPOINT)
    expect((await transport.send('{}')).retryAfter).toBe(9000)
    expect((await transport.send('{}')).retryAfter).toBe(4000)
    expect((await transport.send('{}')).retryAfter).toBeUndefined()
  })

  test.each([
    ['a TypeError', new TypeError('Failed to fetch')],
    ['null', null],
    ['a string', 'boom'],
  ])('a rejection with %s is a retryable network error', async (_, reason) => {
    fetch.setPlan([{ reject: reason ?? 'null' }])
    if (reason === null) fetch.fn.mockImplementationOnce(() => Promise.reject(null))
    expect(await createTransport(ENDPOINT).send('{}')).toMatchObject({ ok: false, retry: true, status: 0 })
  })

  test('a fetch that throws synchronously does not throw', async () => {
    vi.stubGlobal('fetch', () => {
      throw new TypeError('blocked by an extension')
    })
    await expect(createTransport(ENDPOINT).send('{}')).resolves.toMatchObject({ ok: false, retry: true, status: 0 })
  })

  test('a request with no answer is given up after 60 s and counts as a network error', async () => {
    // (The sender sends its next batch after 20 s without an answer; this request goes on.)
    fetch.setPlan([{ hang: true }])
    let result: unknown
    void createTransport(ENDPOINT)
      .send('{}')
      .then((r) => (result = r))
    await vi.advanceTimersByTimeAsync(59_999)
    expect(result).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(result).toMatchObject({ ok: false, retry: true, status: 0 })
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('the keep-alive budget', () => {
  test('regular sends use keepalive while they fit the budget', async () => {
    supportKeepalive()
    fetch.setPlan(() => ({ hang: true }))
    const transport = createTransport(ENDPOINT)
    void transport.send(body(40_000))
    void transport.send(body(30_000)) // 70 000 in flight would be over: no keepalive
    void transport.send(body(15_000))
    await vi.advanceTimersByTimeAsync(0)
    expect(fetch.requests.map((request) => request.keepalive)).toEqual([true, false, true])
  })

  test('without keepalive support, regular sends go without it', async () => {
    const transport = createTransport(ENDPOINT)
    await transport.send('{}')
    expect(fetch.requests[0]!.keepalive).toBe(false)
  })

  test('exit sends count the bytes in flight and refuse what does not fit', async () => {
    supportKeepalive()
    fetch.setPlan(() => ({ hang: true }))
    const transport = createTransport(ENDPOINT)
    void transport.send(body(25_000))
    expect(transport.sendOnExit(body(30_000))).toBeDefined()
    expect(transport.sendOnExit(body(10_000))).toBeUndefined() // 65 000 would be over
    expect(transport.sendOnExit(body(5_000))).toBeDefined()
    await vi.advanceTimersByTimeAsync(0)
    const inFlight = fetch.requests.map((request) => byteLength(request.body)).reduce((sum, bytes) => sum + bytes, 0)
    expect(inFlight).toBeLessThanOrEqual(KEEPALIVE_BUDGET)
    expect(fetch.requests.every((request) => request.keepalive)).toBe(true)
  })

  test('the budget is freed when a request is answered', async () => {
    supportKeepalive()
    fetch.setPlan(() => ({ hang: true }))
    const transport = createTransport(ENDPOINT)
    const first = transport.sendOnExit(body(50_000))
    expect(transport.sendOnExit(body(50_000))).toBeUndefined()
    fetch.release(200)
    await expect(first).resolves.toMatchObject({ ok: true })
    expect(transport.sendOnExit(body(50_000))).toBeDefined()
  })

  test('no body over the budget is ever sent on exit', () => {
    supportKeepalive()
    expect(byteLength(body(KEEPALIVE_BUDGET + 1))).toBe(KEEPALIVE_BUDGET + 1)
    expect(createTransport(ENDPOINT).sendOnExit(body(KEEPALIVE_BUDGET + 1))).toBeUndefined()
    expect(fetch.requests).toHaveLength(0)
  })
})

describe('the beacon fallback (no keepalive fetch)', () => {
  test('sends a text/plain Blob; the result is not known, so it counts as not delivered', async () => {
    const beacon = fakeBeacon()
    beacon.install()
    const result = createTransport(ENDPOINT).sendOnExit('{"events":[]}')
    await expect(result).resolves.toMatchObject({ ok: false, retry: true })
    expect(beacon.calls).toHaveLength(1)
    expect(beacon.calls[0]!.url).toBe(ENDPOINT)
    expect((beacon.calls[0]!.data as Blob).type).toMatch(/^text\/plain/)
    expect(await (beacon.calls[0]!.data as Blob).text()).toBe('{"events":[]}')
    expect(fetch.requests).toHaveLength(0)
  })

  test('a refused, throwing or missing sendBeacon means not sent', () => {
    const beacon = fakeBeacon(10)
    beacon.install()
    expect(createTransport(ENDPOINT).sendOnExit(body(100))).toBeUndefined()
    beacon.fn.mockImplementation(() => {
      throw new TypeError('Illegal invocation')
    })
    expect(createTransport(ENDPOINT).sendOnExit('{}')).toBeUndefined()
    Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: undefined })
    expect(createTransport(ENDPOINT).sendOnExit('{}')).toBeUndefined()
  })

  test('beacons count against the budget too', () => {
    const beacon = fakeBeacon()
    beacon.install()
    const transport = createTransport(ENDPOINT)
    expect(transport.sendOnExit(body(50_000))).toBeDefined()
    expect(transport.sendOnExit(body(50_000))).toBeUndefined()
    expect(beacon.calls.filter((call) => !call.accepted)).toEqual([])
  })
})
