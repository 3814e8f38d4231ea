/**
 * The built-in phase models, each a standalone module (`./presets/*`). Their rules are documented
 * one by one in the README's phases section; keep the two in step.
 */
import { b2b } from './presets/b2b'
import { standard } from './presets/default'
import type { PhaseModel } from './types'

/**
 * The built-in phase models, to read or to build a model of your own from. Importing this object
 * brings both into the bundle; `createJourney({ phases: b2b })` with `b2b` from `journeykit/b2b`
 * brings only the b2b one (and `phases: phasePresets.b2b` works the same).
 *
 * @example
 * const rules = phasePresets.default.rules.filter((rule) => rule.id !== 'consideration.second-session')
 * createJourney({ endpoint: '/collect', phases: { ...phasePresets.default, rules } })
 */
export const phasePresets: Readonly<Record<'default' | 'b2b', PhaseModel>> = { default: standard, b2b }
