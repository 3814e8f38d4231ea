/**
 * A table of listeners added to one target and removed together (src/page/listen.ts).
 */
import { expect, test, vi } from 'vitest'
import { listen } from '../../src/page/listen'

test('every listener of the table hears its own event until the returned function removes them all', () => {
  const target = new EventTarget()
  const onA = vi.fn()
  const onB = vi.fn()
  const stop = listen(target, { a: onA, b: onB })
  target.dispatchEvent(new Event('a'))
  target.dispatchEvent(new Event('b'))
  target.dispatchEvent(new Event('b'))
  expect(onA).toHaveBeenCalledTimes(1)
  expect(onB).toHaveBeenCalledTimes(2)
  expect(onA.mock.calls[0]![0]).toBeInstanceOf(Event)
  stop()
  target.dispatchEvent(new Event('a'))
  target.dispatchEvent(new Event('b'))
  expect(onA).toHaveBeenCalledTimes(1)
  expect(onB).toHaveBeenCalledTimes(2)
})

test('one listener may serve several events, and is removed from each', () => {
  const target = new EventTarget()
  const on = vi.fn()
  const stop = listen(target, { a: on, b: on })
  target.dispatchEvent(new Event('a'))
  target.dispatchEvent(new Event('b'))
  expect(on).toHaveBeenCalledTimes(2)
  stop()
  target.dispatchEvent(new Event('a'))
  target.dispatchEvent(new Event('b'))
  expect(on).toHaveBeenCalledTimes(2)
})

test('without a target (no Navigation API) nothing is added and removing is harmless', () => {
  const stop = listen(undefined, { navigate: vi.fn() })
  expect(stop).not.toThrow()
})
