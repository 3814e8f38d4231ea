/**
 * The event as it goes over the wire, and the problems reported about it: the types every stage
 * shares (capture, phases, wire formats, delivery). A leaf: it imports nothing from src/, so any
 * module can depend on it without closing a cycle. `../types` re-exports all of it.
 */

/** `page` for page views, `identify` for `journey.identify()`, `track` for everything else. */
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
