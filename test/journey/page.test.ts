/**
 * The page around the journey: hiding, leaving and freezing keep what was tracked at once, showing
 * the page again resumes delivery, and stop() removes every listener. The page's events are
 * dispatched for real (happy-dom); the start-up, slots and intake are fakes that record.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { watchPage, type Page } from '../../src/journey/page'
import type { ConsentState } from '../../src/types'
import { leavePage, restoreBrowser, setVisibility } from '../helpers/browser'
import { fakeSlots, fakeStartup } from './fakes'

let page: Page | undefined
afterEach(() => {
  page?._stop_()
  page = undefined
  restoreBrowser()
})

function watch(consent: ConsentState = 'granted') {
  const startup = fakeStartup(consent)
  const slots = fakeSlots(false)
  const order: string[] = []
  const parts = {
    startup,
    slots,
    process: vi.fn((all: boolean) => order.push(`process ${all}`)),
    hide: vi.fn(() => order.push('touchpoints hide')),
  }
  startup._delivery_ && vi.mocked(startup._delivery_._exit_).mockImplementation((leaving) => void order.push(`exit ${leaving}`))
  page = watchPage(startup, slots, { _process_: parts.process }, { _each_: (hook) => hook === 'onHide' && parts.hide() })
  return { ...parts, order, delivery: startup._delivery_ }
}

describe('keeping what was tracked', () => {
  it('hidden: the touchpoints record their last events, then everything is decided (state read or not) and sent', () => {
    const { order, slots } = watch()
    setVisibility('hidden')
    expect(order).toEqual(['touchpoints hide', 'process true', 'exit false'])
    expect(slots._decideEarly_).toHaveBeenCalledTimes(1)
    expect(page!._hidden_).toBe(true)
  })

  it('left: the same, with leaving true', () => {
    const { order } = watch()
    leavePage()
    expect(order.slice(-3)).toEqual(['touchpoints hide', 'process true', 'exit true'])
  })

  it('frozen: kept without the touchpoints being asked', () => {
    const { order, hide } = watch()
    document.dispatchEvent(new Event('freeze'))
    expect(order).toEqual(['process true', 'exit false'])
    expect(hide).not.toHaveBeenCalled()
  })

  it('without consent nothing is decided or sent, and the touchpoints are still told', () => {
    const { process, hide } = watch('pending')
    setVisibility('hidden')
    expect(hide).toHaveBeenCalledTimes(1)
    expect(process).not.toHaveBeenCalled()
  })

  it('keep() on its own (an event tracked after the page hid)', () => {
    const { order } = watch()
    page!._keep_(false)
    expect(order).toEqual(['process true', 'exit false'])
  })
})

describe('coming back', () => {
  it('visible again: other tabs\' changes are read and delivery resumes', () => {
    const { slots, delivery } = watch()
    setVisibility('hidden')
    setVisibility('visible')
    expect(slots._refresh_).toHaveBeenCalledTimes(1)
    expect(delivery!._resume_).toHaveBeenCalledTimes(1)
    expect(page!._hidden_).toBe(false)
  })

  it('shown from the back/forward cache or back online: delivery resumes', () => {
    const { delivery } = watch()
    window.dispatchEvent(new Event('online'))
    expect(delivery!._resume_).toHaveBeenCalledTimes(1)
  })
})

describe('the rest', () => {
  it('reads the page URL, and is not departing without a navigation to this origin', () => {
    watch()
    expect(page!._url_()).toBe(location.href)
    expect(page!._departing_()).toBe(false)
  })

  it('stop() removes the listeners', () => {
    const { hide, process } = watch()
    page!._stop_()
    setVisibility('hidden')
    document.dispatchEvent(new Event('freeze'))
    expect(hide).not.toHaveBeenCalled()
    expect(process).not.toHaveBeenCalled()
  })
})
