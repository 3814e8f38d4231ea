/**
 * The Segment spec's batch (`POST /v1/batch`), spoken by Segment, RudderStack, Jitsu, Hightouch
 * Events and Customer.io Data Pipelines: `{ batch: [message, …], sentAt }`, authenticated by
 * HTTP Basic with the write key as user name, at most 500 KB per request and 32 KB per message,
 * de-duplicated on `messageId`. The README ("Send to RudderStack / Jitsu / Segment") documents
 * the mapping field by field.
 */
import { byteLength, createTransport } from '../delivery/transport'
import type { Campaign, JourneyEvent, Props } from '../types'
import type { FormatWarn, SendResult, WireFormat } from './types'

/**
 * Bytes one message may take (the spec's "32 KB per call"). Counted as 32 000, not 32 768: the
 * APIs do not say which they mean, and a message over their limit fails its whole batch (400).
 */
export const MAX_MESSAGE_BYTES = 32_000

/** The Segment spec's page context (`context.page`). */
export interface SegmentPage {
  path: string
  referrer: string
  /** The query string of the (scrubbed) URL, with its `?`; empty when there is none. */
  search: string
  title: string
  url: string
}

/** `context` of a message: the spec's fields, and journeykit's own under `journey`. */
export interface SegmentContext {
  page: SegmentPage
  library: { name: string; version: string }
  locale: string
  screen: { width: number; height: number }
  /** The spec's five campaign fields, when the `campaign()` touchpoint knows a campaign. */
  campaign?: Pick<Campaign, 'name' | 'source' | 'medium' | 'term' | 'content'>
  /**
   * What the spec has no field for: `phase`, `sessionId`, `channel` (null without the
   * `campaign()` touchpoint), campaign fields beyond the five (`id`, `clickIdParam`, `clickId`)
   * under `campaign`, and whatever touchpoints added to the context (`firstTouch`, `touches`).
   */
  journey: { phase: string; sessionId: string; channel: string | null; [key: string]: unknown }
  [key: string]: unknown
}

/** One message of the batch, as the Segment spec defines it. */
export interface SegmentMessage {
  type: 'track' | 'page' | 'identify'
  /** journeykit's event id: the same on every retry, so the pipeline's de-duplication works. */
  messageId: string
  anonymousId: string
  /** Present once the visitor was identified. */
  userId?: string
  /** When it happened on the device (ISO 8601). */
  timestamp: string
  /** The same moment, under the name RudderStack requires. */
  originalTimestamp: string
  /** Always `web` (RudderStack requires it). */
  channel: 'web'
  /** `track`: the event name. */
  event?: string
  /** `track`: the event's props; `page`: `context.page`'s fields, then the page view's props. */
  properties?: Props
  /** `identify`: the traits given to `identify()`. */
  traits?: Props
  context: SegmentContext
  [key: string]: unknown
}

/** Options for {@link segment}. */
export interface SegmentOptions {
  /** The source's write key: sent as the user name of HTTP Basic authentication. */
  writeKey: string
  /**
   * Changes each message before it goes, e.g. to rename events to a tracking plan: change
   * `message` in place or return a new one. It runs when the event is sent (again on a retry),
   * after `beforeSend` has seen journeykit's event, so it must depend on its arguments alone.
   * To drop events use `beforeSend`. If it throws, the message goes unchanged (`plugin_failed`).
   * @example
   * mapEvent(message) { if (message.event === 'add_to_cart') message.event = 'Product Added' }
   */
  mapEvent?: (message: SegmentMessage, event: JourneyEvent) => SegmentMessage | void
}

/** The longest timer browsers keep (about 24.8 days): "for as long as this page lives". */
const FOR_THIS_PAGE = 2_147_483_647

/**
 * Bytes of a Segment request body per byte of journeykit's, assumed until a body of this page was
 * measured. A page call grows most, since its URL and query appear in `context.page` and again in
 * its properties: about 1.9× with a campaign URL, 2.4× with a query of 300 characters
 * (test/formats/segment.test.ts measures them and the default touchpoints' events).
 */
export const ASSUMED_GROWTH = 2.5

/** The request body delivery hands a transport: journeykit's JSON (delivery/wire.ts). */
interface JourneyBody {
  sentAt: string
  events: JourneyEvent[]
  dropped?: number
}

