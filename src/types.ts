/**
 * The public types of journeykit: the options, the journey object, the event envelope that goes
 * over the wire, and the small plugin interface that automatic touchpoints are built on.
 */
import type { WireFormat } from './formats/types'
import type { PhaseChange, PhaseHistoryEntry, PhasesOption } from './phases/types'

export type { FormatWarn, WireFormat } from './formats/types'

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

/** `page` for page views, `identify` for {@link Journey.identify}, `track` for everything else. */
export type EventType = 'page' | 'track' | 'identify'

/** Event properties after cleaning: JSON-safe values only. */
export type Props = Record<string, unknown>

/** The campaign that brought the visitor (UTM parameters and ad click ids). */
export interface Campaign {
  source?: string
  medium?: string
  /** `utm_campaign` */
  name?: string
  term?: string
  content?: string
  id?: string
  /** The ad click id parameter found, e.g. `gclid`, and its value. */
  clickIdParam?: string
  clickId?: string
  [key: string]: unknown
}

/** What every event says about where it happened. */
export interface EventContext {
  /** The page URL, scrubbed of secrets (see the README's URL hygiene rules). */
  url: string
  path: string
  /** The document title, scrubbed: e-mail addresses and tokens become `redacted`, URLs in it are scrubbed. */
  title: string
  /** The document referrer, scrubbed; empty when there is none. */
  referrer: string
  locale: string
  screen: { width: number; height: number }
  library: { name: 'journeykit'; version: string }
  /** The current touch's channel, e.g. `organic_search`, set by `campaign()`; `null` without it. */
  channel: string | null
  /** The current touch's campaign, set by `campaign()`; `null` without it. */
  campaign: Campaign | null
  [key: string]: unknown
}

/** One event as it goes over the wire (the design's envelope). */
export interface JourneyEvent {
  /** Unique per event and the same on every retry: collectors de-duplicate on it (UUIDv7). */
  id: string
  type: EventType
  name: string
  props: Props
  /** When it happened on the device (ISO 8601). */
  timestamp: string
  anonymousId: string
  userId: string | null
  sessionId: string
  /** The journey phase the visitor was in when it happened. */
  phase: string
  context: EventContext
}

/** The body of every request to the endpoint. */
export interface Batch {
  /** When this attempt was sent (device clock), for clock-skew correction. */
  sentAt: string
  events: JourneyEvent[]
  /** Events dropped because the queue was full since the last delivered batch; absent when 0. */
  dropped?: number
}

/**
 * Every problem journeykit reports, by code: the console shows each code once, `onError` gets
 * every occurrence. A closed set, so an `onError` handler can `switch` over it exhaustively.
 */
export type ErrorCode =
  /** An event name that is not a non-empty string of at most 255 characters: the event is dropped. */
  | 'invalid_name'
  /** Props that are not a plain object (tracked with `{}`), or an event that could not be serialized. */
  | 'invalid_props'
  /** An event larger than 32 KiB: it is dropped. */
  | 'event_too_large'
  /** Something in the props was left out or converted (functions, BigInt, circular references, …). */
  | 'props_cleaned'
  /** IndexedDB is missing or cannot be opened: the queue is kept in memory for the page. */
  | 'storage_unavailable'
  /** IndexedDB is failing: writes or reads did not work (memory fallback). */
  | 'storage_failed'
  /** Unreadable stored records (another version, tampering) were deleted. */
  | 'storage_corrupt'
  /** The endpoint answered a 4xx that is not retried, or a redirect: the batch is dropped. */
  | 'delivery_rejected'
  /** A retryable failure (network error, 408, 425, 429, 5xx): it will be retried. */
  | 'delivery_failed'
  /**
   * The endpoint refused the format's credentials (the Segment format: 401, 403, 404): nothing more
   * is sent from this page; the events stay queued for the next page load.
   */
  | 'write_key_refused'
  /** The oldest events were dropped to stay under `maxQueueSize`. */
  | 'queue_full'
  /** A touchpoint, hook or phase listener threw: the event goes on without it. */
  | 'plugin_failed'
  /** `identify()` with a user id that is not a non-empty string. */
  | 'invalid_user_id'
  /** `consent()` with a state that is not `'granted'`, `'denied'` or `'pending'`. */
  | 'invalid_consent'
  /** `on()` with an unknown event or a listener that is not a function. */
  | 'invalid_listener'
  /** A call after `destroy()`: ignored. */
  | 'destroyed'
  /** journeykit itself failed; nothing else is affected. */
  | 'internal_error'

/** What `onError` receives: a delivery, storage or input problem. Nothing is ever thrown. */
export interface JourneyError {
  /** What happened ({@link ErrorCode}). */
  code: ErrorCode
  message: string
  /** The HTTP status, for delivery errors. */
  status?: number
  /** How many events the error concerns, where that is known. */
  count?: number
  cause?: unknown
}

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
  touchpoints?: Plugin[]
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
   * `/v1/batch` for RudderStack, Jitsu, Segment and others. Tree-shaken when unused.
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

/** A value kept in the journey's IndexedDB state (memory only while consent is pending). */
export interface StateSlot<T> {
  /** The value; read from storage before any event is processed. */
  get(): T | undefined
  /** Replaces the value; written with the next coalesced write. */
  set(value: T | undefined): void
}

/** Session facts at the moment an event is processed. */
export interface SessionInfo {
  id: string
  /** 1 for the visitor's first session. */
  count: number
  /** Milliseconds since epoch of the session's first event. */
  startedAt: number
}

/** What the core hands a plugin in `setup`. */
export interface PluginContext {
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
export interface Plugin {
  /** Unique name, used in warnings. */
  name: string
  /** Installs listeners; returns the teardown that `destroy()` calls. */
  setup?(ctx: PluginContext): void | (() => void)
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
