/**
 * The public journey object on its own: argument checks, and which part each method hands its
 * work to. Every part it is wired to is a fake that records.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CapturedEvent, Step } from '../../src/capture/intake'
import type { Hooks } from '../../src/enrich/hooks'
import type { Identity } from '../../src/enrich/identity'
import { createReporter } from '../../src/errors'
import { instance } from '../../src/instances'
import { createApi } from '../../src/journey/api'
import type { PhaseEngine } from '../../src/phases'
import type { ConsentState, Journey, JourneyError, PhaseChange } from '../../src/types'
import { forgetJourneys } from '../helpers/instances'
import { fakeSlots, fakeStartup } from './fakes'

afterEach(() => {
  forgetJourneys()
  vi.restoreAllMocks()
})

function make(consent: ConsentState = 'granted', hydrated = true) {
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  const errors: JourneyError[] = []
  const startup = fakeStartup(consent)
  const slots = fakeSlots(hydrated)
  const calls: string[] = []
  const identity = { anonymousId: vi.fn(() => 'anon'), sessionId: vi.fn(() => 'sess'), reset: vi.fn() } as unknown as Identity
  const engine = { _phase_: 'decision', _history_: vi.fn(() => []), _reset_: vi.fn(), _forget_: vi.fn(), _decide_: vi.fn() } satisfies PhaseEngine
  const hooks = { _each_: vi.fn((hook: string) => void calls.push(`hook ${hook}`)), _guard_: vi.fn((task: () => void) => task()), _beforeSend_: vi.fn() } as unknown as Hooks
  const track = vi.fn((...args: unknown[]) => void calls.push(`track ${args[1]}`))
  const steps: Step[] = []
  const listeners = new Set<(change: PhaseChange) => void>()
  const intake = { _hand_: (step: Step | CapturedEvent) => void steps.push(step as Step), _process_: vi.fn() }
  const teardown = vi.fn()
  const journey = createApi({
    _startup_: startup,
    _slots_: slots,
    _identity_: identity,
    _engine_: engine,
    _hooks_: hooks,
    _track_: track,
    _intake_: intake,
    _listeners_: listeners,
    _report_: createReporter((error) => errors.push(error)),
    _teardown_: teardown,
  })
  const parts = { identity, engine, track, process: intake._process_, listeners, teardown }
  return { journey, parts, calls, errors, steps, startup, slots }
}

describe('recording', () => {
  it('track, page and identify let the touchpoints record first, then go to the track pipeline', () => {
    const { journey, parts, calls } = make()
    journey.track('add_to_cart', { sku: 'A1' })
    journey.page({ section: 'shoes' })
    journey.identify(' u-1 ', { plan: 'pro' })
    journey.identify(42 as unknown as string)
    expect(calls).toEqual(['hook beforeTrack', 'track add_to_cart', 'hook beforeTrack', 'track page_view', 'hook beforeTrack', 'track identify', 'hook beforeTrack', 'track identify'])
    expect(parts.track.mock.calls).toEqual([
      ['track', 'add_to_cart', { sku: 'A1' }, undefined],
      ['page', 'page_view', { section: 'shoes' }, undefined],
      ['identify', 'identify', { plan: 'pro' }, 'u-1'],
      ['identify', 'identify', undefined, '42'],
    ])
  })

  it('identify() without a usable user id is reported and records nothing', () => {
    const { journey, parts, errors } = make()
    for (const id of ['', '   ', undefined, null, {}]) journey.identify(id as unknown as string)
    expect(parts.track).not.toHaveBeenCalled()
    expect(errors.map((error) => error.code)).toEqual(Array(5).fill('invalid_user_id'))
  })
})

describe('reading', () => {
  it('ids once the stored state is read and consent is granted, else undefined', () => {
    expect(make('granted').journey.anonymousId).toBe('anon')
    expect(make('granted').journey.sessionId).toBe('sess')
    expect(make('granted', false).journey.anonymousId).toBeUndefined()
    expect(make('pending').journey.sessionId).toBeUndefined()
  })

  it('phase and explain() come from the engine; ready from the start-up', () => {
    const { journey, parts, startup } = make()
    expect(journey.phase).toBe('decision')
    journey.explain()
    expect(parts.engine._history_).toHaveBeenCalledTimes(1)
    expect(journey.ready).toBe(startup._ready_)
  })
})

describe('on', () => {
  it('adds a phase listener and returns its disposer', () => {
    const { journey, parts } = make()
    const listener = vi.fn()
    const off = journey.on('phase', listener)
    expect(parts.listeners.has(listener)).toBe(true)
    off()
    expect(parts.listeners.size).toBe(0)
  })

  it('anything else is reported and gets a disposer that does nothing', () => {
    const { journey, parts, errors } = make()
    const off = journey.on('click' as 'phase', vi.fn())
    journey.on('phase', 'not a function' as unknown as () => void)
    expect(() => off()).not.toThrow()
    expect(parts.listeners.size).toBe(0)
    expect(errors.map((error) => error.code)).toEqual(['invalid_listener', 'invalid_listener'])
  })
})

describe('consent', () => {
  it('hands a valid answer to the start-up; reports anything else', () => {
    const { journey, startup, errors } = make('pending')
    journey.consent('granted')
    journey.consent('yes' as ConsentState)
    expect(startup._answer_.mock.calls).toEqual([['granted']])
    expect(errors.map((error) => error.code)).toEqual(['invalid_consent'])
  })

  it('newly denied: every other live journey on the page is denied too', () => {
    const other = { consent: vi.fn() } as unknown as Journey
    instance('https://other.example/e').live = other
    const { journey } = make()
    instance('https://this.example/e').live = journey
    journey.consent('denied')
    expect(other.consent).toHaveBeenCalledWith('denied')
    // Denied again: the start-up says there is nothing new, nobody is told twice.
    journey.consent('denied')
    expect(other.consent).toHaveBeenCalledTimes(1)
  })

  it('after destroy(): ignored', () => {
    const { journey, startup } = make()
    journey.destroy()
    journey.consent('denied')
    expect(startup._answer_).not.toHaveBeenCalled()
  })
})

describe('flush', () => {
  it('granted: once the state is read, decides what waits and sends now', async () => {
    const { journey, parts, startup } = make()
    await journey.flush()
    expect(parts.process).toHaveBeenCalledWith(true)
    expect(startup._delivery_!._flush_).toHaveBeenCalledWith(true)
  })

  it('without consent: resolves at once, deciding and sending nothing', async () => {
    const { journey, parts } = make('pending')
    await expect(journey.flush()).resolves.toBeUndefined()
    expect(parts.process).not.toHaveBeenCalled()
  })

  it('never rejects', async () => {
    const { journey, startup } = make()
    vi.mocked(startup._delivery_!._flush_).mockRejectedValue(new Error('offline'))
    await expect(journey.flush()).resolves.toBeUndefined()
  })
})

describe('reset', () => {
  it('waits in the intake behind what was tracked; run, it resets identity, phase and touchpoints', () => {
    const { journey, parts, steps, calls } = make()
    journey.reset()
    expect(parts.identity.reset).not.toHaveBeenCalled()
    expect(steps).toHaveLength(1)
    steps[0]!()
    expect(parts.identity.reset).toHaveBeenCalledTimes(1)
    expect(parts.engine._reset_).toHaveBeenCalledTimes(1)
    expect(calls).toEqual(['hook reset'])
  })
})

describe('destroy', () => {
  it('tears down at once; decides what was tracked and stops delivery once the state is read; only once', async () => {
    const { journey, parts, startup } = make()
    journey.destroy()
    expect(startup._destroyed_).toBe(true)
    expect(parts.teardown).toHaveBeenCalledWith(journey)
    expect(startup._stop_).not.toHaveBeenCalled()
    await Promise.resolve()
    expect(parts.process).toHaveBeenCalledWith(true)
    expect(startup._stop_).toHaveBeenCalledTimes(1)
    journey.destroy()
    await Promise.resolve()
    expect(parts.teardown).toHaveBeenCalledTimes(1)
    expect(startup._stop_).toHaveBeenCalledTimes(1)
  })
})
