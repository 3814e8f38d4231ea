/**
 * Core Web Vitals (src/touchpoints/vitals.ts): one `web_vital` event's props per final metric
 * value, and the `webVitals()` touchpoint of `journeykit/web-vitals` built on it. The script-tag
 * add-on is in test/script/web-vitals-iife.test.ts.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest'
import type { Metric } from 'web-vitals'
import { watchVitals } from '../../src/touchpoints/vitals'
import { reportMetric } from '../helpers/web-vitals'
import { install } from './context'

const callbacks = vi.hoisted(() => new Map<string, Array<(metric: Metric) => void>>())
vi.mock('web-vitals', async () => (await import('../helpers/web-vitals')).fakeWebVitals(callbacks))

const report = (name: Metric['name'], value: number, rating: Metric['rating'] = 'good') => reportMetric(callbacks, name, value, rating)

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

describe('watchVitals()', () => {
  test('reports every metric with its props; CLS to 4 decimals, the others to whole milliseconds', () => {
    const reports: unknown[] = []
    watchVitals((props) => reports.push(props))
    report('TTFB', 79.5, 'good')
    report('FCP', 1800.49, 'needs-improvement')
    report('CLS', 0.00004, 'good')
    report('CLS', 0.26, 'poor')
    expect(reports).toEqual([
      { name: 'TTFB', value: 80, rating: 'good', id: 'v5-TTFB', navigationType: 'navigate' },
      { name: 'FCP', value: 1800, rating: 'needs-improvement', id: 'v5-FCP', navigationType: 'navigate' },
      { name: 'CLS', value: 0, rating: 'good', id: 'v5-CLS', navigationType: 'navigate' },
      { name: 'CLS', value: 0.26, rating: 'poor', id: 'v5-CLS', navigationType: 'navigate' },
    ])
  })

  test('a page restored from the back/forward cache reports again, saying so', () => {
    const reports: Array<Record<string, unknown>> = []
    watchVitals((props) => reports.push(props as Record<string, unknown>))
    reportMetric(callbacks, 'LCP', 1000)
    reportMetric(callbacks, 'LCP', 40, 'good', 'back-forward-cache')
    expect(reports.map(({ value, navigationType }) => [value, navigationType])).toEqual([
      [1000, 'navigate'],
      [40, 'back-forward-cache'],
    ])
  })
})
