/**
 * The public types of journeykit: the options, the journey object, and the small plugin interface
 * that automatic touchpoints are built on. The event envelope and the error codes live in
 * ./event/types, the state slot in ./state/types: the phase engine and the wire formats need them
 * too, and importing them from here would make each a cycle with this file. They are re-exported
 * here, so every public name stays where it always was.
 */
import type { ErrorCode, JourneyError, JourneyEvent, Props } from './event/types'
import type { WireFormat } from './formats/types'
import type { PhaseChange, PhaseHistoryEntry, PhasesOption } from './phases/types'
import type { StateSlot } from './state/types'

export type { Batch, Campaign, ErrorCode, EventContext, EventType, JourneyError, JourneyEvent, Props } from './event/types'
export type { StateSlot } from './state/types'

export type { FormatWarn, SendResult, Transport, WireFormat } from './formats/types'

export type {
  Pattern,
  PhaseChange,
  PhaseFacts,
  PhaseHistoryEntry,
  PhaseModel,
  PhaseModelExtension,
  PhaseRule,
  PhasesOption,
  PresetName,
  Vocabulary,
} from './phases/types'

/** Whether the visitor allowed tracking. */
export type ConsentState = 'granted' | 'denied' | 'pending'

/** Options for {@link createJourney}. Only `endpoint` is required. */
export interface JourneyOptions {
  /**
   * Where batches are POSTed: an absolute `http(s)` URL or a path on this site (`/collect`).
   * A URL with a user name or password is refused.
   */
  endpoint: string
  /**
   * Automatic touchpoints to install, e.g. `defaults()` or `[pageViews(), forms()]`.
   * @default []
   */
  touchpoints?: Touchpoint[]
  /**
   * The journey phase model: `'default'`, a model object (e.g. `b2b` from `journeykit/b2b`), or
   * a model extended with the site's rules (`{ extends: 'default' | model, rules, remove, words }`).
   * @default 'default'
   */
  phases?: PhasesOption
  /**
   * Events per request at most (requests also stay under ~60 000 bytes).
   * @default 20
   */
  batchSize?: number
  /**
   * Milliseconds between sends while events wait.
   * @default 5000
   */
  flushInterval?: number
  /**
   * Events kept at most; when full, the oldest go first and their number travels as `dropped`.
   * @default 10000
   */
  maxQueueSize?: number
  /**
   * Milliseconds of inactivity that end a session.
   * @default 1800000 (30 minutes)
   */
  sessionTimeout?: number
  /**
   * Initial consent state. `'pending'` keeps events in memory only until `consent('granted')`.
   * @default 'granted'
   */
  consent?: ConsentState
  /**
   * `'respect'` treats Global Privacy Control and Do Not Track as `'denied'` until the visitor
   * grants consent through `journey.consent('granted')`; `'ignore'` disregards them.
   * @default 'respect'
   */
  privacySignals?: 'respect' | 'ignore'
  /**
   * The wire format of a batch. By default journeykit's own JSON (see the README's "What goes
   * over the wire"); `segment({ writeKey })` from `journeykit/segment` speaks the Segment spec's
   * `/v1/batch` for RudderStack, Jitsu, Segment and others. A format is a transport of its own
   * (see {@link WireFormat}), so the core carries no code for it; tree-shaken when unused.
   * @example createJourney({ endpoint: 'https://hosted.rudderlabs.com/v1/batch', format: segment({ writeKey }) })
   */
  format?: WireFormat
  /** Extra request headers. They make cross-origin requests pre-flighted, and `sendBeacon` cannot carry them. */
  headers?: Record<string, string>
  /**
   * Query parameter names (or patterns) to remove from every recorded URL, on top of the
   * built-in rules that remove e-mail addresses, tokens, passwords, session ids and secrets.
   * @example ['invite', /^ref_/]
   */
  redactParams?: Array<string | RegExp>
  /** Last look at every event before it is queued: return it (changed or not), or null to drop it; returning nothing keeps it. */
  beforeSend?: (event: JourneyEvent) => JourneyEvent | null
  /** Called with every delivery, storage or input error. */
  onError?: (error: JourneyError) => void
  /**
   * Log what happens to the console.
   * @default false
   */
  debug?: boolean
}

/**
 * A catalogue of the events an app tracks: event name → its props (`undefined` for none). Give it
 * to `createJourney<Events>()` and `track()` rejects unknown names and wrong props at compile time.
 * @example
 * type Events = { add_to_cart: { sku: string; price: number }; signup: undefined }
 * const journey = createJourney<Events>({ endpoint: '/collect' })
 * journey.track('add_to_cart', { sku: 'A1', price: 20 }) // journey.track('add_to_cartt') is an error
 */
export type EventMap<Events> = { [Name in keyof Events]: object | undefined }

/** Any event name with any props: what `track()` takes without an {@link EventMap}. */
export type AnyEvents = Record<string, Props | undefined>

/** `track()`'s props argument for one event of a catalogue: required when the event has props that must be given. */
export type TrackProps<Props> = undefined extends Props ? [props?: Props] : [props: Props]

/** The phases of the built-in `'default'` model, for `createJourney<Events, DefaultPhase>()`. */
export type DefaultPhase = 'awareness' | 'consideration' | 'decision' | 'retention' | 'advocacy'

/** The phases of the `b2b` model (`journeykit/b2b`), for `createJourney<Events, B2BPhase>()`. */
export type B2BPhase = 'need' | 'research' | 'evaluation' | 'negotiation' | 'onboarding' | 'retention' | 'expansion' | 'advocacy'

