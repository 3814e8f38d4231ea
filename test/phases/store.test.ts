/**
 * Where the engine's state is kept: its state slot (faked here as a plain value) and the
 * localStorage copy that makes the phase right at start-up and lets tabs merge.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { freshState, type PhaseState } from '../../src/phases/state'
import { createPhaseStore } from '../../src/phases/store'
import type { StateSlot } from '../../src/state/types'

const MIRROR_KEY = 'journeykit:phases'
const rank = new Map(['awareness', 'consideration', 'decision'].map((phase, index) => [phase, index]))
const start = () => freshState('awareness', 0)
const at = (phase: string, changes: Partial<PhaseState> = {}): PhaseState => ({ ...start(), p: phase, ...changes })

/** A state slot that is only a value, with every write counted. */
function fakeSlot(value?: unknown) {
  const writes: unknown[] = []
  const slot: StateSlot<PhaseState> = {
    get: () => value as PhaseState | undefined,
    set(next) {
      value = next
      writes.push(next)
    },
  }
  return { slot, writes, put: (next: unknown) => (value = next) }
}

/** localStorage, faked: a Map, and any method can be made to throw (blocked site data, a full quota). */
function fakeLocalStorage() {
  const items = new Map<string, string>()
  const fail: Partial<Record<'getItem' | 'setItem' | 'removeItem', boolean>> = {}
  const refuse = (method: keyof typeof fail) => {
    if (fail[method]) throw new DOMException('refused', 'SecurityError')
  }
  const calls = { setItem: 0 }
  const storage = {
    get length() {
      return items.size
    },
    getItem: (key: string) => (refuse('getItem'), items.get(key) ?? null),
    setItem: (key: string, value: string) => (calls.setItem++, refuse('setItem'), void items.set(key, value)),
    removeItem: (key: string) => (refuse('removeItem'), void items.delete(key)),
    clear: () => items.clear(),
  }
  return { storage, fail, calls }
}

let fake: ReturnType<typeof fakeLocalStorage>
beforeEach(() => {
  fake = fakeLocalStorage()
  vi.stubGlobal('localStorage', fake.storage)
})
afterEach(() => vi.unstubAllGlobals())

describe('sync', () => {
  it('joins what the slot holds, and then what the localStorage copy holds', () => {
    const { slot } = fakeSlot(at('consideration'))
    const store = createPhaseStore(slot, rank, () => true)
    expect(store._sync_(start()).p).toBe('consideration')
    localStorage.setItem(MIRROR_KEY, JSON.stringify(at('decision', { c: true })))
    expect(store._sync_(at('consideration'))).toMatchObject({ p: 'decision', c: true })
  })

  it('reads each side again only when it changed', () => {
    const { slot, put } = fakeSlot(at('consideration'))
    const store = createPhaseStore(slot, rank)
    store._sync_(start())
    // The same slot value and copy as before: the state passed in comes back as it is.
    const mine = start()
    expect(store._sync_(mine)).toBe(mine)
    put(at('decision'))
    expect(store._sync_(mine).p).toBe('decision')
  })

  it('ignores a corrupt copy, another model\'s state, and a localStorage that throws', () => {
    localStorage.setItem(MIRROR_KEY, '{not json')
    const { slot, put } = fakeSlot({ p: 'onboarding', s: [], h: [] })
    const store = createPhaseStore(slot, rank)
    expect(store._sync_(start()).p).toBe('awareness')
    put(at('decision'))
    fake.fail.getItem = true
    localStorage.clear() // (the copy would be read again if it could be)
    const state = store._sync_(start())
    expect(state.p).toBe('decision')
    fake.fail.getItem = false
    localStorage.setItem(MIRROR_KEY, JSON.stringify(at('consideration', { c: true })))
    expect(store._sync_(state)).toMatchObject({ p: 'decision', c: true })
  })
})

describe('save', () => {
  it('writes every state to the slot, and to the copy only the changes that need it, while allowed', () => {
    let allowed = false
    const { slot, writes } = fakeSlot()
    const store = createPhaseStore(slot, rank, () => allowed)
    store._save_(at('consideration'), true)
    expect(writes).toHaveLength(1)
    expect(localStorage.getItem(MIRROR_KEY)).toBeNull() // not allowed yet
    allowed = true
    store._save_(at('consideration', { t: 5 }))
    // Still behind from the earlier change: written now that it may be.
    expect(JSON.parse(localStorage.getItem(MIRROR_KEY)!)).toMatchObject({ p: 'consideration', t: 5 })
    store._save_(at('consideration', { t: 9 }))
    // Nothing the copy must have: an ordinary event is not worth a localStorage write.
    expect(JSON.parse(localStorage.getItem(MIRROR_KEY)!).t).toBe(5)
    expect(writes).toHaveLength(3)
  })

  it('never writes the copy without canPersist', () => {
    const store = createPhaseStore(fakeSlot().slot, rank)
    store._save_(at('decision'), true)
    expect(localStorage.length).toBe(0)
  })

  it('keeps the copy behind when localStorage refuses the write, and tries again at the next save', () => {
    const store = createPhaseStore(fakeSlot().slot, rank, () => true)
    fake.fail.setItem = true
    expect(() => store._save_(at('consideration'), true)).not.toThrow()
    expect(localStorage.getItem(MIRROR_KEY)).toBeNull()
    fake.fail.setItem = false
    store._save_(at('consideration', { t: 1 }))
    expect(fake.calls.setItem).toBe(2)
    expect(JSON.parse(localStorage.getItem(MIRROR_KEY)!).t).toBe(1)
  })

  it('a state its own slot knew better (the copy forgotten, or a first load) goes to the copy at the next save', () => {
    const { slot } = fakeSlot(at('decision'))
    const store = createPhaseStore(slot, rank, () => true)
    const state = store._sync_(start())
    store._save_({ ...state, t: 3 })
    expect(JSON.parse(localStorage.getItem(MIRROR_KEY)!)).toMatchObject({ p: 'decision', t: 3 })
  })
})

describe('forget', () => {
  it('deletes the copy, and the next allowed save writes it again', () => {
    localStorage.setItem(MIRROR_KEY, JSON.stringify(at('decision')))
    const store = createPhaseStore(fakeSlot().slot, rank, () => true)
    store._forget_()
    expect(localStorage.getItem(MIRROR_KEY)).toBeNull()
    store._save_(at('awareness', { e: 1 }))
    expect(JSON.parse(localStorage.getItem(MIRROR_KEY)!)).toMatchObject({ p: 'awareness', e: 1 })
  })

  it('does not throw where localStorage does', () => {
    fake.fail.removeItem = true
    expect(() => createPhaseStore(fakeSlot().slot, rank)._forget_()).not.toThrow()
  })
})
