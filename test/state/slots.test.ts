/**
 * The journey's state slots (src/state/slots.ts): values set here are marked changed and handed
 * out once to be written; the stored state read once storage opens (identity, session and phases
 * from storage win, other values changed here win), read again when another tab says it changed
 * it, and written back when the page decided events before it could read it.
 */
import { afterEach, beforeEach, describe, expect, test, vi, type Mock } from 'vitest'
import { createReporter } from '../../src/errors'
import { indexedDBStorage } from '../../src/queue/indexeddb'
import { memoryStorage } from '../../src/queue/memory'
import { queueScope } from '../../src/queue/scope'
import type { QueueStorage } from '../../src/queue/store'
import { createSlots, type SlotsConfig } from '../../src/state/slots'
import type { JourneyError } from '../../src/types'
import { flakyStorage, freshIndexedDB, restoreStorage } from '../helpers/storage'

const scope = queueScope('https://collect.example/e')
let errors: JourneyError[]

beforeEach(() => {
  errors = []
  freshIndexedDB()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

afterEach(() => {
  vi.restoreAllMocks()
  restoreStorage()
})

/** Slots over `storage` (IndexedDB by default), with the config's calls recorded. */
function slotsOver(storage: QueueStorage | undefined = indexedDBStorage(scope), mayRefresh = true) {
  const config: SlotsConfig & { current: QueueStorage | undefined; _persist_: Mock<() => void>; _read_: Mock<() => void> } = {
    current: storage,
    _storage_: () => config.current,
    _mayRefresh_: () => mayRefresh,
    _persist_: vi.fn<() => void>(),
    _read_: vi.fn<() => void>(),
    _report_: createReporter((error) => errors.push(error)),
  }
  return { slots: createSlots(config), config, storage: storage! }
}

/** What another tab (or an earlier page) stored. */
const stored = (...values: Array<[string, unknown]>) => indexedDBStorage(scope)._write_([], values, 100)

describe('slots', () => {
  test('setting a slot marks it changed and asks for a write; the changes are handed out once', () => {
    const { slots, config } = slotsOver()
    const plan = slots._slot_<string>('plan')
    expect(plan.get()).toBeUndefined()
    plan.set('pro')
    slots._slot_<number>('count').set(2)
    expect(plan.get()).toBe('pro')
    expect(config._persist_).toHaveBeenCalledTimes(2)
    expect(slots._takeChanges_()).toEqual([
      ['plan', 'pro'],
      ['count', 2],
    ])
    expect(slots._takeChanges_()).toEqual([])
    plan.set(undefined)
    expect(slots._takeChanges_()).toEqual([['plan', undefined]])
  })

  test("continues a destroyed journey's state: the same values, the same unwritten changes", () => {
    const state = new Map<string, unknown>([['anonymousId', 'carried']])
    const changed = new Set(['anonymousId'])
    const slots = createSlots(slotsOver().config, { state, changed })
    expect(slots.state).toBe(state)
    expect(slots._slot_('anonymousId').get()).toBe('carried')
    expect(slots._takeChanges_()).toEqual([['anonymousId', 'carried']])
  })

  test('clear() forgets every value and every change', () => {
    const { slots } = slotsOver()
    slots._slot_('userId').set('u1')
    slots._clear_()
    expect(slots._slot_('userId').get()).toBeUndefined()
    expect(slots._takeChanges_()).toEqual([])
    expect(slots._hydrated_).toBe(false)
  })
})

describe('hydrate()', () => {
  test('reads the stored state; identity, session and phases stored win, other values changed here win', async () => {
    await stored(['anonymousId', 'stored-visitor'], ['session', { id: 's1', lastActivity: 1 }], ['firstTouch', 'stored-touch'], ['userId', 'u-stored'])
    const { slots, config } = slotsOver()
    slots._slot_('anonymousId').set('made-up-before-reading')
    slots._slot_('firstTouch').set('this-page')
    slots._hydrate_()
    expect(slots._hydrated_).toBe(false)
    await slots._hydration_
    expect(slots._hydrated_).toBe(true)
    expect(slots._readOnce_).toBe(true)
    expect(config._read_).toHaveBeenCalledTimes(1)
    expect(Object.fromEntries(slots.state)).toEqual({
      anonymousId: 'stored-visitor',
      session: { id: 's1', lastActivity: 1 },
      firstTouch: 'this-page',
      userId: 'u-stored',
    })
  })

  test('a failed read is reported as storage_failed, and the page goes on deciding without it', async () => {
    const flaky = flakyStorage(indexedDBStorage(scope), new Error('read failed'))
    flaky.fail._readState_ = 1
    const { slots, config } = slotsOver(flaky.storage)
    slots._hydrate_()
    await slots._hydration_
    expect(errors.map((error) => error.code)).toEqual(['storage_failed'])
    expect(slots._hydrated_).toBe(true)
    expect(config._read_).toHaveBeenCalledTimes(1)
  })

  test('a read answering after its storage was replaced (consent denied) is dropped', async () => {
    await stored(['anonymousId', 'stored-visitor'])
    const { slots, config } = slotsOver()
    slots._hydrate_()
    config.current = undefined
    await slots._hydration_
    expect(slots._slot_('anonymousId').get()).toBeUndefined()
    expect(slots._hydrated_).toBe(false)
    expect(config._read_).not.toHaveBeenCalled()
  })

  test('decideEarly(): events may be decided at once, and the stored values are written back once read', async () => {
    await stored(['anonymousId', 'stored-visitor'], ['userId', 'u1'])
    const { slots, config } = slotsOver()
    slots._hydrate_()
    slots._decideEarly_()
    expect(slots._hydrated_).toBe(true)
    // Decided early on a made-up id, which is written…
    slots._slot_('anonymousId').set('made-up')
    expect(slots._takeChanges_()).toEqual([['anonymousId', 'made-up']])
    config._persist_.mockClear()
    await slots._hydration_
    // …so the stored one is written back over it.
    expect(slots._slot_('anonymousId').get()).toBe('stored-visitor')
    expect(slots._takeChanges_()).toEqual([
      ['anonymousId', 'stored-visitor'],
      ['userId', 'u1'],
    ])
    expect(config._persist_).toHaveBeenCalled()
  })
})

describe('refresh()', () => {
  async function hydrated(storage?: QueueStorage, mayRefresh?: boolean) {
    const made = slotsOver(storage, mayRefresh)
    made.slots._hydrate_()
    await made.slots._hydration_
    return made
  }

  test("reads another tab's changes: its values win, unless changed here and not yet written", async () => {
    const { slots } = await hydrated()
    slots._slot_('firstTouch').set('mine, unwritten')
    await stored(['userId', 'u-other-tab'], ['firstTouch', 'other-tab'])
    slots._refresh_()
    expect(slots._readOnce_).toBe(true) // ids stay known meanwhile
    await slots._hydration_
    expect(slots._slot_('userId').get()).toBe('u-other-tab')
    expect(slots._slot_('firstTouch').get()).toBe('mine, unwritten')
  })

  test('the session: whichever saw activity last, even when changed here', async () => {
    const { slots } = await hydrated()
    slots._slot_('session').set({ id: 's1', lastActivity: 100 })
    await stored(['session', { id: 's1', lastActivity: 200 }])
    slots._refresh_()
    await slots._hydration_
    expect(slots._slot_('session').get()).toEqual({ id: 's1', lastActivity: 200 })
    slots._slot_('session').set({ id: 's1', lastActivity: 300 })
    slots._refresh_()
    await slots._hydration_
    expect(slots._slot_('session').get()).toEqual({ id: 's1', lastActivity: 300 })
  })

  test('another tab reset the visitor: what it deleted goes here too, unless changed here', async () => {
    await stored(['userId', 'u1'], ['plan', 'pro'], ['anonymousId', 'a1'])
    const { slots } = await hydrated()
    slots._slot_('plan').set('team')
    await indexedDBStorage(scope)._write_([], [['userId', undefined], ['plan', undefined], ['anonymousId', 'a2']], 100)
    slots._refresh_()
    await slots._hydration_
    expect(Object.fromEntries(slots.state)).toEqual({ anonymousId: 'a2', plan: 'team' })
  })

  test('asked while the state is being read: read once more within the same hydration', async () => {
    const { slots, config, storage } = slotsOver()
    const reads = vi.spyOn(storage, '_readState_')
    slots._hydrate_()
    slots._refresh_()
    await stored(['userId', 'written-meanwhile'])
    await slots._hydration_
    expect(reads).toHaveBeenCalledTimes(2)
    expect(slots._slot_('userId').get()).toBe('written-meanwhile')
    expect(config._read_).toHaveBeenCalledTimes(1)
  })

  test('not on memory storage, and not before consent allows it', async () => {
    const onMemory = await hydrated(memoryStorage())
    const reads = vi.spyOn(onMemory.storage, '_readState_')
    onMemory.slots._refresh_()
    expect(reads).not.toHaveBeenCalled()
    const pending = await hydrated(undefined, false)
    const pendingReads = vi.spyOn(pending.storage, '_readState_')
    pending.slots._refresh_()
    expect(pendingReads).not.toHaveBeenCalled()
  })
})
