/**
 * What tabs tell each other (src/delivery/channel.ts). BroadcastChannel is faked: a registry of
 * channels by name that delivers to every other open channel of the name, synchronously.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { createTabChannel, TELL_EVERY } from '../../src/delivery/channel'
import { STATE_CHANNEL } from '../../src/queue/scope'
import { useFakeClock } from '../helpers/time'

const open = new Set<FakeChannel>()
const posted: Array<{ name: string; data: unknown }> = []

class FakeChannel {
  onmessage: ((message: MessageEvent) => void) | null = null
  constructor(readonly name: string) {
    open.add(this)
  }
  postMessage(data: unknown): void {
    posted.push({ name: this.name, data })
    for (const other of open) if (other !== this && other.name === this.name) other.onmessage?.({ data } as MessageEvent)
  }
  close(): void {
    open.delete(this)
  }
}

beforeEach(() => {
  useFakeClock()
  vi.stubGlobal('BroadcastChannel', FakeChannel)
})
afterEach(() => {
  open.clear()
  posted.length = 0
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

test('delivered keys reach the other tabs of the same journey', () => {
  const heard: string[][] = []
  const mine = createTabChannel('journeykit a', () => {})
  const other = createTabChannel('journeykit a', (keys) => heard.push(keys))
  const elsewhere = createTabChannel('journeykit b', (keys) => heard.push(['wrong journey', ...keys]))
  for (const tab of [mine, other, elsewhere]) tab._open_()
  mine._tellDelivered_(['k1', 'k2'])
  expect(heard).toEqual([['k1', 'k2']])
})

test('urgent state news goes at once; the rest at most every TELL_EVERY, and what waits is told on close', () => {
  const stateChanged = vi.fn()
  const mine = createTabChannel('journeykit a', () => {})
  const other = createTabChannel('journeykit other', () => {}, stateChanged)
  mine._open_()
  other._open_()
  mine._tellStateStored_(false)
  expect(stateChanged).toHaveBeenCalledTimes(1)
  mine._tellStateStored_(false)
  mine._tellStateStored_(false)
  expect(stateChanged).toHaveBeenCalledTimes(1)
  vi.advanceTimersByTime(TELL_EVERY)
  expect(stateChanged).toHaveBeenCalledTimes(2)
  mine._tellStateStored_(true)
  expect(stateChanged).toHaveBeenCalledTimes(3)
  mine._tellStateStored_(false)
  mine._close_()
  expect(stateChanged).toHaveBeenCalledTimes(4)
  expect(posted.every(({ name }) => name === STATE_CHANNEL)).toBe(true)
})

test('closing stops listening (nothing open: back/forward cache), opening again listens again', () => {
  const heard: string[][] = []
  const mine = createTabChannel('journeykit a', () => {})
  const other = createTabChannel('journeykit a', (keys) => heard.push(keys))
  mine._open_()
  other._open_()
  other._close_()
  expect([...open].map(({ name }) => name)).toEqual(['journeykit a', STATE_CHANNEL])
  mine._tellDelivered_(['k1'])
  other._open_()
  other._open_()
  mine._tellDelivered_(['k2'])
  expect(heard).toEqual([['k2']])
})

test('a BroadcastChannel that is missing or refused is no problem', () => {
  vi.stubGlobal('BroadcastChannel', undefined)
  const missing = createTabChannel('journeykit a', () => {})
  missing._open_()
  missing._tellDelivered_(['k'])
  missing._tellStateStored_(true)
  vi.stubGlobal(
    'BroadcastChannel',
    class {
      constructor() {
        throw new DOMException('denied', 'SecurityError')
      }
    },
  )
  const refused = createTabChannel('journeykit a', () => {})
  expect(() => refused._open_()).not.toThrow()
  refused._tellDelivered_(['k'])
  expect(posted).toEqual([])
})
