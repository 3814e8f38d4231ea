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
  const config: SlotsConfig & { current: QueueStorage | undefined; persist: Mock<() => void>; read: Mock<() => void> } = {
    current: storage,
    storage: () => config.current,
    mayRefresh: () => mayRefresh,
    persist: vi.fn<() => void>(),
    read: vi.fn<() => void>(),
    report: createReporter((error) => errors.push(error)),
  }
  return { slots: createSlots(config), config, storage: storage! }
}

/** What another tab (or an earlier page) stored. */
const stored = (...values: Array<[string, unknown]>) => indexedDBStorage(scope).write([], values, 100)

describe('slots', () => {
  test('setting a slot marks it changed and asks for a write; the changes are handed out once', () => {
    const { slots, config } = slotsOver()
    const plan = slots.slot<string>('plan')
    expect(plan.get()).toBeUndefined()
    plan.set('pro')
    slots.slot<number>('count').set(2)
    expect(plan.get()).toBe('pro')
    expect(config.persist).toHaveBeenCalledTimes(2)
    expect(slots.takeChanges()).toEqual([
      ['plan', 'pro'],
      ['count', 2],
    ])
    expect(slots.takeChanges()).toEqual([])
    plan.set(undefined)
    expect(slots.takeChanges()).toEqual([['plan', undefined]])
  })

  test("continues a destroyed journey's state: the same values, the same unwritten changes", () => {
    const state = new Map<string, unknown>([['anonymousId', 'carried']])
    const changed = new Set(['anonymousId'])
    const slots = createSlots(slotsOver().config, { state, changed })
    expect(slots.state).toBe(state)
    expect(slots.slot('anonymousId').get()).toBe('carried')
    expect(slots.takeChanges()).toEqual([['anonymousId', 'carried']])
  })

  test('clear() forgets every value and every change', () => {
    const { slots } = slotsOver()
    slots.slot('userId').set('u1')
    slots.clear()
    expect(slots.slot('userId').get()).toBeUndefined()
    expect(slots.takeChanges()).toEqual([])
    expect(slots.hydrated).toBe(false)
  })
})

describe('hydrate()', () => {
  test('reads the stored state; identity, session and phases stored win, other values changed here win', async () => {
    await stored(['anonymousId', 'stored-visitor'], ['session', { id: 's1', lastActivity: 1 }], ['firstTouch', 'stored-touch'], ['userId', 'u-stored'])
    const { slots, config } = slotsOver()
    slots.slot('anonymousId').set('made-up-before-reading')
    slots.slot('firstTouch').set('this-page')
    slots.hydrate()
    expect(slots.hydrated).toBe(false)
    await slots.hydration
    expect(slots.hydrated).toBe(true)
    expect(slots.readOnce).toBe(true)
    expect(config.read).toHaveBeenCalledTimes(1)
    expect(Object.fromEntries(slots.state)).toEqual({
      anonymousId: 'stored-visitor',
      session: { id: 's1', lastActivity: 1 },
      firstTouch: 'this-page',
      userId: 'u-stored',
    })
  })

  test('a failed read is reported as storage_failed, and the page goes on deciding without it', async () => {
    const flaky = flakyStorage(indexedDBStorage(scope), new Error('read failed'))
    flaky.fail.readState = 1
    const { slots, config } = slotsOver(flaky.storage)
    slots.hydrate()
    await slots.hydration
    expect(errors.map((error) => error.code)).toEqual(['storage_failed'])
    expect(slots.hydrated).toBe(true)
    expect(config.read).toHaveBeenCalledTimes(1)
  })

  test('a read answering after its storage was replaced (consent denied) is dropped', async () => {
    await stored(['anonymousId', 'stored-visitor'])
    const { slots, config } = slotsOver()
    slots.hydrate()
    config.current = undefined
    await slots.hydration
    expect(slots.slot('anonymousId').get()).toBeUndefined()
    expect(slots.hydrated).toBe(false)
    expect(config.read).not.toHaveBeenCalled()
  })

  test('decideEarly(): events may be decided at once, and the stored values are written back once read', async () => {
    await stored(['anonymousId', 'stored-visitor'], ['userId', 'u1'])
    const { slots, config } = slotsOver()
    slots.hydrate()
    slots.decideEarly()
    expect(slots.hydrated).toBe(true)
    // Decided early on a made-up id, which is written…
    slots.slot('anonymousId').set('made-up')
    expect(slots.takeChanges()).toEqual([['anonymousId', 'made-up']])
    config.persist.mockClear()
    await slots.hydration
    // …so the stored one is written back over it.
    expect(slots.slot('anonymousId').get()).toBe('stored-visitor')
    expect(slots.takeChanges()).toEqual([
      ['anonymousId', 'stored-visitor'],
      ['userId', 'u1'],
    ])
    expect(config.persist).toHaveBeenCalled()
  })
})

