/**
 * The web vitals script-tag add-on (`dist/journeykit-web-vitals.iife.js`): load it next to
 * `journeykit.iife.js`, in any order, to record `web_vital` events.
 *
 * ```html
 * <script src="…/journeykit.iife.js" data-endpoint="/collect" async></script>
 * <script src="…/journeykit-web-vitals.iife.js" async></script>
 * ```
 *
 * It goes through the public `window.journey.track`, looked up at each report: web vitals are
 * reported late (LCP after the first input, CLS and INP when the page is hidden), by which time
 * journeykit or its inline stub is there; a report with neither is dropped.
 */
import { watchVitals } from '../touchpoints/vitals'

watchVitals((props) => {
  const journey = (window as { journey?: { track?: (name: string, props: unknown) => void } }).journey
  if (typeof journey?.track === 'function') journey.track('web_vital', props)
})
