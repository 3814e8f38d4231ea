/**
 * Deciding a captured event (src/enrich/decide.ts): who it is about, what the touchpoints add,
 * the phase it puts the journey in (a `phase_change` event keyed right before it), what
 * beforeSend makes of it, and the phase listeners told after both are queued. The real identity,
 * hooks and phase engine; only the state they keep is a Map.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { pageContext } from '../../src/capture/context'
import type { CapturedEvent } from '../../src/capture/intake'
import { createDecider } from '../../src/enrich/decide'
import { createHooks } from '../../src/enrich/hooks'
import { createIdentity } from '../../src/enrich/identity'
import { createReporter } from '../../src/errors'
import { createPhaseEngine } from '../../src/phases'
import type { JourneyError, JourneyEvent, JourneyOptions, PhaseChange, Touchpoint, StateSlot } from '../../src/types'
import { START, useFakeClock } from '../helpers/time'

const MODEL = {
  phases: ['awareness', 'consideration'],
  rules: [{ id: 'consideration.pricing', to: 'consideration', name: 'pricing' }],
}

let errors: JourneyError[]

beforeEach(() => {
  errors = []
  useFakeClock()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** A decider over fresh state; what it queues is in `queued`, in order, with its order key. */
function decider({ plugins = [], beforeSend, listeners = [] }: { plugins?: Touchpoint[]; beforeSend?: JourneyOptions['beforeSend']; listeners?: Array<(change: PhaseChange) => void> } = {}) {
  const state = new Map<string, unknown>()
  const slot = <T>(key: string): StateSlot<T> => ({ get: () => state.get(key) as T | undefined, set: (value) => void state.set(key, value) })
  const report = createReporter((error) => errors.push(error))
  const engine = createPhaseEngine(MODEL, { _state_: slot })
  const queued: Array<[string, JourneyEvent]> = []
  const decide = createDecider({
    _identity_: createIdentity(slot, 30 * 60_000),
    _hooks_: createHooks(plugins, report, beforeSend),
    _engine_: engine,
    _listeners_: new Set(listeners),
    _report_: report,
    _enqueue_: (key, event) => void queued.push([key, event]),
  })
  return { decide, queued, engine, state }
}

function captured(name: string, extra: Partial<CapturedEvent> = {}): CapturedEvent {
  return { type: 'track', name, props: {}, time: Date.now(), context: pageContext((url) => url), ...extra }
}

describe('an event', () => {
  test("is stamped with a fresh id, its capture time, the visitor's ids, session and phase", () => {
    const { decide, queued } = decider()
    const first = captured('opened', { time: START - 1000, props: { a: 1 } })
    decide(first)
    decide(captured('second'))
    const [[key, event], [, next]] = queued as [[string, JourneyEvent], [string, JourneyEvent]]
    expect(key).toBe(event.id + '.1')
    expect(event).toMatchObject({ type: 'track', name: 'opened', props: { a: 1 }, timestamp: new Date(START - 1000).toISOString(), userId: null, phase: 'awareness' })
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/)
    expect(next.id).not.toBe(event.id)
    expect(next.anonymousId).toBe(event.anonymousId)
    expect(next.sessionId).toBe(event.sessionId)
    // Its own copy of the context: a touchpoint changing it changes no other event.
    expect(event.context).toEqual(first.context)
    expect(event.context).not.toBe(first.context)
  })

  test("identify()'s user id is this event's and every later one's", () => {
    const { decide, queued } = decider()
    decide(captured('before'))
    decide(captured('identify', { type: 'identify', userId: 'user-1' }))
    decide(captured('after'))
    expect(queued.map(([, event]) => [event.name, event.userId])).toEqual([
      ['before', null],
      ['identify', 'user-1'],
      ['after', 'user-1'],
    ])
  })

  test('is enriched by the touchpoints before its phase is decided', () => {
    const { decide, queued } = decider({ plugins: [{ name: 'renamer', enrich: (event) => void (event.name = 'pricing') }] })
    decide(captured('looked-at-prices'))
    expect(queued.map(([, event]) => [event.name, event.phase])).toEqual([
      ['phase_change', 'consideration'],
      ['pricing', 'consideration'],
    ])
  })
})

describe('a phase change', () => {
  test('is queued as phase_change right before the event that caused it, then the listeners hear of it', () => {
    const heard: Array<[PhaseChange, number]> = []
    const { decide, queued } = decider({ listeners: [(change) => heard.push([change, queued.length])] })
    decide(captured('pricing'))
    const [[changeKey, change], [eventKey, event]] = queued as [[string, JourneyEvent], [string, JourneyEvent]]
    expect(changeKey).toBe(event.id + '.0')
    expect(eventKey).toBe(event.id + '.1')
    expect(changeKey < eventKey).toBe(true)
    expect(change).toMatchObject({
      type: 'track',
      name: 'phase_change',
      props: { from: 'awareness', to: 'consideration', rule: 'consideration.pricing' },
      anonymousId: event.anonymousId,
      sessionId: event.sessionId,
      timestamp: event.timestamp,
      phase: 'consideration',
    })
    expect(change.id).not.toBe(event.id)
    expect(heard).toEqual([[expect.objectContaining({ from: 'awareness', to: 'consideration', rule: 'consideration.pricing' }), 2]])
  })

  test('no change, no phase_change and no listener call', () => {
    const listener = vi.fn()
    const { decide, queued } = decider({ listeners: [listener] })
    decide(captured('browsing'))
    expect(queued.map(([, event]) => event.name)).toEqual(['browsing'])
    expect(listener).not.toHaveBeenCalled()
  })

  test('a throwing listener is reported; the others are still told', () => {
    const other = vi.fn()
    const { decide, queued } = decider({
      listeners: [
        () => {
          throw new Error('listener broke')
        },
        other,
      ],
    })
    expect(() => decide(captured('pricing'))).not.toThrow()
    expect(queued).toHaveLength(2)
    expect(other).toHaveBeenCalledTimes(1)
    expect(errors).toEqual([expect.objectContaining({ code: 'plugin_failed', message: expect.stringMatching(/journey\.on\("phase"\) listener threw/) })])
  })
})

describe('beforeSend and onEvent', () => {
  test('what beforeSend returns is queued and seen by onEvent; what it drops is neither', () => {
    const seen: string[] = []
    const { decide, queued } = decider({
      plugins: [{ name: 'watcher', onEvent: (event) => void seen.push(event.name) }],
      beforeSend: (event) => (event.name === 'secret' ? null : { ...event, props: { ...event.props, checked: true } }),
    })
    decide(captured('secret'))
    decide(captured('public'))
    expect(queued.map(([, event]) => [event.name, event.props])).toEqual([['public', { checked: true }]])
    expect(seen).toEqual(['public'])
  })

  test('a dropped phase_change leaves the event that caused it queued, in the new phase', () => {
    const { decide, queued, engine } = decider({ beforeSend: (event) => (event.name === 'phase_change' ? null : event) })
    decide(captured('pricing'))
    expect(queued.map(([, event]) => [event.name, event.phase])).toEqual([['pricing', 'consideration']])
    expect(engine._phase_).toBe('consideration')
  })
})