/**
 * The object {@link createJourney} returns. `Events` types `track()` (see {@link EventMap});
 * `Phase` is the union of the model's phases (e.g. {@link DefaultPhase}).
 */
export interface Journey<Events extends EventMap<Events> = AnyEvents, Phase extends string = string> {
  /** Records a custom touchpoint. Never throws; bad input is reported once and dropped or cleaned. */
  track<Name extends keyof Events & string>(name: Name, ...props: TrackProps<Events[Name]>): void
  /** Records a page view of the current page now. */
  page(props?: Props): void
  /**
   * Ties later events to a known user; `traits` travel as the identify event's props. Two traits
   * tell the phase engine what the site knows: `customer: true` (a known customer) and `phase`
   * (the phase the server knows, e.g. `'retention'`).
   * @example journey.identify('u-881', { customer: true })
   */
  identify(userId: string, traits?: Props): void
  /** The current journey phase. */
  readonly phase: Phase
  /** Why the visitor is in the current phase: every phase change so far, oldest first. */
  explain(): PhaseHistoryEntry[]
  /** Subscribes to phase changes; returns the unsubscribe function. */
  on(type: 'phase', listener: (change: PhaseChange) => void): () => void
  /** Records the visitor's consent decision. */
  consent(state: ConsentState): void
  /** Sends everything queued now; resolves when the endpoint acknowledged it or the attempt failed. */
  flush(): Promise<void>
  /** Forgets identity and journey state (logout): new anonymous id, session and phase. */
  reset(): void
  /**
   * Removes every listener and timer it installed. Queued events stay stored for the next load.
   * A `createJourney` for the same endpoint later in the same task (React StrictMode, hot reload)
   * continues this journey's visitor, session and phase.
   */
  destroy(): void
  /**
   * Resolves once the stored state (visitor, session, phase) has been read, so that
   * {@link Journey.anonymousId} and {@link Journey.phase} are the stored ones; or once consent is
   * `'denied'`. While consent is `'pending'` it waits for the answer. Never rejects.
   * @example
   * await journey.ready
   * abTesting.setUser(journey.anonymousId)
   */
  readonly ready: Promise<void>
  /**
   * The visitor's anonymous id (UUIDv7), the one every event carries; `undefined` before
   * {@link Journey.ready} and without consent. Reading it on a first visit makes it.
   */
  readonly anonymousId: string | undefined
  /**
   * The current session's id; `undefined` before {@link Journey.ready} and without consent.
   * After 30 minutes (`sessionTimeout`) without events, reading it starts the next session.
   */
  readonly sessionId: string | undefined
}

/** Session facts at the moment an event is processed. */
export interface SessionInfo {
  id: string
  /** 1 for the visitor's first session. */
  count: number
  /** Milliseconds since epoch of the session's first event. */
  startedAt: number
}

/** What the core hands a touchpoint in `setup`. */
export interface TouchpointContext {
  /** Records a touchpoint (reserved names allowed). Never throws. */
  track(name: string, props?: Props): void
  /**
   * Records a page view. For a view recorded a moment after it happened (once the title a router
   * sets after changing the URL is there): `url` and `time` (ms since epoch) of the change, and
   * the `title` to record. Left out, each is read at the call.
   */
  page(props?: Props, url?: string, time?: number, title?: string): void
  /** Removes secrets from a URL by the privacy rules (plus the site's `redactParams`). */
  scrubUrl(url: string): string
  /** A persisted value; `key` is namespaced by the caller (e.g. `campaign.first`). */
  state<T>(key: string): StateSlot<T>
  /** The session of the event being processed (valid inside `enrich`, `beforeSend` and `onEvent`). */
  session(): SessionInfo
  /**
   * Reports a problem once per `kind` to the console, and to `onError` (with `cause`) every time.
   * A touchpoint's own failures are `plugin_failed`.
   */
  warn(kind: ErrorCode, message: string, cause?: unknown): void
}

/**
 * An automatic touchpoint or any other extension. Every hook is optional and may not throw
 * into the host page: the core catches and reports what a hook throws.
 */
export interface Touchpoint {
  /** Unique name, used in warnings. */
  name: string
  /** Installs listeners; returns the teardown that `destroy()` calls. */
  setup?(ctx: TouchpointContext): void | (() => void)
  /** Adds to an event (e.g. `context.campaign`) after storage is read, before the phase is decided. */
  enrich?(event: JourneyEvent): void
  /** Changes or drops (null) an event before it is queued; returning nothing keeps it as it is. */
  beforeSend?(event: JourneyEvent): JourneyEvent | null | undefined
  /** Sees every event once it is decided (after phase and beforeSend). */
  onEvent?(event: JourneyEvent): void
  /** The page is being hidden or left: track last events now; they go out with the unload send. */
  onHide?(): void
  /** `journey.reset()` was called: forget what the plugin keeps about the visitor. */
  reset?(): void
  /**
   * The app is about to record an event (`track`, `page` or `identify`): record first what
   * happened before it, so it keeps its place in the journey (a page view waiting for its title).
   */
  beforeTrack?(): void
}

/** @deprecated The former name of {@link Touchpoint}, kept as an alias. */
export type Plugin = Touchpoint

/** @deprecated The former name of {@link TouchpointContext}, kept as an alias. */
export type PluginContext = TouchpointContext
