/**
 * The track pipeline's entry: what is refused before capturing (destroyed, consent denied), what is
 * handed to the intake, and the keep scheduled when events are tracked while the page is hidden.
 * Capture, intake and page are fakes that record.
 */
import { describe, expect, it, vi } from 'vitest'
import type { Capture } from '../../src/capture/capture'
import type { CapturedEvent } from '../../src/capture/intake'
import { createReporter } from '../../src/errors'
import { createTrack } from '../../src/journey/track'
import type { ConsentState, JourneyError } from '../../src/types'
import { fakeStartup } from './fakes'

const captured = (name: string): CapturedEvent => ({ type: 'track', name, props: {}, time: 1, context: {} as CapturedEvent['context'] })

function make(consent: ConsentState = 'granted', hidden = false) {
  const startup = fakeStartup(consent)
  const errors: JourneyError[] = []
  const capture = vi.fn<Capture>((_type, name) => (name === 'bad' ? undefined : captured(String(name))))
  const hand = vi.fn()
  const page = { _hidden_: hidden, _keep_: vi.fn() }
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  const track = createTrack(startup, capture, { _hand_: hand }, page, createReporter((error) => errors.push(error)))
  return { track, startup, capture, hand, page, errors }
}

describe('track', () => {
  it('captures with every argument and hands the event to the intake', () => {
    const { track, capture, hand } = make()
    track('page', 'page_view', { a: 1 }, undefined, 'https://shop.example/late', 5, 'Title')
    expect(capture).toHaveBeenCalledWith('page', 'page_view', { a: 1 }, undefined, 'https://shop.example/late', 5, 'Title')
    expect(hand).toHaveBeenCalledWith(captured('page_view'))
  })

  it('hands on nothing that capturing dropped', () => {
    const { track, hand } = make()
    track('track', 'bad', {})
    expect(hand).not.toHaveBeenCalled()
  })

  it('records while consent is pending (held in memory), nothing once it is denied', () => {
    const pending = make('pending')
    pending.track('track', 'a', {})
    expect(pending.hand).toHaveBeenCalledTimes(1)
    const denied = make('denied')
    denied.track('track', 'a', {})
    expect(denied.capture).not.toHaveBeenCalled()
  })

  it('after destroy(): ignored and reported', () => {
    const { track, startup, capture, errors } = make()
    startup._destroyed_ = true
    track('track', 'late', {})
    expect(capture).not.toHaveBeenCalled()
    expect(errors.map((error) => error.code)).toEqual(['destroyed'])
  })

  it('never throws into the page: a failure is reported as internal_error', () => {
    const { track, hand, errors } = make()
    hand.mockImplementation(() => {
      throw new Error('broken')
    })
    expect(() => track('track', 'a', {})).not.toThrow()
    expect(errors.map((error) => error.code)).toEqual(['internal_error'])
  })

  it('tracked while the page is hidden: one keep in a microtask for a burst of calls', async () => {
    const { track, page } = make('granted', true)
    track('track', 'a', {})
    track('track', 'b', {})
    expect(page._keep_).not.toHaveBeenCalled()
    await Promise.resolve()
    expect(page._keep_).toHaveBeenCalledTimes(1)
    expect(page._keep_).toHaveBeenCalledWith(false)
    track('track', 'c', {})
    await Promise.resolve()
    expect(page._keep_).toHaveBeenCalledTimes(2)
  })

  it('while visible, nothing is kept at once', async () => {
    const { track, page } = make()
    track('track', 'a', {})
    await Promise.resolve()
    expect(page._keep_).not.toHaveBeenCalled()
  })
})
