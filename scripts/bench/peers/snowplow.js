// Snowplow's browser tracker on a peers page, with its defaults (POST, localStorage queue, one
// request as soon as an event is queued). Custom events are self-describing events, Snowplow's
// way to send a named event with properties.
import { newTracker, trackSelfDescribingEvent } from '@snowplow/browser-tracker'
import { install, requestFailed } from './driver.js'

install({
  name: 'snowplow',
  start({ collectorUrl }) {
    // The tracker takes the collector's origin and posts to its default path
    // (/com.snowplowanalytics.snowplow/tp2), which the bench collector serves.
    newTracker('sp', new URL(collectorUrl).origin, {
      appId: 'journeykit-bench',
      // A report only: the tracker retries (or not) as it always does.
      onRequestFailure: ({ status, message, willRetry }) => requestFailed(`${message || `status ${status}`}${willRetry ? ' (will retry)' : ''}`),
    })
  },
  track(name, props) {
    trackSelfDescribingEvent({ event: { schema: `iglu:com.example/${name}/jsonschema/1-0-0`, data: props } })
  },
})
