/**
 * The clock for unit tests: fake `setTimeout`, `clearTimeout`, `Date` and `performance.now()`
 * only, so that fake-indexeddb (which schedules its work with the real `setImmediate`) keeps
 * working. `vi.setSystemTime()` steps the wall clock (`Date`) and leaves `performance.now()`
 * alone, as NTP or a restored VM does in a browser.
 */
import { vi } from 'vitest'

export const START = Date.parse('2026-11-22T10:00:00.000Z')

/** Fakes the clock at `START` (or `at`). */
export function useFakeClock(at: number = START): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: at })
}

/** One real macrotask: lets fake-indexeddb (and Node's BroadcastChannel) make progress. */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * Lets everything that is due now run to completion: IndexedDB requests, promise chains and
 * 0 ms timers, without moving the clock.
 */
export async function idle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await macrotask()
    await runDueTimers()
  }
}

interface FakeClock {
  now: number
  timers?: Record<string, { callAt: number; delay?: number }>
}

/**
 * Runs the timers due now. A 0 ms timer set while fake timers are ticking is scheduled 1 ms later
 * by @sinonjs/fake-timers; a browser would run it right away, so the clock moves by that 1 ms.
 */
async function runDueTimers(): Promise<void> {
  if (!vi.isFakeTimers()) return
  await vi.advanceTimersByTimeAsync(0)
  const clock = (setTimeout as unknown as { clock?: FakeClock }).clock
  const timers = Object.values(clock?.timers ?? {})
  if (clock && timers.some((timer) => !timer.delay && timer.callAt <= clock.now + 1)) await vi.advanceTimersByTimeAsync(1)
}

/**
 * Moves the fake clock forward by `ms` in steps of at most `step` ms, letting IndexedDB work
 * finish after each step, so that a timer's follow-up work happens close to when it fired.
 */
export async function advance(ms: number, step = 50): Promise<void> {
  let left = ms
  while (left > 0) {
    const now = Math.min(step, left)
    await vi.advanceTimersByTimeAsync(now)
    left -= now
    await idle(8)
  }
  await idle()
}

/** Waits (without moving the clock) until `condition` holds; fails after `rounds` macrotasks. */
export async function until(condition: () => boolean, what = 'condition', rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (condition()) return
    await macrotask()
    await runDueTimers()
  }
  throw new Error(`timed out waiting for ${what}`)
}
