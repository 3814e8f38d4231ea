/**
 * The journey object the app holds: the public API of `createJourney`. Each method checks the
 * app's arguments (a mistake is reported, never thrown), then hands the work to the part that owns
 * it: events to the track pipeline, consent to the start-up, phases to the engine.
 */
import type { Hooks } from '../enrich/hooks'
import type { Identity } from '../enrich/identity'
import { describe, type Reporter } from '../errors'
import { liveJourneys } from '../instances'
import { CONSENT_STATES } from '../options'
import type { PhaseEngine } from '../phases'
import type { Slots } from '../state/slots'
import type { EventType, Journey, PhaseChange } from '../types'
import type { Step } from '../capture/intake'
import type { Startup } from './startup'
import type { Track } from './track'

export interface ApiParts {
  startup: Startup
  slots: Slots
  identity: Identity
  engine: PhaseEngine
  hooks: Hooks
  track: Track
  /** The intake: a reset waits there behind the events tracked before it. */
  hand(step: Step): void
  /** Decides what waits in the intake now (`all`: without yielding). */
  process(all: boolean): void
  /** Who hears of phase changes (the decider calls them). */
  listeners: Set<(change: PhaseChange) => void>
  report: Reporter
  /**
   * destroy(): removes the page's listeners and the touchpoints, and leaves what a journey for
   * the same endpoint created next continues (see ../instances).
   */
  teardown(journey: Journey): void
}

export function createApi(parts: ApiParts): Journey {
  const { startup, slots, identity, engine, hooks, track, report } = parts
  /** Ids exist once the stored state is read, with consent. */
  const known = (): boolean => (slots.hydrated || slots.readOnce) && startup._granted_()
  /** A call of the app's: touchpoints record first what happened before it (a page view waiting for its title). */
  const fromApp = (type: EventType, name: unknown, props: unknown, newUserId?: string): void => {
    hooks.each('beforeTrack')
    track(type, name, props, newUserId)
  }
  const journey: Journey = {
    track: (name, props) => fromApp('track', name, props),
    page: (props) => fromApp('page', 'page_view', props),
    ready: startup._ready_,
    get anonymousId() {
      return known() ? identity.anonymousId() : undefined
    },
    get sessionId() {
      return known() ? identity.sessionId() : undefined
    },
    identify(id, traits) {
      if ((typeof id !== 'string' || !id.trim()) && typeof id !== 'number') {
        return report.warn('invalid_user_id', __DEV__ && `identify() needs a non-empty string user id; got ${describe(id)}`)
      }
      fromApp('identify', 'identify', traits, String(id).trim())
    },
    get phase() {
      return engine.phase
    },
    explain: () => engine.history(),
    on(type, listener) {
      if (type !== 'phase' || typeof listener !== 'function') {
        report.warn('invalid_listener', __DEV__ && `on() takes "phase" and a function; got ${describe(type)}`)
        return () => {}
      }
      parts.listeners.add(listener)
      return () => parts.listeners.delete(listener)
    },
    consent(next) {
      if (!CONSENT_STATES.includes(next)) {
        return report.warn('invalid_consent', __DEV__ && `consent() takes "granted", "denied" or "pending"; got ${describe(next)}`)
      }
      if (startup._destroyed_ || !startup._answer_(next)) return
      // Consent is the visitor's, and the visitor is the site's: every journey on the page stops
      // (the database they share is gone), none goes on recording the visitor.
      for (const other of liveJourneys()) if (other !== journey) other.consent('denied')
    },
    flush() {
      if (!startup._granted_() || !startup._delivery_) return Promise.resolve()
      // Events tracked right before flush() are sent too, once the state they need is read.
      return slots.hydration
        .then(() => {
          parts.process(true)
          return startup._delivery_?.flush(true)
        })
        .catch(() => {})
    },
    reset() {
      parts.hand(() => {
        identity.reset()
        hooks.guard(() => engine.reset(), __DEV__ && 'The phase engine (reset)')
        hooks.each('reset')
      })
    },
    destroy() {
      if (startup._destroyed_) return
      startup._destroyed_ = true
      parts.teardown(journey)
      // What was tracked before destroy() is decided and stored for the next load.
      void slots.hydration.then(() => {
        parts.process(true)
        startup._stop_()
      })
    },
  }
  return journey
}
