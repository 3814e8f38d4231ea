/**
 * The wire-format interface: how a batch goes over the wire when it is not journeykit's own JSON.
 *
 * A format is a transport of its own: `createJourney({ format })` calls it once with the endpoint
 * and the site's headers, and delivery hands it journeykit's request bodies. It re-encodes each
 * body (the Segment spec's `{ batch, sentAt }`), sends it with its own headers, and tells delivery
 * what an answer means in journeykit's terms (`SendResult`). So the core has no format code at
 * all: one call where the transport is made is the whole hook, and a format is tree-shaken when
 * unused.
 *
 * Events are stored as journeykit events and encoded when they are sent: `beforeSend` sees
 * journeykit's event, stored events survive a change of format, and the id stays the same on
 * every retry.
 */
import type { SendResult, Transport } from '../delivery/transport'
import type { ErrorCode, JourneyError } from '../event/types'

export type { SendResult, Transport }

/** Reports a problem (console once per code, `onError` every time); `false` for the text: the code alone (production builds). */
export type FormatWarn = (code: ErrorCode, message: string | false, detail?: Omit<JourneyError, 'code' | 'message'>) => void

/**
 * A wire format: see {@link segment} (from `journeykit/segment`) for the one journeykit ships.
 *
 * Called once per journey with the `endpoint`, the site's `headers` (which should win over the
 * format's own) and a `warn` for what goes wrong. The transport it returns is given bodies of
 * journeykit's JSON, `{"sentAt":"…","events":[…],"dropped":n}`, and must:
 * - never reject: every failure is a `SendResult`;
 * - keep `sendOnExit` within the browser's keep-alive budget, and report in `budgetLeft()` how
 *   many bytes of journeykit's JSON still fit (the exit send sizes its batches by it);
 * - answer a refusal of its credentials, which no later batch on this page can overcome, with
 *   `retry: true` and a `retryAfter` as long as the page lives: the events stay queued for the
 *   next page load.
 */
export type WireFormat = (endpoint: string, headers: Record<string, string> | undefined, warn: FormatWarn) => Transport
