/**
 * The script-tag build with the `b2b` phase model (`dist/journeykit-b2b.iife.js`): the same as
 * `journeykit.iife.js`, the visitor's phases following the b2b model. Its own file, so the
 * default one does not carry the b2b rules and words.
 *
 * ```html
 * <script src="…/journeykit-b2b.iife.js" data-endpoint="/collect" async></script>
 * ```
 *
 * `data-phases` may be left out or say `b2b`; `default` switches back to the default model, any
 * other value is a set-up mistake, reported on the console like a missing endpoint.
 */
import { b2b } from '../phases/presets/b2b'
import { install } from './install'

install((options) => {
  const phases: unknown = options.phases ?? 'b2b'
  if (phases !== 'b2b' && phases !== 'default') throw new Error(`[journeykit] data-phases="${String(phases)}" is not known to journeykit-b2b.iife.js; use data-phases="b2b" or "default"`)
  if (phases === 'b2b') options.phases = b2b
})
