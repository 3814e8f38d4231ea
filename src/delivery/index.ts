/**
 * From queued event to acknowledged delivery, losing nothing on the way. createDelivery wires
 * the parts, each in its own file:
 *
 * 1. The outbox (queue/outbox.ts) keeps events in memory and writes them in one coalesced
 *    transaction within {@link WRITE_WINDOW}; what is acknowledged before then is never written.
 *    A failed send, hiding or leaving the page (the exit journal keeps what has not committed)
 *    and `flush()` write at once, so only a tab that crashes can lose what arrived in that window.
 * 2. A flush (every `flushInterval` while events wait, at once when a full batch is waiting, or on
 *    `flush()`) takes the sender lock and runs the send loop (send-loop.ts): the oldest stored
 *    events, topped up with this page's own from memory, one batch at a time (batch.ts). The
 *    sender (sender.ts) acts on each answer (response.ts); what is delivered is deleted in groups
 *    (settlement.ts); retryable failures back off (backoff.ts) exponentially with jitter, or as
 *    Retry-After says.
 * 3. When the page is hidden or left, `exit` writes what is unwritten, journals what has not
 *    committed, and posts this page's unacknowledged events within the keep-alive budget
 *    (exit.ts). Left for a page of the same origin, which sends what is stored and journaled
 *    anyway, the exit send is left out.
 * 4. Tabs tell each other what they delivered and that they stored visitor state (channel.ts).
 */
import type { Reporter } from '../errors'
import type { WireFormat } from '../formats/types'
import type { SenderLock } from '../queue/lease'
import type { Journal } from '../queue/journal'
import { createOutbox, WRITE_WINDOW } from '../queue/outbox'
import type { QueueStorage } from '../queue/store'
import type { Transport } from './transport'
import { MAX_BATCH_BYTES } from './batch'
import { createBackoff } from './backoff'
import { createTabChannel, TELL_EVERY } from './channel'
import { createDeadline } from './deadline'
import { sendOnExit } from './exit'
import { createSendLoop } from './send-loop'
import { createSender } from './sender'
import { createSettlement } from './settlement'
import { createWire } from './wire'
import type { JourneyEvent } from '../types'

export { MAX_BATCH_BYTES, TELL_EVERY, WRITE_WINDOW }

export interface DeliveryConfig {
  batchSize: number
  flushInterval: number
  maxQueueSize: number
  storage: QueueStorage
  transport: Transport
  lock: SenderLock
  report: Reporter
  /** A wire format other than journeykit's JSON (e.g. the Segment spec's batch). */
  format?: WireFormat
  /** The BroadcastChannel name on which tabs announce delivered keys (queue/scope.ts). */
  channel: string
  /** Keeps each write until it has committed, for the way out of the page (queue/journal.ts). */
  journal?: Journal
  /** State changes to store with the next write. */
  takeStateChanges(): Array<[string, unknown]>
  /** True while a burst is still being processed: scheduled writes wait so it stays one write. */
  busy?(): boolean
  /** Another tab stored state changes (identity, session): this page should read them. */
  stateChangedElsewhere?(): void
  /**
   * Whether other tabs must hear of these stored state changes at once (identity, a new session);
   * others (a session kept alive) are told within {@link TELL_EVERY}. All are urgent by default.
   */
  urgent?(changes: Array<[string, unknown]>): boolean
  /**
   * The page is about to be left for another page of the site (page/destination.ts), which reads
   * the same queue and journal and sends what is in them: timed sends wait, and the exit send is
   * left out, since this page would never see their answers and the next page would send the
   * same events again.
   */
  departing?(): boolean
}

export interface Delivery {
  /** Queues an event under its order key (keys sort in tracking order). */
  enqueue(key: string, event: JourneyEvent): void
  /** Schedules a write of state changes (coalesced with events). */
  persist(): void
  /** Writes and sends now. `explicit` ignores backoff and waits for the sender lock. */
  flush(explicit: boolean): Promise<void>
  /**
   * The page is hidden or left: write now, journal what has not committed, and send what is
   * unacknowledged within the budget. `leaving` (pagehide) also closes the cross-tab channel,
   * which would keep the page out of the back/forward cache; `resume` reopens it.
   */
  exit(leaving: boolean): void
  /** Back online or visible again: send soon, backoff forgotten. */
  resume(): void
  /** Events that could not be kept (e.g. held too long before consent) count as dropped. */
  countDropped(count: number): void
  /**
   * Stops timers and the channel. What is pending is written, unless `discard` (consent denied:
   * nothing more may be written). Answers still on their way no longer touch storage.
   */
  stop(discard?: boolean): void
}

