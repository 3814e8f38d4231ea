/**
 * `journeykit/b2b`: the `b2b` phase model (need → research → evaluation → negotiation →
 * onboarding → retention → expansion → advocacy), an import of its own so that a bundle carries
 * its rules and words only when the site uses it.
 *
 * @example
 * import { createJourney } from 'journeykit'
 * import { b2b } from 'journeykit/b2b'
 * createJourney({ endpoint: '/collect', phases: b2b })
 * // or extended: { extends: b2b, rules: [...], remove: [...], words: [...] }
 */
export { b2b } from './phases/presets/b2b'
export type { B2BPhase } from './types'
