/**
 * The wire-format interface: how a batch of queued events goes over the wire when it is not
 * journeykit's own JSON. The default format is not one of these (it is built into the delivery
 * loop), so `createJourney` alone carries no format code; a format is passed as
 * `createJourney({ format })` and tree-shaken when unused.
 *
 * Events are stored as journeykit events and encoded when they are sent: `beforeSend` sees
 * journeykit's event, stored events survive a change of format, and the id stays the same on
 * every retry.
 */
import type { ErrorCode, JourneyError } from '../event/types'

/** Reports a problem (console once per code, `onError` every time). */
export type FormatWarn = (code: ErrorCode, message: string, detail?: Omit<JourneyError, 'code' | 'message'>) => void

/** A wire format: see {@link segment} (from `journeykit/segment`) for the one journeykit ships. */
export interface WireFormat {
  /**
   * Request headers (a `Content-Type`, an `Authorization`). The site's own `headers` option
   * wins over them. Any header but a CORS-safelisted `Content-Type` makes cross-origin requests
   * pre-flighted; `sendBeacon` (the fallback where keep-alive `fetch` is missing) carries none.
   */
  headers: Record<string, string>
  /**
   * Encodes one stored event (journeykit's event as JSON) for the wire. Returns undefined when
   * the event cannot be sent in this format (too large once encoded): it is then dropped and
   * reported as `event_too_large`. Called when the event is queued (to check it) and whenever
   * it is sent, so it must depend on the event alone.
   */
  event(json: string, warn: FormatWarn): string | undefined
  /** The request body around the encoded events of one batch. */
  batch(events: string[], sentAt: string, dropped: number): string
  /**
   * Whether a status means the endpoint refuses the credentials (a wrong write key), reporting it
   * through `warn` (`write_key_refused`) when it does. No batch can succeed then, so sending stops
   * for the page and the events stay queued for the next page load.
   */
  refused(status: number, count: number, warn: FormatWarn): boolean
}
