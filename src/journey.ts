/**
 * `createJourney`: the composition root. It wires the pipeline and owns nothing else; each part
 * lives in its own module under ./journey and ./<stage>.
 *
 * Data flows one way: touchpoint → track → enrich → phase → beforeSend → queue → transport.
 *
 * `track()` only validates, cleans the props, stamps the time and page context, and hands the
 * event to the intake (./journey/track); the rest runs in a microtask, after the journey's state
 * has been read from IndexedDB, in slices that never make a long task. Nothing is opened, written
 * or sent while consent is not granted (./journey/startup).
 */
import { createCapture } from './capture/capture'
import { createIntake, type CapturedEvent, type Step } from './capture/intake'
import { createDecider } from './enrich/decide'
import { createHooks } from './enrich/hooks'
import { createIdentity } from './enrich/identity'
import { createReporter } from './errors'
import { instance, leave } from './instances'
import { createApi } from './journey/api'
import { watchPage } from './journey/page'
import { createStartup } from './journey/startup'
import { installTouchpoints, touchpointContext } from './journey/touchpoints'
import { createTrack } from './journey/track'
import { resolveOptions } from './options'
import { createPhaseEngine } from './phases'
import { scrubUrl } from './privacy/url'
import { initialConsent } from './state/consent'
import { createSlots } from './state/slots'
import type { AnyEvents, EventMap, Journey, JourneyOptions, PhaseChange } from './types'

/** What `createJourney` returns off the browser (server-side rendering): it does nothing. */
function inertJourney(): Journey {
  const nothing = (): void => {}
  return {
    track: nothing,
    page: nothing,
    identify: nothing,
    phase: 'awareness',
    explain: () => [],
    on: () => nothing,
    consent: nothing,
    flush: () => Promise.resolve(),
    reset: nothing,
    destroy: nothing,
    ready: Promise.resolve(),
    anonymousId: undefined,
    sessionId: undefined,
  }
}

/**
 * Creates a journey: starts recording touchpoints and delivering them to `options.endpoint`.
 * Throws only for set-up mistakes (a missing or unsafe endpoint, a malformed option); after that
 * nothing it does throws into the page.
 *
 * @example
 * const journey = createJourney({ endpoint: '/collect', touchpoints: defaults() })
 * journey.track('add_to_cart', { sku: 'A1', price: 20 })
 */
export function createJourney<Events extends EventMap<Events> = AnyEvents, Phase extends string = string>(
  options: JourneyOptions,
): Journey<Events, Phase> {
  const config = resolveOptions(options)
  // (A script tag always runs in a browser: its build leaves the stub out.)
  if (!__SCRIPT_TAG__ && (typeof window === 'undefined' || typeof document === 'undefined')) return inertJourney() as Journey<Events, Phase>
  // One journey per page and endpoint (./instances): a live one is returned, a just destroyed one continued.
  const place = instance(config._endpoint_)
  if (place.live) {
    // Outside StrictMode's double render a second call is a mistake: said while developing only.
    if (__DEV__ && !place.warned) {
      console.warn(`[journeykit] createJourney(): ${config._endpoint_} has a live journey, returned as is`)
      place.warned = true
    }
    return place.live as Journey<Events, Phase>
  }
  const carried = place.left
  place.left = undefined

  const report = createReporter(config._onError_, config._debug_)
  const scrub = (url: string): string => scrubUrl(url, config._redactParams_)
  const plugins = config._touchpoints_
  const hooks = createHooks(plugins, report, config._beforeSend_)

  // ---- state: read from storage once consent allows, written with the events -------------------
  const slots = createSlots(
    {
      _storage_: () => startup._storage_,
      _mayRefresh_: () => startup._granted_(),
      _persist_: () => startup._delivery_?._persist_(),
      _read_() {
        startup._read_()
        intake._process_()
      },
      _report_: report,
    },
    carried,
  )
  const { _slot_: slot } = slots
  const identity = createIdentity(slot, config._sessionTimeout_)
  // canPersist: the engine mirrors its state to localStorage so `journey.phase` is right
  // synchronously after a reload; like everything else, only with consent.
  const engine = createPhaseEngine(config._phases_, { _state_: slot, _canPersist_: () => startup._granted_() })
  const listeners = new Set<(change: PhaseChange) => void>()

  // ---- consent, storage and delivery (./journey/startup) -----------------------------------------
  const startup = createStartup(config, report, slots, initialConsent(config._consent_, config._privacySignals_, report), {
    _busy_: () => intake._busy_,
    _departing_: () => page._departing_(),
    _process_: () => intake._schedule_(),
    _clear_() {
      intake._clear_()
      slots._clear_()
      hooks._guard_(() => engine._forget_(), __DEV__ && 'The phase engine (forget)')
    },
  })

  // ---- intake: events wait here until the state is read, then are decided in slices ---------------
  const intake = createIntake<CapturedEvent>(
    {
      _limit_: config._maxQueueSize_,
      _ready_: () => slots._hydrated_ && startup._granted_(),
      _open_: () => startup._granted_() && !!startup._delivery_,
      _dropped_(count) {
        report._warn_('queue_full', __DEV__ && `More than ${config._maxQueueSize_} events waited; the ${count} oldest were dropped`, { count })
        startup._delivery_!._countDropped_(count)
      },
      _decide_: createDecider({ _identity_: identity, _hooks_: hooks, _engine_: engine, _listeners_: listeners, _report_: report, _enqueue_: (key, event) => startup._delivery_?._enqueue_(key, event) }),
    },
    carried?.intake.splice(0) as Array<CapturedEvent | Step> | undefined,
  )

  // ---- the page, the track pipeline and the touchpoints -------------------------------------------
  const page = watchPage(startup, slots, intake, hooks)
  const track = createTrack(startup, createCapture(scrub, page._url_, report), intake, page, report)
  const removeTouchpoints = installTouchpoints(plugins, touchpointContext(track, scrub, slots, identity, report), hooks)
  startup._begin_()

  const journey = createApi({
    _startup_: startup,
    _slots_: slots,
    _identity_: identity,
    _engine_: engine,
    _hooks_: hooks,
    _track_: track,
    _intake_: intake,
    _listeners_: listeners,
    _report_: report,
    _teardown_(self) {
      leave(place, self, { state: slots.state, changed: slots.changed, intake: intake._items_ })
      page._stop_()
      removeTouchpoints()
    },
  })
  place.live = journey
  return journey as Journey<Events, Phase>
}
