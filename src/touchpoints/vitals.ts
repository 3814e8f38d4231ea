/**
 * Core Web Vitals through the web-vitals library, shared by the `journeykit/web-vitals` entry
 * and the script-tag add-on. Internal: deliberately not exported from `journeykit`, so bundles
 * that do not import `journeykit/web-vitals` do not contain web-vitals.
 */
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals'
import type { Props } from '../types'

/**
 * Calls `report` with the props of one `web_vital` event per final metric value: LCP, INP,
 * CLS, FCP and TTFB of this page load, and again for a page restored from the back/forward
 * cache. web-vitals has no way to stop observing, so `report` is all a caller can turn off.
 */
export function watchVitals(report: (props: Props) => void): void {
  const send = (metric: Metric): void =>
    report({
      name: metric.name,
      // CLS is a unitless score; the others are milliseconds.
      value: metric.name === 'CLS' ? Math.round(metric.value * 1e4) / 1e4 : Math.round(metric.value),
      rating: metric.rating,
      id: metric.id,
      navigationType: metric.navigationType,
    })
  for (const observe of [onLCP, onINP, onCLS, onFCP, onTTFB]) observe(send)
}
