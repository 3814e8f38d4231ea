/**
 * The built-in phase models, each a standalone module (`./presets/*`). Their rules are documented
 * one by one in the README's phases section; keep the two in step.
 */
import { b2b } from './presets/b2b'
import { standard } from './presets/default'
import type { PhaseModel, PresetName } from './types'

/**
 * The built-in phase models, to read or to build a model of your own from.
 * `createJourney({ phases: 'b2b' })` uses `phasePresets.b2b`.
 *
 * @example
 * const rules = phasePresets.default.rules.filter((rule) => rule.id !== 'consideration.second-session')
 * createJourney({ endpoint: '/collect', phases: { ...phasePresets.default, rules } })
 */
export const phasePresets: Readonly<Record<PresetName, PhaseModel>> = { default: standard, b2b }
