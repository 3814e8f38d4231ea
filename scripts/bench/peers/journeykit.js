// journeykit on a peers page: createJourney with the default touchpoints, as a site ships it.
// `journeykit` resolves to the bench's own copy of the build (.bench/dist/index.js).
import { createJourney, defaults } from 'journeykit'
import { install } from './driver.js'

let journey
install({
  name: 'journeykit',
  start({ collectorUrl }) {
    journey = window.journey = createJourney({ endpoint: collectorUrl, touchpoints: defaults() })
  },
  track(name, props) {
    journey.track(name, props)
  },
})