/** A set-up mistake: the option and, in the development build, what is wrong with it. */
function fail(option: string, text: string | false): never {
  throw new Error(`[journeykit] segment(): ${text || `\`${option}\` is invalid; see the README's "Send to RudderStack / Jitsu / Segment" (the development build says more)`}`)
}

function searchOf(url: string): string {
  try {
    return new URL(url).search
  } catch {
    return ''
  }
}

/** The Segment message for one journeykit event (before `mapEvent`). */
export function toSegmentMessage(event: JourneyEvent): SegmentMessage {
  const { url, path, title, referrer, locale, screen, library, channel, campaign, ...rest } = event.context
  const page: SegmentPage = { path, referrer, search: searchOf(url), title, url }
  const context: SegmentContext = {
    page,
    library,
    locale,
    screen,
    // journeykit's own fields last: a touchpoint's context field of the same name does not hide them.
    journey: { ...rest, phase: event.phase, sessionId: event.sessionId, channel: channel ?? null },
  }
  if (campaign) {
    const { name, source, medium, term, content, ...more } = campaign
    // JSON leaves out the fields that are undefined.
    context.campaign = { name, source, medium, term, content }
    if (Object.keys(more).length) context.journey.campaign = more
  }
  const message: SegmentMessage = {
    type: event.type,
    messageId: event.id,
    anonymousId: event.anonymousId,
    timestamp: event.timestamp,
    originalTimestamp: event.timestamp,
    channel: 'web',
    context,
  }
  if (event.userId) message.userId = event.userId
  if (event.type === 'track') {
    message.event = event.name
    message.properties = event.props
  } else if (event.type === 'page') {
    // Where analytics.js puts them: destinations read a page view's URL from its properties.
    message.properties = { ...page, ...event.props }
  } else {
    message.traits = event.props
  }
  return message
}

/**
 * The Segment spec's wire format, for Segment, RudderStack, Jitsu, Hightouch Events and
 * Customer.io Data Pipelines. Point `endpoint` at the pipeline's `/v1/batch`.
 *
 * - Every request carries `Authorization: Basic base64(writeKey + ':')` and
 *   `Content-Type: application/json`, so cross-origin requests are pre-flighted.
 * - 401, 403 and 404 (a wrong write key, a forbidden or disabled source, a wrong URL) stop
 *   sending for the page and keep the events queued (`onError` code `write_key_refused`); the
 *   next page load tries again.
 * - A message over 32 000 bytes is dropped and reported (`event_too_large`) when its batch is
 *   sent, not sent to fail the whole batch.
 * - It is a transport of its own (formats/types.ts): journeykit's core carries no code for it.
 *
 * @example
 * import { createJourney, defaults } from 'journeykit'
 * import { segment } from 'journeykit/segment'
 * createJourney({
 *   endpoint: 'https://hosted.rudderlabs.com/v1/batch',
 *   format: segment({ writeKey: '2Qv…' }),
 *   touchpoints: defaults(),
 * })
 */
export function segment(options: SegmentOptions): WireFormat {
  const { writeKey, mapEvent } = options ?? ({} as SegmentOptions)
  if (typeof writeKey !== 'string' || !writeKey.trim()) fail('writeKey', __DEV__ && '`writeKey` is required: the write key of your source')
  if (mapEvent !== undefined && typeof mapEvent !== 'function') fail('mapEvent', __DEV__ && '`mapEvent` must be a function')
  let credentials: string
  try {
    credentials = btoa(writeKey.trim() + ':')
  } catch {
    fail('writeKey', __DEV__ && '`writeKey` must contain only Latin-1 characters')
  }
  const ownHeaders = { 'Content-Type': 'application/json', Authorization: 'Basic ' + credentials }

  /** One event as a message on the wire; undefined (reported) when it cannot go. */
  function encode(event: JourneyEvent, warn: FormatWarn): string | undefined {
    let out = ''
    try {
      if (mapEvent) {
        const message = toSegmentMessage(event)
        try {
          out = JSON.stringify(mapEvent(message, event) ?? message)
        } catch (error) {
          warn('plugin_failed', __DEV__ && `segment() mapEvent failed on "${event.name}"; the message went unchanged`, { cause: error })
        }
      }
      // A fresh message: a mapEvent that threw may have changed the one it was given.
      out ||= JSON.stringify(toSegmentMessage(event))
    } catch (error) {
      // An event the format cannot read (a beforeSend answer it does not expect, a tampered
      // record): left out, reported, and never blocking the events beside it.
      warn('internal_error', __DEV__ && 'segment() could not encode an event; it was left out', { cause: error })
      return undefined
    }
    if (byteLength(out) <= MAX_MESSAGE_BYTES) return out
    warn('event_too_large', __DEV__ && `Event "${event.name}" is over ${MAX_MESSAGE_BYTES} bytes as a Segment message; it was dropped`)
    return undefined
  }

  return (endpoint, headers, warn) => {
    const transport = createTransport(endpoint, { ...ownHeaders, ...headers })
    /** The largest growth of a body sent from this page; until one was, ASSUMED_GROWTH. */
    let growth: number | undefined

    /** A wrong write key fails every batch: stop for the page, keep the events for the next load. */
    function answer(count: number, result: SendResult): SendResult {
      const { status } = result
      if (status !== 401 && status !== 403 && status !== 404) return result
      warn(
        'write_key_refused',
        __DEV__ &&
          `The endpoint refused the write key or source (${status}); nothing more is sent from this page, ` +
            `the ${count} events stay queued for the next page load`,
        { status, count },
      )
      return { ...result, retry: true, retryAfter: FOR_THIS_PAGE }
    }

    /** Posts the Segment body of `body` (journeykit's) with `post`; nothing when none of its events can go. */
    function sendAs(body: string, post: (out: string) => Promise<SendResult> | undefined): Promise<SendResult> | undefined {
      const { sentAt, events, dropped } = JSON.parse(body) as JourneyBody
      const messages = events.map((event) => encode(event, warn)).filter((message) => message !== undefined)
      // Nothing to send: the events were reported and are done with.
      if (!messages.length) return Promise.resolve({ ok: true, retry: false, status: 204 })
      // `dropped`, journeykit's count of events lost to a full queue, is no field of the spec:
      // pipelines ignore it, a proxy or self-made collector can read it.
      const out = '{"batch":[' + messages.join(',') + '],"sentAt":"' + sentAt + '"' + (dropped ? ',"dropped":' + dropped : '') + '}'
      growth = Math.max(growth ?? 0, byteLength(out) / byteLength(body))
      return post(out)?.then((result) => answer(messages.length, result))
    }

    return {
      send: (body) => sendAs(body, transport.send)!,
      sendOnExit: (body) => sendAs(body, transport.sendOnExit),
      // The exit send sizes its batches in journeykit's bytes. (A body whose Segment form does
      // not fit after all is not sent: its events go with the next page load.)
      budgetLeft: () => transport.budgetLeft() / (growth ?? ASSUMED_GROWTH),
    }
  }
}
