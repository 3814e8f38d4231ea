// @vitest-environment node
/**
 * Set-up: createJourney throws a clear error for a set-up mistake and fills in every default.
 * This file runs in Node, as server-side rendering does: there, createJourney returns a journey
 * whose methods do nothing.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createJourney } from '../src/journey'
import { resolveEndpoint, resolveOptions } from '../src/options'
import type { JourneyOptions } from '../src/types'

const ENDPOINT = 'https://collect.example/e'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

/** The error createJourney throws for these options (it must throw one). */
function setupError(options: unknown): Error {
  try {
    createJourney(options as JourneyOptions)
  } catch (error) {
    return error as Error
  }
  throw new Error(`createJourney accepted ${JSON.stringify(options)}`)
}

describe('endpoint', () => {
  test.each([
    ['missing', {}],
    ['empty', { endpoint: '' }],
    ['blank', { endpoint: '   ' }],
    ['a number', { endpoint: 42 }],
    ['an array', { endpoint: ['https://collect.example/e'] }],
    ['an object with toString', { endpoint: { toString: () => 'https://collect.example/e' } }],
  ])('%s → a clear error', (_, options) => {
    expect(setupError(options).message).toMatch(/^\[journeykit\] createJourney: `endpoint` is required/)
  })

  test.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/plain,hi', 'ftp://files.example/x', 'file:///etc/passwd', 'ws://collect.example/e', 'blob:https://x/1'])(
    '%s → refused: http or https only',
    (endpoint) => {
      const message = setupError({ endpoint }).message
      expect(message).toMatch(/^\[journeykit\] createJourney: `endpoint` must use http or https/)
      expect(message).toContain(new URL(endpoint).protocol)
    },
  )

  test.each(['https://user:secret@collect.example/e', 'https://user@collect.example/e', 'http://:pw@collect.example/'])(
    '%s → refused: no user name or password',
    (endpoint) => {
      expect(setupError({ endpoint }).message).toMatch(/user name or password/)
    },
  )

  test('an unreadable URL → says it is not a URL', () => {
    expect(setupError({ endpoint: 'http://' }).message).toMatch(/is not a URL/)
  })

  test('absolute http(s) URLs are kept (trimmed)', () => {
    expect(resolveEndpoint(' https://collect.example/e?k=1 ')).toBe('https://collect.example/e?k=1')
    expect(resolveEndpoint('http://localhost:8080/collect')).toBe('http://localhost:8080/collect')
  })

  test('a path or protocol-relative URL resolves against the page', () => {
    vi.stubGlobal('location', { href: 'https://shop.example/products/1' })
    expect(resolveEndpoint('/collect')).toBe('https://shop.example/collect')
    expect(resolveEndpoint('collect')).toBe('https://shop.example/products/collect')
    expect(resolveEndpoint('//collect.example/e')).toBe('https://collect.example/e')
  })
})

describe('numbers', () => {
  test.each([
    ['batchSize', 0],
    ['batchSize', -1],
    ['batchSize', 1.5],
    ['batchSize', '20'],
    ['batchSize', NaN],
    ['batchSize', Infinity],
    ['flushInterval', -1],
    ['flushInterval', 2.5],
    ['maxQueueSize', 0],
    ['maxQueueSize', null],
    ['sessionTimeout', 0],
    ['sessionTimeout', '30m'],
  ])('%s: %s → an error naming the option', (name, value) => {
    const message = setupError({ endpoint: ENDPOINT, [name]: value }).message
    expect(message).toMatch(/^\[journeykit\] createJourney:/)
    expect(message).toContain(`\`${name}\``)
    expect(message).toMatch(/whole number/)
  })

  test('flushInterval 0 is allowed (send as soon as possible)', () => {
    expect(resolveOptions({ endpoint: ENDPOINT, flushInterval: 0 })._flushInterval_).toBe(0)
  })
})

