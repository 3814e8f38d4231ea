/** When the next send may go after a failure (src/delivery/backoff.ts): the randomness and the clock are faked. */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { createBackoff } from '../../src/delivery/backoff'
import type { SendResult } from '../../src/delivery/transport'
import { useFakeClock } from '../helpers/time'

beforeEach(() => useFakeClock())
afterEach(() => vi.useRealTimers())

const failure = (retryAfter?: number): SendResult => ({ ok: false, retry: true, status: 503, retryAfter })

test('doubles from 1 s up to 60 s, with ±25 % jitter, and starts over after a success', () => {
  const middle = createBackoff(() => 0.5)
  expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => middle._failed_(failure()))).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000])
  middle._succeeded_()
  expect(middle._failed_(failure())).toBe(1000)
  expect(createBackoff(() => 0)._failed_(failure())).toBe(750)
  expect(createBackoff(() => 0.999_999)._failed_(failure())).toBeCloseTo(1250, 2)
})

test('timed sends wait for the backoff; forgetting it (online again) lets them go', () => {
  const backoff = createBackoff(() => 0.5)
  expect(backoff._wait_()).toBeLessThanOrEqual(0)
  backoff._failed_(failure())
  expect(backoff._wait_()).toBe(1000)
  vi.advanceTimersByTime(400)
  expect(backoff._wait_()).toBe(600)
  expect(backoff._askedToWait_()).toBeLessThanOrEqual(0)
  backoff._forget_()
  expect(backoff._wait_()).toBeLessThanOrEqual(0)
  // Forgotten means the failures too: the next one waits the shortest time.
  expect(backoff._failed_(failure())).toBe(1000)
})

test('Retry-After is honoured by every send and survives forgetting our own backoff; never shorter than the backoff', () => {
  const backoff = createBackoff(() => 0.5)
  expect(backoff._failed_(failure(30_000))).toBe(30_000)
  expect(backoff._askedToWait_()).toBe(30_000)
  backoff._forget_()
  expect(backoff._wait_()).toBe(30_000)
  // `Retry-After: 0` on every answer still backs off.
  expect(backoff._failed_(failure(0))).toBe(1000)
  // A shorter Retry-After does not shorten a longer one asked for before.
  expect(backoff._askedToWait_()).toBe(30_000)
})

test('a wait asked for as long as the page lives (a refused write key) holds, even once our own backoff is forgotten', () => {
  const backoff = createBackoff()
  backoff._failed_(failure(2_147_483_647))
  vi.advanceTimersByTime(24 * 3600_000)
  expect(backoff._askedToWait_()).toBeGreaterThan(0)
  backoff._forget_()
  expect(backoff._wait_()).toBeGreaterThan(0)
})