describe('refresh()', () => {
  async function hydrated(storage?: QueueStorage, mayRefresh?: boolean) {
    const made = slotsOver(storage, mayRefresh)
    made.slots.hydrate()
    await made.slots.hydration
    return made
  }

  test("reads another tab's changes: its values win, unless changed here and not yet written", async () => {
    const { slots } = await hydrated()
    slots.slot('firstTouch').set('mine, unwritten')
    await stored(['userId', 'u-other-tab'], ['firstTouch', 'other-tab'])
    slots.refresh()
    expect(slots.readOnce).toBe(true) // ids stay known meanwhile
    await slots.hydration
    expect(slots.slot('userId').get()).toBe('u-other-tab')
    expect(slots.slot('firstTouch').get()).toBe('mine, unwritten')
  })

  test('the session: whichever saw activity last, even when changed here', async () => {
    const { slots } = await hydrated()
    slots.slot('session').set({ id: 's1', lastActivity: 100 })
    await stored(['session', { id: 's1', lastActivity: 200 }])
    slots.refresh()
    await slots.hydration
    expect(slots.slot('session').get()).toEqual({ id: 's1', lastActivity: 200 })
    slots.slot('session').set({ id: 's1', lastActivity: 300 })
    slots.refresh()
    await slots.hydration
    expect(slots.slot('session').get()).toEqual({ id: 's1', lastActivity: 300 })
  })

  test('another tab reset the visitor: what it deleted goes here too, unless changed here', async () => {
    await stored(['userId', 'u1'], ['plan', 'pro'], ['anonymousId', 'a1'])
    const { slots } = await hydrated()
    slots.slot('plan').set('team')
    await indexedDBStorage(scope).write([], [['userId', undefined], ['plan', undefined], ['anonymousId', 'a2']], 100)
    slots.refresh()
    await slots.hydration
    expect(Object.fromEntries(slots.state)).toEqual({ anonymousId: 'a2', plan: 'team' })
  })

  test('asked while the state is being read: read once more within the same hydration', async () => {
    const { slots, config, storage } = slotsOver()
    const reads = vi.spyOn(storage, 'readState')
    slots.hydrate()
    slots.refresh()
    await stored(['userId', 'written-meanwhile'])
    await slots.hydration
    expect(reads).toHaveBeenCalledTimes(2)
    expect(slots.slot('userId').get()).toBe('written-meanwhile')
    expect(config.read).toHaveBeenCalledTimes(1)
  })

  test('not on memory storage, and not before consent allows it', async () => {
    const onMemory = await hydrated(memoryStorage())
    const reads = vi.spyOn(onMemory.storage, 'readState')
    onMemory.slots.refresh()
    expect(reads).not.toHaveBeenCalled()
    const pending = await hydrated(undefined, false)
    const pendingReads = vi.spyOn(pending.storage, 'readState')
    pending.slots.refresh()
    expect(pendingReads).not.toHaveBeenCalled()
  })
})
