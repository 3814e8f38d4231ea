/**
 * The web vitals script-tag add-on (src/script/web-vitals-iife.ts): it tracks through the
 * public `window.journey`, whether journeykit, its inline stub or nothing is there yet.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { Metric } from 'web-vitals'
import { reportMetric } from '../helpers/web-vitals'

const callbacks = vi.hoisted(() => new Map<string, Array<(metric: Metric) => void>>())
vi.mock('web-vitals', async () => (await import('../helpers/web-vitals')).fakeWebVitals(callbacks))

const report = (name: Metric['name'], value: number) => reportMetric(callbacks, name, value)

beforeEach(() => callbacks.clear())

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
