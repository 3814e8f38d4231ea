/**
 * journeykit: records a visitor's customer journey. Public exports only; importing this module
 * does nothing until `createJourney()` is called.
 */
export { createJourney } from './journey'
export { phasePresets } from './phases'
export { scrubUrl } from './privacy/url'
export * from './touchpoints'
export type * from './types'
