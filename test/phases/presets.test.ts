/**
 * `phasePresets`: the built-in models by name, each a valid model the engine takes as it is.
 */
import { describe, expect, it } from 'vitest'
import { b2b } from '../../src/b2b'
import { createPhaseEngine } from '../../src/phases'
import { phasePresets } from '../../src/phases/presets'
import { standard } from '../../src/phases/presets/default'

const memory = () => {
  const values = new Map<string, unknown>()
  return { _state_: <T,>(key: string) => ({ get: () => values.get(key) as T | undefined, set: (value: T | undefined) => void values.set(key, value) }) }
}

describe('phasePresets', () => {
  it('names the default and the b2b model, the same objects their own modules export', () => {
    expect(Object.keys(phasePresets)).toEqual(['default', 'b2b'])
    expect(phasePresets.default).toBe(standard)
    expect(phasePresets.b2b).toBe(b2b)
  })

  it('each is a model the engine accepts, starting in its first phase', () => {
    expect(createPhaseEngine(phasePresets.default, memory())._phase_).toBe('awareness')
    expect(createPhaseEngine(phasePresets.b2b, memory())._phase_).toBe('need')
  })

  it('every rule id is unique within its model and moves to one of its phases', () => {
    for (const model of Object.values(phasePresets)) {
      const ids = model.rules.map((rule) => rule.id)
      expect(new Set(ids).size).toBe(ids.length)
      for (const rule of model.rules) expect(model.phases).toContain(rule.to)
    }
  })
})
