/**
 * The page's lifecycle events as one set of callbacks, and the hidden flag the capture path reads.
 */
import { afterEach, expect, test, vi } from 'vitest'
import { watchLifecycle, type Lifecycle } from '../../src/page/lifecycle'
import { leavePage, restoreBrowser, setVisibility } from '../helpers/browser'

let lifecycle: Lifecycle | undefined
afterEach(() => {
  lifecycle?._stop_()
  restoreBrowser()
})

function watch() {
  const on = { _hide_: vi.fn(), _freeze_: vi.fn(), _visible_: vi.fn(), _resume_: vi.fn() }
  lifecycle = watchLifecycle(on)
  return on
}

test('hidden, then left: hide(false), then hide(true), and the page counts as hidden', () => {
  const on = watch()
  expect(lifecycle!._hidden_).toBe(false)
  leavePage()
  expect(on._hide_.mock.calls).toEqual([[false], [true]])
  expect(lifecycle!._hidden_).toBe(true)
})

test('visible again: visible(), and no longer hidden', () => {
  const on = watch()
  setVisibility('hidden')
  setVisibility('visible')
  expect(on._visible_).toHaveBeenCalledTimes(1)
  expect(lifecycle!._hidden_).toBe(false)
})

test('freeze: freeze(), without counting the page as hidden', () => {
  const on = watch()
  document.dispatchEvent(new Event('freeze'))
  expect(on._freeze_).toHaveBeenCalledTimes(1)
  expect(on._hide_).not.toHaveBeenCalled()
  expect(lifecycle!._hidden_).toBe(false)
})

test('pageshow and online: resume(), hidden as the document says', () => {
  const on = watch()
  leavePage()
  // Back from the back/forward cache, visible.
  setVisibility('visible')
  window.dispatchEvent(new Event('pageshow'))
  expect(lifecycle!._hidden_).toBe(false)
  window.dispatchEvent(new Event('online'))
  expect(on._resume_).toHaveBeenCalledTimes(2)
})

test('stop() removes every listener', () => {
  const on = watch()
  lifecycle!._stop_()
  leavePage()
  document.dispatchEvent(new Event('freeze'))
  window.dispatchEvent(new Event('pageshow'))
  window.dispatchEvent(new Event('online'))
  for (const callback of Object.values(on)) expect(callback).not.toHaveBeenCalled()
})
