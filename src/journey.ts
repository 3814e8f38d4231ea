/**
 * `createJourney`: wires the pipeline and owns the public object.
 *
 * Data flows one way: touchpoint → track → enrich → phase → beforeSend → queue → transport.
 *
 * `track()` only validates, cleans the props, stamps the time and page context, and hands the
 * event to the intake; the rest runs in a microtask, after the journey's state has been read from
 * IndexedDB, in slices that never make a long task. Nothing is opened, written or sent while
 * consent is not granted.
 */
import { createDelivery, type Delivery } from './delivery'
import { createCapture } from './capture/capture'
import { watchPageUrl } from './capture/context'
import { createSenderLock } from './queue/lease'
import { instance, leave, liveJourneys } from './instances'
import { createReporter, describe } from './errors'
import { createHooks } from './enrich/hooks'
import { createDecider } from './enrich/decide'
import { createIdentity, newsForOtherTabs } from './enrich/identity'
import { CONSENT_STATES, resolveOptions } from './options'
import { watchDestination } from './page/destination'
import { watchLifecycle } from './page/lifecycle'
import { createPhaseEngine } from './phases'
import { scrubUrl } from './privacy/url'
import type { Journal } from './queue/journal'
import { openQueue } from './queue/open'
import { queueScope } from './queue/scope'
import { createIntake, type CapturedEvent, type Step } from './capture/intake'
import type { QueueStorage } from './queue/store'
import { forgetStored, initialConsent } from './state/consent'
import { createSlots } from './state/slots'
import { createTransport } from './delivery/transport'
import type {
  AnyEvents,
  ConsentState,
  EventMap,
  EventType,
  Journey,
  JourneyOptions,
  PhaseChange,
  PluginContext,
} from './types'



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
  const place = instance(config.endpoint)
  if (place.live) {
    // Outside StrictMode's double render a second call is a mistake: said while developing only.
    if (__DEV__ && !place.warned) {
      console.warn(`[journeykit] createJourney(): ${config.endpoint} has a live journey, returned as is`)
      place.warned = true
    }
    return place.live as Journey<Events, Phase>
  }
  const carried = place.left
  place.left = undefined

  const report = createReporter(config.onError, config.debug)
  // This journey's queue, lock and channel: its events go to its endpoint only.
  const scope = queueScope(config.endpoint)
  const scrub = (url: string): string => scrubUrl(url, config.redactParams)
  const plugins = config.touchpoints
  const hooks = createHooks(plugins, report, config.beforeSend)
  const { guard, each: eachPlugin } = hooks

  // ---- state: read from storage once consent allows, written with the events -------------------
  const slots = createSlots(
    {
      storage: () => storage,
      mayRefresh: () => consent === 'granted',
      persist: () => delivery?.persist(),
      read() {
        whenReady()
        process()
      },
      report,
    },
    carried,
  )
  const { slot } = slots
  const identity = createIdentity(slot, config.sessionTimeout)

  // canPersist: the engine mirrors its state to localStorage so `journey.phase` is right
  // synchronously after a reload; like everything else, only with consent.
  const engine = createPhaseEngine(config.phases, { state: slot, canPersist: () => consent === 'granted' })
  const phaseListeners = new Set<(change: PhaseChange) => void>()

  // ---- consent ----------------------------------------------------------------------------------
  let consent: ConsentState = initialConsent(config.consent, config.privacySignals, report)

  let storage: QueueStorage | undefined
  let delivery: Delivery | undefined
  let journal: Journal | undefined
  let keepScheduled = false
  let destroyed = false
  let whenReady: () => void
  const ready = new Promise<void>((resolve) => (whenReady = resolve))

  /** Opens storage, reads the state, then starts processing and delivering (consent granted). */
  function start(): void {
    if (!storage) {
      const opened = openQueue(scope, config.maxQueueSize, report)
      storage = opened.storage
      journal = opened.journal
      slots.hydrate()
    }
    if (!delivery) {
      delivery = createDelivery({
        batchSize: config.batchSize,
        flushInterval: config.flushInterval,
        maxQueueSize: config.maxQueueSize,
        storage,
        transport: createTransport(config.endpoint, config.headers),
        format: config.format,
        lock: createSenderLock(storage, scope.lock),
        report,
        channel: scope.channel,
        journal,
        takeStateChanges: slots.takeChanges,
        busy: () => intake.busy,
        stateChangedElsewhere: slots.refresh,
        departing: () => destination.sameOrigin(),
        urgent: newsForOtherTabs(),
      })
      // Events left by earlier pages go out soon after start-up.
      delivery.resume()
    }
    if (slots.hydrated) scheduleProcess()
  }

  // ---- intake and processing --------------------------------------------------------------------
  const intake = createIntake<CapturedEvent>(
    {
      limit: config.maxQueueSize,
      ready: () => slots.hydrated && consent === 'granted',
      open: () => consent === 'granted' && !!delivery,
      dropped(count) {
        report.warn('queue_full', __DEV__ && `More than ${config.maxQueueSize} events waited; the ${count} oldest were dropped`, { count })
        delivery!.countDropped(count)
      },
      decide: createDecider({ identity, hooks, engine, listeners: phaseListeners, report, enqueue: (key, event) => delivery?.enqueue(key, event) }),
    },
    carried?.intake.splice(0) as Array<CapturedEvent | Step> | undefined,
  )
  const { hand, schedule: scheduleProcess, process } = intake

  // ---- capture: the hot path --------------------------------------------------------------------
  const navigation = (window as { navigation?: EventTarget }).navigation
  const pageUrl = watchPageUrl(navigation)
  const captureEvent = createCapture(scrub, pageUrl.read, report)
  function capture(type: EventType, name: unknown, props: unknown, newUserId?: string, href?: string, time?: number, title?: string): void {
    try {
      if (destroyed) return report.warn('destroyed', __DEV__ && `"${String(name)}" was tracked after destroy() and ignored`)
      if (consent === 'denied') return
      const captured = captureEvent(type, name, props, newUserId, href, time, title)
      if (!captured) return
      hand(captured)
      // Tracked while or after the page hides (a site's own hide handler): kept like the rest.
      // A microtask still runs before the page goes on unloading, after the handler returns, and
      // keeps a burst of such calls together.
      if (lifecycle.hidden && !keepScheduled) {
        keepScheduled = true
        queueMicrotask(() => {
          keepScheduled = false
          keep(false)
        })
      }
    } catch (error) {
      report.warn('internal_error', __DEV__ && 'journeykit failed to record an event', { cause: error })
    }
  }

  // ---- page lifecycle ---------------------------------------------------------------------------
  /** Hidden or leaving: let touchpoints record their last events, then keep and send them. */
  function exit(leaving: boolean): void {
    eachPlugin('onHide')
    keep(leaving)
  }

  /**
   * Everything tracked so far is decided, handed to IndexedDB, journaled synchronously where
   * that write has not committed yet (the page may be gone before it does), and sent within the
   * keep-alive budget.
   */
  function keep(leaving: boolean): void {
    if (consent !== 'granted' || !delivery) return
    // Storage not read yet (a page left within milliseconds of loading): decide with what is known
    // rather than lose the events; stored identity still wins once it is read.
    slots.decideEarly()
    process(true)
    delivery.exit(leaving)
  }
  const destination = watchDestination(navigation)
  /** Hidden, left or frozen: what is tracked now is kept at once (see keep()). */
  const lifecycle = watchLifecycle({
    hide: exit,
    freeze: () => keep(false),
    visible() {
      destination.stayed()
      slots.refresh()
      delivery?.resume()
    },
    resume() {
      destination.stayed()
      delivery?.resume()
    },
  })

  // ---- touchpoints ------------------------------------------------------------------------------
  const pluginContext: PluginContext = {
    track: (name, props) => capture('track', name, props),
    page: (props, href, time, title) =>
      capture('page', 'page_view', props, undefined, typeof href === 'string' ? href : undefined, typeof time === 'number' ? time : undefined, typeof title === 'string' ? title : undefined),
    scrubUrl: scrub,
    state: slot,
    session: () => {
      const { id, count, startedAt } = identity.storedSession() ?? identity.session(Date.now())
      return { id, count, startedAt }
    },
    warn: (kind, message, cause) => report.warn(kind, message, cause === undefined ? undefined : { cause }),
  }
  const teardowns: Array<() => void> = []
  for (const plugin of plugins) {
    guard(() => {
      const teardown = plugin.setup?.(pluginContext)
      if (typeof teardown === 'function') teardowns.push(teardown)
    }, __DEV__ && `Touchpoint "${plugin.name}" (setup)`)
  }

  /** Consent denied: drop what waits and delete what earlier pages stored. */
  function forgetEverything(): void {
    whenReady()
    intake.clear()
    slots.clear()
    guard(() => engine.forget(), __DEV__ && 'The phase engine (forget)')
    const stored = storage
    storage = undefined
    journal = undefined
    forgetStored(stored, report)
  }

  if (consent === 'granted') start()
  else if (consent === 'denied') forgetEverything()

  /** Ids exist once the stored state is read, with consent. */
  const known = (): boolean => (slots.hydrated || slots.readOnce) && consent === 'granted'
  /** A call of the app's: touchpoints record first what happened before it (a page view waiting for its title). */
  const fromApp = (type: EventType, name: unknown, props: unknown, newUserId?: string): void => {
    eachPlugin('beforeTrack')
    capture(type, name, props, newUserId)
  }
  const journey: Journey = {
    track: (name, props) => fromApp('track', name, props),
    page: (props) => fromApp('page', 'page_view', props),
    ready,
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
      phaseListeners.add(listener)
      return () => phaseListeners.delete(listener)
    },
    consent(next) {
      if (!CONSENT_STATES.includes(next)) {
        return report.warn('invalid_consent', __DEV__ && `consent() takes "granted", "denied" or "pending"; got ${describe(next)}`)
      }
      // (Denied twice: nothing left to forget; the other journeys were told the first time.)
      if (destroyed || (next === 'denied' && consent === 'denied')) return
      consent = next
      if (next === 'granted') return start()
      // Pending or denied: stop sending; what is stored stays for pending, goes for denied.
      delivery?.stop(next === 'denied')
      delivery = undefined
      if (next !== 'denied') return
      forgetEverything()
      // Consent is the visitor's, and the visitor is the site's: every journey on the page stops
      // (the database they share is gone), none goes on recording the visitor.
      for (const other of liveJourneys()) if (other !== journey) other.consent('denied')
    },
    flush() {
      if (consent !== 'granted' || !delivery) return Promise.resolve()
      // Events tracked right before flush() are sent too, once the state they need is read.
      return slots.hydration
        .then(() => {
          process(true)
          return delivery?.flush(true)
        })
        .catch(() => {})
    },
    reset() {
      hand(() => {
        identity.reset()
        guard(() => engine.reset(), __DEV__ && 'The phase engine (reset)')
        eachPlugin('reset')
      })
    },
    destroy() {
      if (destroyed) return
      destroyed = true
      leave(place, journey, { state: slots.state, changed: slots.changed, intake: intake.items })
      lifecycle.stop()
      pageUrl.stop()
      destination.stop()
      // Last installed, first removed: touchpoints wrapping the same method unwind cleanly.
      for (const teardown of teardowns.reverse()) guard(teardown, __DEV__ && 'A touchpoint teardown')
      // What was tracked before destroy() is decided and stored for the next load.
      void slots.hydration.then(() => {
        process(true)
        delivery?.stop()
        delivery = undefined
      })
    },
  }
  place.live = journey
  return journey as Journey<Events, Phase>
}
