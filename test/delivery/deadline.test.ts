/** The timer that can only be brought forward (src/delivery/deadline.ts), on the fake clock. */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { createDeadline } from '../../src/delivery/deadline'
import { useFakeClock } from '../helpers/time'

beforeEach(() => useFakeClock())
afterEach(() => vi.useRealTimers())

test('runs once within the delay, and a later request never postpones an earlier one', () => {
  const task = vi.fn()
  const deadline = createDeadline(task)
  deadline._at_(1000)
  deadline._at_(5000)
  expect(deadline._due_).toBe(true)
  vi.advanceTimersByTime(999)
  expect(task).not.toHaveBeenCalled()
  vi.advanceTimersByTime(1)
  expect(task).toHaveBeenCalledTimes(1)
  expect(deadline._due_).toBe(false)
  vi.advanceTimersByTime(10_000)
  expect(task).toHaveBeenCalledTimes(1)
})

test('a sooner request brings the run forward', () => {
  const task = vi.fn()
  const deadline = createDeadline(task)
  deadline._at_(5000)
  deadline._at_(100)
  vi.advanceTimersByTime(100)
  expect(task).toHaveBeenCalledTimes(1)
  vi.advanceTimersByTime(10_000)
  expect(task).toHaveBeenCalledTimes(1)
})

test('while busy, a due run waits for the work to end', () => {
  const task = vi.fn()
  let busy = true
  const deadline = createDeadline(task, () => busy)
  deadline._at_(10)
  vi.advanceTimersByTime(50)
  expect(task).not.toHaveBeenCalled()
  expect(deadline._due_).toBe(true)
  busy = false
  vi.advanceTimersByTime(1)
  expect(task).toHaveBeenCalledTimes(1)
})

test('cancel forgets the run; stop also ignores every later request', () => {
  const task = vi.fn()
  const deadline = createDeadline(task)
  deadline._at_(10)
  deadline._cancel_()
  vi.advanceTimersByTime(100)
  expect(task).not.toHaveBeenCalled()
  deadline._at_(10)
  vi.advanceTimersByTime(10)
  expect(task).toHaveBeenCalledTimes(1)
  deadline._at_(10)
  deadline._stop_()
  deadline._at_(10)
  expect(deadline._due_).toBe(false)
  vi.advanceTimersByTime(100)
  expect(task).toHaveBeenCalledTimes(1)
})
