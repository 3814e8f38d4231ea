/**
 * Deciding a captured event: who it is about (identity, session), what the touchpoints add, which
 * phase it puts the journey in (with a `phase_change` event before it when that changes), and
 * what the touchpoints' and the site's `beforeSend` make of it; then it is queued.
 */
import type { CapturedEvent } from '../capture/intake'
import type { Reporter } from '../errors'
import { uuidv7 } from '../event/id'
import type { PhaseEngine } from '../phases/types'
import type { JourneyEvent, PhaseChange } from '../types'
import type { Hooks } from './hooks'
import type { Identity } from './identity'

/** Keys written `_name_`: the build shortens them (tsup.config.ts `mangleProps`); not public. */
export interface DecideConfig {
  _identity_: Identity
  _hooks_: Hooks
  _engine_: PhaseEngine
  /** The journey.on('phase') listeners, told after the events are queued. */
  _listeners_: ReadonlySet<(change: PhaseChange) => void>
  _report_: Reporter
  /** Queues an event under its order key. */
  _enqueue_(key: string, event: JourneyEvent): void
}

/** The function that decides captured events, one at a time, in tracking order. */
export function createDecider({ _identity_: identity, _hooks_: hooks, _engine_: engine, _listeners_: listeners, _report_: report, _enqueue_: enqueue }: DecideConfig): (captured: CapturedEvent) => void {
  function queue(key: string, event: JourneyEvent): void {
    const out = hooks._beforeSend_(event)
    if (!out) return report._debug_('dropped by beforeSend', event)
    hooks._each_('onEvent', out)
    report._debug_('queued', out)
    enqueue(key, out)
  }

  return function decide(captured: CapturedEvent): void {
    const { type, name, props, time, context } = captured
    const id = uuidv7()
    if (captured.userId !== undefined) identity.identify(captured.userId)
    const anonymous = identity.anonymousId()
    const event: JourneyEvent = {
      id,
      type,
      name,
      props,
      timestamp: new Date(time).toISOString(),
      anonymousId: anonymous,
      userId: identity.userId(),
      sessionId: identity.session(time).id,
      phase: '',
      context: { ...context },
    }
    hooks._each_('enrich', event)
    let change: PhaseChange | undefined
    hooks._guard_(() => (change = engine._decide_(event)), __DEV__ && 'The phase engine')
    event.phase = engine._phase_
    if (change) {
      // Its order key sorts right before the event that caused it.
      queue(id + '.0', {
        ...event,
        id: uuidv7(),
        type: 'track',
        name: 'phase_change',
        props: { from: change.from, to: change.to, rule: change.rule },
      })
    }
    queue(id + '.1', event)
    if (change) for (const listener of listeners) hooks._guard_(() => listener(change!), __DEV__ && 'A journey.on("phase") listener')
  }
}