describe('other options', () => {
  test.each([
    ['consent', 'maybe', /`consent` must be one of granted, denied, pending/],
    ['consent', true, /`consent`/],
    ['privacySignals', 'obey', /`privacySignals` must be "respect" or "ignore"/],
    ['touchpoints', 'defaults', /`touchpoints` must be an array/],
    ['touchpoints', [null], /`touchpoints` must be an array/],
    ['touchpoints', [{}], /`touchpoints` must be an array/],
    ['headers', { 'X-A': 1 }, /`headers` must be an object of string values/],
    ['headers', 'X-A: 1', /`headers`/],
    ['headers', null, /`headers`/],
    ['redactParams', 'token', /`redactParams` must be an array/],
    ['redactParams', [1], /`redactParams`/],
    ['beforeSend', 'drop', /`beforeSend` must be a function/],
    ['onError', {}, /`onError` must be a function/],
  ])('%s: %j → a clear error', (name, value, message) => {
    const error = setupError({ endpoint: ENDPOINT, [name]: value })
    expect(error.message).toMatch(/^\[journeykit\] createJourney:/)
    expect(error.message).toMatch(message)
  })

  test('no options object at all → a clear error', () => {
    expect(setupError(undefined).message).toMatch(/^\[journeykit\] createJourney: pass an options object/)
    expect(setupError(null).message).toMatch(/^\[journeykit\] createJourney/)
    expect(setupError('https://collect.example/e').message).toMatch(/^\[journeykit\] createJourney/)
  })
})

describe('defaults', () => {
  test('every option but endpoint has the documented default', () => {
    expect(resolveOptions({ endpoint: ENDPOINT })).toMatchObject({
      _endpoint_: ENDPOINT,
      _touchpoints_: [],
      _batchSize_: 50,
      _flushInterval_: 5000,
      _maxQueueSize_: 10_000,
      _sessionTimeout_: 1_800_000,
      _consent_: 'granted',
      _privacySignals_: 'respect',
      _debug_: false,
    })
  })

  test('the resolved options are frozen copies: changing the caller’s objects later changes nothing', () => {
    const headers = { 'X-Site': 'a' }
    const touchpoints = [{ name: 'one' }]
    const resolved = resolveOptions({ endpoint: ENDPOINT, headers, touchpoints })
    headers['X-Site'] = 'b'
    touchpoints.push({ name: 'two' })
    expect(resolved._headers_).toEqual({ 'X-Site': 'a' })
    expect(resolved._touchpoints_).toHaveLength(1)
    expect(Object.isFrozen(resolved)).toBe(true)
    expect(() => {
      ;(resolved as { _endpoint_: string })._endpoint_ = 'https://evil.example/'
    }).toThrow()
  })
})

describe('on the server (no window, no document)', () => {
  test('importing the package does nothing and throws nothing', async () => {
    vi.resetModules()
    const module = await import('../src/index')
    expect(typeof module.createJourney).toBe('function')
  })

  test('createJourney returns a journey whose methods do nothing', async () => {
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const journey = createJourney({ endpoint: ENDPOINT })
    expect(() => {
      journey.track('x', { a: 1 })
      journey.page()
      journey.identify('u')
      journey.consent('granted')
      journey.reset()
      journey.on('phase', () => {})()
      journey.destroy()
    }).not.toThrow()
    expect(journey.phase).toBe('awareness')
    expect(journey.explain()).toEqual([])
    await expect(journey.flush()).resolves.toBeUndefined()
    expect(fetch).not.toHaveBeenCalled()
    expect(await indexedDB.databases()).toEqual([])
  })

  test('a relative endpoint ("/collect", as in the quick start) does not throw while rendering on the server', () => {
    expect(() => createJourney({ endpoint: '/collect' })).not.toThrow()
  })

  test('set-up mistakes are still reported on the server', () => {
    expect(setupError({ endpoint: 'javascript:alert(1)' }).message).toMatch(/http or https/)
    expect(setupError({ endpoint: ENDPOINT, batchSize: 0 }).message).toMatch(/`batchSize`/)
  })
})
