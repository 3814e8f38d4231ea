// Plausible's npm tracker on a peers page, with its defaults (automatic page view; one
// keep-alive fetch per event, no queue, no retry).
import { init, track } from '@plausible-analytics/tracker'
import { install } from './driver.js'

// Plausible ignores automated browsers (navigator.webdriver) unless this flag is set, the switch
// its own tests use.
window.__plausible = true

install({
  name: 'plausible',
  reportsDelivery: true,
  start({ collectorUrl }) {
    init({ domain: 'bench.example', endpoint: collectorUrl, captureOnLocalhost: true, logging: false })
  },
  track(name, props, answered) {
    // Plausible's custom properties are strings.
    const strings = Object.fromEntries(Object.entries(props).map(([key, value]) => [key, String(value)]))
    track(name, { props: strings, callback: (result) => answered(!!result && 'status' in result && result.status < 300, result?.error ?? result?.status) })
  },
})
