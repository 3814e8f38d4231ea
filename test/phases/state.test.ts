/**
 * The engine's state record and the merge that lets tabs share one journey: plain values in, plain
 * values out.
 */
import { describe, expect, it } from 'vitest'
import { freshState, MAX_HISTORY, MAX_SESSIONS, mergeStates, readState, type PhaseState } from '../../src/phases/state'
import type { PhaseHistoryEntry } from '../../src/phases/types'

const rank = new Map(['awareness', 'consideration', 'decision'].map((phase, index) => [phase, index]))
const state = (changes: Partial<PhaseState>): PhaseState => ({ ...freshState('awareness', 0), ...changes })
const entry = (eventId: string, at: string, to = 'consideration'): PhaseHistoryEntry => ({ from: 'awareness', to, rule: 'r', reason: 'why', at, eventId })

describe('freshState', () => {
  it('is a visitor the engine knows nothing about, in the given phase and epoch', () => {
    expect(freshState('decision', 3)).toEqual({ e: 3, p: 'decision', c: false, n: 0, s: [], k: {}, r: {}, h: [], t: 0 })
  })
})

describe('readState', () => {
  it('takes a stored state of this model, filling keys an older version did not store', () => {
    expect(readState({ e: 1, p: 'decision', s: [], h: [] }, rank)).toEqual({ ...freshState('decision', 1), e: 1 })
  })

  it('refuses what is not a state of this model', () => {
    for (const stored of [undefined, null, 'decision', 7, { p: 'onboarding', s: [], h: [] }, { p: 'decision', s: {}, h: [] }, { p: 'decision', s: [] }]) {
      expect(readState(stored, rank)).toBeUndefined()
    }
  })
})

describe('mergeStates', () => {
  it('keeps mine when there is nothing to join or the other is of an older epoch', () => {
    const mine = state({ e: 2, p: 'awareness' })
    expect(mergeStates(mine, undefined, rank)).toBe(mine)
    expect(mergeStates(mine, state({ e: 1, p: 'decision', c: true }), rank)).toBe(mine)
  })

  it('takes the other whole when its epoch is higher (a reset or a move back in another tab)', () => {
    const other = state({ e: 3, p: 'awareness' })
    expect(mergeStates(state({ e: 2, p: 'decision', c: true }), other, rank)).toBe(other)
  })

  it('in one epoch, keeps what either learned: furthest phase, conversion, most sessions and counts, earliest arrival, latest event', () => {
    const mine = state({ p: 'consideration', n: 2, s: [['a', 3], ['b', 1]], k: { purchase: 1, signup: 2 }, r: { awareness: 10, consideration: 50 }, t: 100 })
    const other = state({ p: 'decision', c: true, n: 3, s: [['b', 4], ['c', 1]], k: { purchase: 2 }, r: { awareness: 5, decision: 80 }, t: 90 })
    expect(mergeStates(mine, other, rank)).toEqual({
      e: 0,
      p: 'decision',
      c: true,
      n: 3,
      s: [['a', 3], ['b', 4], ['c', 1]],
      k: { purchase: 2, signup: 2 },
      r: { awareness: 5, consideration: 50, decision: 80 },
      h: [],
      t: 100,
    })
    // The furthest phase wins whichever side has it.
    expect(mergeStates(other, mine, rank).p).toBe('decision')
  })

  it('joins histories once per event, in time order, and keeps the bounds', () => {
    const shared = entry('e2', '2026-01-01T00:00:02Z')
    const mine = state({ h: [entry('e1', '2026-01-01T00:00:01Z'), shared] })
    const other = state({ h: [shared, entry('e0', '2026-01-01T00:00:00Z')] })
    expect(mergeStates(mine, other, rank).h.map((one) => one.eventId)).toEqual(['e0', 'e1', 'e2'])

    const many = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => entry(prefix + i, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()))
    const sessions = (prefix: string): Array<[string, number]> => Array.from({ length: MAX_SESSIONS }, (_, i) => [prefix + i, 1])
    const joined = mergeStates(state({ h: many('m', MAX_HISTORY), s: sessions('m') }), state({ h: many('o', MAX_HISTORY), s: sessions('o') }), rank)
    expect(joined.h).toHaveLength(MAX_HISTORY)
    expect(joined.s).toHaveLength(MAX_SESSIONS)
    // The newest sessions stay: the other's come after mine.
    expect(joined.s[MAX_SESSIONS - 1]![0]).toBe('o' + (MAX_SESSIONS - 1))
  })
})
