/**
 * A fake of the web-vitals library for unit tests. The browser's performance timeline is the edge
 * here: web-vitals observes it, and happy-dom has none. Each `onXXX` hands its callback to
 * `callbacks`, and `reportMetric` plays the browser's reports to them.
 *
 * The map is made by the test file with `vi.hoisted` (so that it survives `vi.resetModules()`):
 *
 * ```ts
 * const callbacks = vi.hoisted(() => new Map<string, Array<(metric: Metric) => void>>())
 * vi.mock('web-vitals', async () => (await import('../helpers/web-vitals')).fakeWebVitals(callbacks))
 * ```
 */
import type { Metric } from 'web-vitals'

export type MetricCallbacks = Map<string, Array<(metric: Metric) => void>>

/** The web-vitals module's observers, recording their callbacks in `callbacks`. */
export function fakeWebVitals(callbacks: MetricCallbacks) {
  const observer = (name: string) => (callback: (metric: Metric) => void) => {
    callbacks.set(name, [...(callbacks.get(name) ?? []), callback])
  }
  return { onCLS: observer('CLS'), onFCP: observer('FCP'), onINP: observer('INP'), onLCP: observer('LCP'), onTTFB: observer('TTFB') }
}

/** Reports one metric value to every callback observing it, as the browser would. */
export function reportMetric(callbacks: MetricCallbacks, name: Metric['name'], value: number, rating: Metric['rating'] = 'good', navigationType: Metric['navigationType'] = 'navigate') {
  const metric = { name, value, rating, delta: value, id: `v5-${name}`, entries: [], navigationType } as unknown as Metric
  for (const callback of callbacks.get(name) ?? []) callback(metric)
}
