/**
 * The shapes of delivery: its configuration and API (createDelivery, delivery/index.ts), and the
 * parts it wires, which the send loop, the sender and the exit send share.
 */
import type { Reporter } from '../errors'
import type { Journal } from '../queue/journal'
import type { SenderLock } from '../queue/lease'
import type { Outbox } from '../queue/outbox'
import type { QueueStorage } from '../queue/store'
import type { JourneyEvent } from '../types'
import type { Backoff } from './backoff'
import type { Deadline } from './deadline'
import type { Settlement } from './settlement'
import type { Transport } from './transport'

/**
 * What delivery is configured with (and the outbox, with part of it). Its members are written
 * `_name_`: the build shortens them (tsup.config.ts `mangleProps`); none is stored or public.
 */
export interface DeliveryConfig {
  _batchSize_: number
  _flushInterval_: number
  _maxQueueSize_: number
  _storage_: QueueStorage
  _transport_: Transport
  _lock_: SenderLock
  _report_: Reporter
  /** The BroadcastChannel name on which tabs announce delivered keys (queue/scope.ts). */
  _channel_: string
  /** Keeps each write until it has committed, for the way out of the page (queue/journal.ts). */
  _journal_?: Journal
  /** State changes to store with the next write. */
  _takeStateChanges_(): Array<[string, unknown]>
  /** True while a burst is still being processed: scheduled writes wait so it stays one write. */
  _busy_?(): boolean
  /** Another tab stored state changes (identity, session): this page should read them. */
  _stateChangedElsewhere_?(): void
  /**
   * Whether other tabs must hear of these stored state changes at once (identity, a new session);
   * others (a session kept alive) are told within `TELL_EVERY` (delivery/channel.ts). All are urgent by default.
   */
  _urgent_?(changes: Array<[string, unknown]>): boolean
  /**
   * The page is about to be left for another page of the site (page/destination.ts), which reads
   * the same queue and journal and sends what is in them: timed sends wait, and the exit send is
   * left out, since this page would never see their answers and the next page would send the
   * same events again.
   */
  _departing_?(): boolean
}

/** What the journey asks of delivery (members written `_name_`: the build shortens them; not public). */
export interface Delivery {
  /** Queues an event under its order key (keys sort in tracking order). */
  _enqueue_(key: string, event: JourneyEvent): void
  /** Schedules a write of state changes (coalesced with events). */
  _persist_(): void
  /** Writes and sends now. `explicit` ignores backoff and waits for the sender lock. */
  _flush_(explicit: boolean): Promise<void>
  /**
   * The page is hidden or left: write now, journal what has not committed, and send what is
   * unacknowledged within the budget. `leaving` (pagehide) also closes the cross-tab channel,
   * which would keep the page out of the back/forward cache; `resume` reopens it.
   */
  _exit_(leaving: boolean): void
  /** Back online or visible again: send soon, backoff forgotten. */
  _resume_(): void
  /** Events that could not be kept (e.g. held too long before consent) count as dropped. */
  _countDropped_(count: number): void
  /**
   * Stops timers and the channel. What is pending is written, unless `discard` (consent denied:
   * nothing more may be written). Answers still on their way no longer touch storage.
   */
  _stop_(discard?: boolean): void
}

/**
 * The parts createDelivery wires, each the owner of its state, and whether delivery stopped.
 * (Fields written `_name_` are internal: the build gives them short names.)
 */
export interface DeliveryParts {
  _outbox_: Outbox
  _settlement_: Settlement
  _backoff_: Backoff
  /** The next flush: brought forward by whatever needs one sooner. */
  _flushTimer_: Deadline
  /** Stopped (consent withdrawn, destroyed): nothing is sent, and answers still on their way change nothing. */
  _stopped_: boolean
}
