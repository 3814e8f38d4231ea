/**
 * `journeykit/web-vitals`: the `webVitals()` touchpoint, in its own import path so that bundles
 * that do not import it do not contain the web-vitals library.
 */
import type { Touchpoint } from './types'
import { watchVitals } from './touchpoints/vitals'

/**
 * Records one `web_vital` event per Core Web Vitals value, through Google's web-vitals library:
 * LCP, INP, CLS, FCP and TTFB, with props `{ name, value, rating, id, navigationType }` (`value`
 * in ms, CLS as a score with 4 decimals; `rating` is `good`, `needs-improvement` or `poor`).
 * Values are final: LCP after the first input, INP and CLS when the page is hidden, so they
 * leave with the unload send. A page restored from the back/forward cache reports again.
 *
 * web-vitals cannot stop observing, so after `journey.destroy()` its reports are ignored.
 *
 * @example
 * import { createJourney, defaults } from 'journeykit'
 * import { webVitals } from 'journeykit/web-vitals'
 * createJourney({ endpoint: '/collect', touchpoints: [...defaults(), webVitals()] })
 */
export function webVitals(): Touchpoint {
  return {
    name: 'webVitals',
    setup(ctx) {
      let live = true
      watchVitals((props) => live && ctx.track('web_vital', props))
      return () => {
        live = false
      }
    },
  }
}
