// Amplitude's browser SDK 2 on a peers page, with its defaults (autocapture of sessions, page
// views, attribution, form interactions and file downloads; batches of 30 or every second; the
// unsent queue in localStorage). Only the endpoint is ours, and remote configuration is off: it
// would be fetched from Amplitude's servers, which the bench does not reach.
import { init, track } from '@amplitude/analytics-browser'
import { install } from './driver.js'

install({
  name: 'amplitude',
  reportsDelivery: true,
  start({ collectorUrl }) {
    return init('0123456789abcdef0123456789abcdef', { serverUrl: collectorUrl, fetchRemoteConfig: false, logLevel: 0 }).promise
  },
  track(name, props, answered) {
    // The promise resolves once the event's batch was answered, or given up on.
    track(name, props).promise.then(
      (result) => answered(result?.code === 200, result?.message),
      (error) => answered(false, error),
    )
  },
})