export function createDelivery(config: DeliveryConfig): Delivery {
  const { batchSize, flushInterval, storage, transport, lock, report, format } = config
  let stopped = false
  const isStopped = (): boolean => stopped
  const wire = createWire(format, report)
  const backoff = createBackoff()
  const tabs = createTabChannel({
    name: config.channel,
    // Delivered by another tab: not for this page's exit send.
    delivered: (keys) => outbox.acknowledge(keys),
    stateChanged: config.stateChangedElsewhere,
  })
  const outbox = createOutbox({
    storage,
    maxQueueSize: config.maxQueueSize,
    report,
    journal: config.journal,
    encode: wire.encode,
    takeStateChanges: config.takeStateChanges,
    busy: config.busy,
    stateStored: (changes) => tabs.tellStateStored(config.urgent?.(changes) ?? true),
  })
  const settlement = createSettlement({ storage, outbox, tellDelivered: tabs.tellDelivered })
  const flushTimer = createDeadline(() => void flush(false), config.busy)
  const sender = createSender({ batchSize, transport, wire, format, report, backoff, settlement, outbox, stopped: isStopped, retryIn: flushTimer.at })
  const sendRun = createSendLoop({ flushInterval, storage, outbox, settlement, sender, wire, report, stopped: isStopped, flushIn: flushTimer.at })
  let sending: Promise<void> | undefined
  /** A timer asked for a flush while one was under way: run another when it ends. */
  let flushAgain = false
  tabs.open()

  function flush(explicit: boolean): Promise<void> {
    if (stopped) return Promise.resolve()
    if (sending) {
      if (explicit) return sending.then(() => flush(true))
      flushAgain = true
      return sending
    }
    // Leaving for a page of the site, which sends what is stored (an answer would come too late).
    if (!explicit && config.departing?.()) {
      flushTimer.at(flushInterval)
      return Promise.resolve()
    }
    const wait = backoff.wait()
    if (backoff.askedToWait() > 0 || (!explicit && (wait > 0 || (typeof navigator !== 'undefined' && navigator.onLine === false)))) {
      // Offline: the `online` event resumes; backing off: the flush timer resumes.
      if (wait > 0) flushTimer.at(wait)
      return Promise.resolve()
    }
    flushTimer.cancel()
    // flush() asks for everything to be stored and sent: written first (state changes too, for
    // other tabs); a timed flush sends this page's events straight from memory instead.
    sending = (explicit ? outbox.write(Infinity) : Promise.resolve())
      .then(() => lock.run((renew) => sendRun(renew, explicit), explicit))
      .then((ran) => {
        if (ran) return
        // Another tab is sending: it sends our events too once they are written, but may finish
        // before; look again later.
        void outbox.write(Infinity)
        flushTimer.at(flushInterval)
      })
      .catch((error: unknown) => {
        report.warn('storage_failed', __DEV__ && 'Reading the queue failed', { cause: error })
        flushTimer.at(flushInterval)
      })
      .finally(() => {
        sending = undefined
        if (flushAgain) {
          flushAgain = false
          flushTimer.at(0)
        } else if (outbox.waiting || outbox.unacknowledged.size > settlement.inFlight) flushTimer.at(flushInterval)
      })
    return sending
  }

  function exit(leaving: boolean): void {
    if (stopped) return
    void outbox.write(Infinity)
    // What is not committed yet, that write included, is kept by the journal, synchronously.
    const unsaved = config.journal?.save() ?? 0
    if (unsaved) {
      report.warn('storage_failed', __DEV__ && `${unsaved} events not yet stored could not be journaled on the way out (localStorage full or blocked)`, {
        count: unsaved,
      })
    }
    // Delivered, but deleted only with the next group: noted, so that a page gone before that
    // deletion commits does not have them sent again by the next one.
    if (settlement.settled.size) {
      config.journal?.saveDelivered([...settlement.settled])
      void settlement.settleNow()
    }
    if (leaving) {
      tabs.close()
      lock.close()
    }
    // The endpoint asked for a pause: the events stay stored for later, or for the next page.
    if (backoff.askedToWait() > 0) return
    // Left for another page of the site, with everything stored or journaled: that page sends
    // it, once. Sent now as well, it would arrive twice: this page never sees the answer, so the
    // next page could not know it arrived.
    if (config.departing?.() && !unsaved && storage.persistent) return
    sendOnExit({ limit: sender.limit, transport, wire, outbox, settlement, stopped: isStopped })
  }

  return {
    enqueue(key, event) {
      if (stopped) return
      outbox.add(key, event)
      flushTimer.at(outbox.waiting + outbox.unacknowledged.size - settlement.inFlight >= batchSize ? 0 : flushInterval)
    },
    persist: () => outbox.schedule(),
    flush,
    exit,
    resume() {
      tabs.open()
      backoff.forget()
      // A moment's grace: sending right at `online` often fails with ERR_NETWORK_CHANGED.
      flushTimer.at(250)
    },
    countDropped: outbox.countDropped,
    stop(discard) {
      if (discard) outbox.discard()
      else void outbox.write(Infinity)
      stopped = true
      outbox.stop()
      flushTimer.stop()
      tabs.close()
      lock.close()
    },
  }
}
