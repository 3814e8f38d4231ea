import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { Metric } from 'web-vitals'
import { install } from './context'

// The browser's performance timeline is the edge here: web-vitals observes it, and happy-dom has
// none. The fake hands each metric callback to the test, which plays the browser's reports.
const callbacks = vi.hoisted(() => new Map<string, Array<(metric: Metric) => void>>())
vi.mock('web-vitals', () => {
  const observer = (name: string) => (callback: (metric: Metric) => void) => {
    callbacks.set(name, [...(callbacks.get(name) ?? []), callback])
  }
  return { onCLS: observer('CLS'), onFCP: observer('FCP'), onINP: observer('INP'), onLCP: observer('LCP'), onTTFB: observer('TTFB') }
})

function report(name: Metric['name'], value: number, rating: Metric['rating'] = 'good') {
  const metric = { name, value, rating, delta: value, id: `v5-${name}`, entries: [], navigationType: 'navigate' } as unknown as Metric
  for (const callback of callbacks.get(name) ?? []) callback(metric)
}

beforeEach(() => callbacks.clear())

describe('webVitals()', () => {
  test('observes the five metrics and records one web_vital per value', async () => {
    const { webVitals } = await import('../../src/web-vitals')
    const fake = install(webVitals())
    expect([...callbacks.keys()].sort()).toEqual(['CLS', 'FCP', 'INP', 'LCP', 'TTFB'])
    report('LCP', 2345.678, 'good')
    report('CLS', 0.123456, 'needs-improvement')
    report('INP', 512.4, 'poor')
    expect(fake.props('web_vital')).toEqual([
      { name: 'LCP', value: 2346, rating: 'good', id: 'v5-LCP', navigationType: 'navigate' },
      { name: 'CLS', value: 0.1235, rating: 'needs-improvement', id: 'v5-CLS', navigationType: 'navigate' },
      { name: 'INP', value: 512, rating: 'poor', id: 'v5-INP', navigationType: 'navigate' },
    ])
  })

  test('reports after destroy() are ignored (web-vitals cannot stop observing)', async () => {
    const { webVitals } = await import('../../src/web-vitals')
    const fake = install(webVitals())
    fake.teardown()
    report('LCP', 1000)
    expect(fake.recorded).toEqual([])
  })
})

describe('the web vitals script-tag add-on', () => {
  afterEach(() => {
    delete (window as { journey?: unknown }).journey
    vi.resetModules()
  })

  test('tracks through window.journey, looked up at each report, whichever loaded first', async () => {
    await import('../../src/script/web-vitals-iife')
    expect(() => report('TTFB', 80)).not.toThrow() // nothing there yet: dropped
    const { STUB } = await import('../../src/script/stub')
    new Function(STUB)() // the documented inline stub: calls queue until journeykit loads
    report('FCP', 900.2)
    const journey = (window as unknown as { journey: { q: Array<[string, ArrayLike<unknown>]> } }).journey
    expect(journey.q.map(([method, args]) => [method, Array.from(args)])).toEqual([
      ['track', ['web_vital', { name: 'FCP', value: 900, rating: 'good', id: 'v5-FCP', navigationType: 'navigate' }]],
    ])
    const track = vi.fn()
    ;(window as { journey?: unknown }).journey = { track }
    report('LCP', 1200)
    expect(track).toHaveBeenCalledWith('web_vital', expect.objectContaining({ name: 'LCP', value: 1200 }))
  })
})
