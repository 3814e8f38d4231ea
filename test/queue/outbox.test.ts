/**
 * This page's events on their way into the queue (src/queue/outbox.ts): the write window, what
 * is sent unwritten, the exit memory and the dropped count. Storage is the memory store behind a
 * recorder of writes; the clock is fake.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { createReporter } from '../../src/errors'
import { memoryStorage } from '../../src/queue/memory'
import { createOutbox, WRITE_WINDOW } from '../../src/queue/outbox'
import type { QueueStorage, StateChange, StoredEvent } from '../../src/queue/store'
import type { JourneyError, JourneyEvent } from '../../src/types'
import { useFakeClock } from '../helpers/time'

beforeEach(() => useFakeClock())
afterEach(() => vi.useRealTimers())

const event = (name: string) => ({ id: name, type: 'track', name, props: {} }) as unknown as JourneyEvent

function setup({ maxQueueSize = 100, busy = (): boolean => false, persistent = true } = {}) {
  const inner = memoryStorage()
  const writes: Array<{ events: string[]; state: StateChange[]; dropped: number }> = []
  const storage: QueueStorage = {
    ...inner,
    _persistent_: persistent,
    _write_(events, state, max, dropped = 0) {
      writes.push({ events: events.map(([key]) => key), state, dropped })
      return inner._write_(events, state, max, dropped)
    },
  }
  const errors: JourneyError[] = []
  const state: StateChange[] = []
  const stored: StateChange[][] = []
  const outbox = createOutbox(
    { _storage_: storage, _maxQueueSize_: maxQueueSize, _report_: createReporter((error) => errors.push(error)), _takeStateChanges_: () => state.splice(0), _busy_: busy },
    (e) => (e.name === 'bad' ? undefined : JSON.stringify(e)),
    (changes) => stored.push(changes),
  )
  return { outbox, inner, writes, errors, state, stored }
}

const keys = (rows: StoredEvent[]) => rows.map(([key]) => key)

test('events arriving one at a time are one write, within the write window', async () => {
  const { outbox, writes } = setup()
  outbox._add_('k1', event('a'))
  await vi.advanceTimersByTimeAsync(WRITE_WINDOW / 2)
  outbox._add_('k2', event('b'))
  expect(writes).toEqual([])
  await vi.advanceTimersByTimeAsync(WRITE_WINDOW / 2)
  expect(writes).toEqual([{ events: ['k1', 'k2'], state: [], dropped: 0 }])
  expect(outbox._writes_).toBe(1)
})

test('a due write waits while a burst is being processed, so that the burst stays one write', async () => {
  let busy = true
  const { outbox, writes } = setup({ busy: () => busy })
  outbox._add_('k1', event('a'))
  await vi.advanceTimersByTimeAsync(WRITE_WINDOW * 3)
  expect(writes).toEqual([])
  busy = false
  await vi.advanceTimersByTimeAsync(1)
  expect(writes).toHaveLength(1)
})

test('taken for a send from memory, an event is unwritten: acknowledged, it is never written; otherwise it is written with the next write', async () => {
  const { outbox, writes } = setup()
  outbox._add_('k1', event('a'))
  outbox._add_('k2', event('b'))
  expect(keys(outbox._take_(10))).toEqual(['k1', 'k2'])
  expect([...outbox._unwritten_.keys()]).toEqual(['k1', 'k2'])
  outbox._unwritten_.delete('k1')
  outbox._acknowledge_(['k1'])
  await vi.advanceTimersByTimeAsync(WRITE_WINDOW)
  expect(writes.map((write) => write.events)).toEqual([['k2']])
  expect(outbox._unwritten_.size).toBe(0)
  expect([...outbox._unacknowledged_.keys()]).toEqual(['k2'])
})

test('an event the encoder refuses is dropped; the state changes and the dropped count go with the next write', async () => {
  const { outbox, writes, state, stored } = setup()
  outbox._add_('k1', event('bad'))
  state.push(['session', { id: 's' }])
  outbox._countDropped_(3)
  // The dropped count is stored at once, not at the end of the window.
  await vi.advanceTimersByTimeAsync(1)
  expect(writes).toEqual([{ events: [], state: [['session', { id: 's' }]], dropped: 3 }])
  expect(stored).toEqual([[['session', { id: 's' }]]])
  // (No event was written.)
  expect(outbox._writes_).toBe(0)
})

test('state stored in memory only is no news for other tabs', async () => {
  const { outbox, state, stored } = setup({ persistent: false })
  state.push(['uid', 'u1'])
  await outbox._write_()
  expect(stored).toEqual([])
})

test('a large burst is written in chunks, one task each', async () => {
  const { outbox, writes } = setup({ maxQueueSize: 10_000 })
  for (let i = 0; i < 2500; i++) outbox._add_(`k${String(i).padStart(5, '0')}`, event('e'))
  await vi.advanceTimersByTimeAsync(WRITE_WINDOW)
  await vi.advanceTimersByTimeAsync(1)
  await vi.advanceTimersByTimeAsync(1)
  expect(writes.map((write) => write.events.length)).toEqual([1000, 1000, 500])
})

test('the exit memory keeps the latest 500 unacknowledged events', async () => {
  const { outbox } = setup({ maxQueueSize: 10_000 })
  for (let i = 0; i < 600; i++) outbox._add_(`k${String(i).padStart(4, '0')}`, event('e'))
  await outbox._write_(Infinity)
  expect(outbox._unacknowledged_.size).toBe(500)
  expect(outbox._unacknowledged_.keys().next().value).toBe('k0100')
})

test('a trimmed queue and a failed write are reported; discard forgets what is not written; stop ends scheduled writes', async () => {
  const { outbox, errors, writes, inner } = setup({ maxQueueSize: 2 })
  for (const key of ['k1', 'k2', 'k3']) outbox._add_(key, event('e'))
  await outbox._write_()
  expect(errors.map(({ code, count }) => [code, count])).toEqual([['queue_full', 1]])
  inner._write_ = () => Promise.reject(new Error('disk'))
  outbox._add_('k4', event('e'))
  await outbox._write_()
  expect(errors.at(-1)?.code).toBe('storage_failed')
  outbox._add_('k5', event('e'))
  outbox._take_(1)
  outbox._discard_()
  outbox._add_('k6', event('e'))
  outbox._stop_()
  await vi.advanceTimersByTimeAsync(WRITE_WINDOW * 2)
  expect(writes.flatMap((write) => write.events)).toEqual(['k1', 'k2', 'k3', 'k4'])
})
