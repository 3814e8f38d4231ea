import type { PhaseEngine, PhaseEngineContext, PhasesOption } from './types'

export type { PhaseEngine, PhaseEngineContext, PhasesOption } from './types'

/**
 * Placeholder until the rule engine lands: every visitor stays in `awareness`.
 */
export function createPhaseEngine(_option: PhasesOption | undefined, _ctx: PhaseEngineContext): PhaseEngine {
  return {
    phase: 'awareness',
    decide: () => undefined,
    history: () => [],
    reset() {},
  }
}
