/**
 * The script-tag build for Segment-spec pipelines (`dist/journeykit-segment.iife.js`): the same
 * as `journeykit.iife.js`, sending the Segment spec's `/v1/batch` (RudderStack, Jitsu, Segment,
 * Hightouch Events, Customer.io Data Pipelines). Its own file, so the default one stays small.
 *
 * ```html
 * <script src="…/journeykit-segment.iife.js" data-endpoint="https://hosted.rudderlabs.com/v1/batch"
 *   data-format="segment" data-write-key="2Qv…" async></script>
 * ```
 *
 * `data-format` may be left out (this file speaks the Segment spec); any value but `segment` is a
 * set-up mistake, reported on the console like a missing endpoint.
 */
import { segment } from '../formats/segment'
import { install } from './install'

install((options, script) => {
  const { format = 'segment', writeKey = '' } = script.dataset
  if (format !== 'segment') throw new Error(`[journeykit] data-format="${format}" is not known to journeykit-segment.iife.js; use data-format="segment"`)
  options.format = segment({ writeKey })
})
