/**
 * The journey object the app holds: the public API of `createJourney`. Each method checks the
 * app's arguments (a mistake is reported, never thrown), then hands the work to the part that owns
 * it: events to the track pipeline, consent to the start-up, phases to the engine.
 */
import type { CapturedEvent, Intake } from '../capture/intake'
import type { Hooks } from '../enrich/hooks'
import type { Identity } from '../enrich/identity'
import { describe, type Reporter } from '../errors'
import { liveJourneys } from '../instances'
import { CONSENT_STATES } from '../options'
import type { PhaseEngine } from '../phases'
import type { Slots } from '../state/slots'
import type { EventType, Journey, PhaseChange } from '../types'
import type { Startup } from './startup'
import type { Track } from './track'

/**
 * What the object is wired to. The keys are written `_name_` so that the build shortens them
 * (tsup.config.ts `mangleProps`): wiring by name costs no more than closure variables did.
 */
export interface ApiParts {
  _startup_: Startup
  _slots_: Slots
  _identity_: Identity
  _engine_: PhaseEngine
  _hooks_: Hooks
  _track_: Track
  /** A reset waits in the intake behind the events tracked before it; flush() and destroy() decide what waits. */
  _intake_: Pick<Intake<CapturedEvent>, '_hand_' | '_process_'>
  /** Who hears of phase changes (the decider calls them). */
  _listeners_: Set<(change: PhaseChange) => void>
  _report_: Reporter
  /**
   * destroy(): removes the page's listeners and the touchpoints, and leaves what a journey for
   * the same endpoint created next continues (see ../instances).
   */
  _teardown_(journey: Journey): void
}

export function createApi(parts: ApiParts): Journey {
  const {
    _startup_: startup,
    _slots_: slots,
    _identity_: identity,
    _engine_: engine,
    _hooks_: hooks,
    _track_: track,
    _intake_: intake,
    _listeners_: listeners,
    _report_: report,
    _teardown_: teardown,
  } = parts
  const known = (): boolean => (slots._hydrated_ || slots._readOnce_) && startup._granted_()
  /** A call of the app's: touchpoints record first what happened before it (a page view waiting for its title). */
  const fromApp = (type: EventType, name: unknown, props: unknown, newUserId?: string): void => {
    hooks._each_('beforeTrack')
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
        return report._warn_('invalid_user_id', __DEV__ && `identify() needs a non-empty string user id; got ${describe(id)}`)
      }
      fromApp('identify', 'identify', traits, String(id).trim())
    },
    get phase() {
      return engine._phase_
    },
    explain: () => engine._history_(),
    on(type, listener) {
      if (type !== 'phase' || typeof listener !== 'function') {
        report._warn_('invalid_listener', __DEV__ && `on() takes "phase" and a function; got ${describe(type)}`)
        return () => {}
      }
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    consent(next) {
      if (!CONSENT_STATES.includes(next)) {
        return report._warn_('invalid_consent', __DEV__ && `consent() takes "granted", "denied" or "pending"; got ${describe(next)}`)
      }
      if (startup._destroyed_ || !startup._answer_(next)) return
      // Consent is the visitor's, and the visitor is the site's: every journey on the page stops
      // (the database they share is gone), none goes on recording the visitor.
      for (const other of liveJourneys()) if (other !== journey) other.consent('denied')
    },
    flush() {
      if (!startup._granted_() || !startup._delivery_) return Promise.resolve()
      // Events tracked right before flush() are sent too, once the state they need is read.
      return slots._hydration_
        .then(() => {
          intake._process_(true)
          return startup._delivery_?._flush_(true)
        })
        .catch(() => {})
    },
    reset() {
      intake._hand_(() => {
        identity.reset()
        hooks._guard_(() => engine._reset_(), __DEV__ && 'The phase engine (reset)')
        hooks._each_('reset')
      })
    },
    destroy() {
      if (startup._destroyed_) return
      startup._destroyed_ = true
      teardown(journey)
      // What was tracked before destroy() is decided and stored for the next load.
      void slots._hydration_.then(() => {
        intake._process_(true)
        startup._stop_()
      })
    },
  }
  return journey
}
