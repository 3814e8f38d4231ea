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
import { createOutbox, WRITE_WINDOW } from '../queue/outbox'
import { MAX_BATCH_BYTES } from './batch'
import { createBackoff } from './backoff'
import { createTabChannel, TELL_EVERY } from './channel'
import { createDeadline } from './deadline'
import { sendOnExit } from './exit'
import { runSend } from './send-loop'
import { createSender } from './sender'
import { createSettlement } from './settlement'
import type { Delivery, DeliveryConfig, DeliveryParts } from './types'
import { encodeEvent } from './wire'

export type { Delivery, DeliveryConfig } from './types'
export { MAX_BATCH_BYTES, TELL_EVERY, WRITE_WINDOW }

export function createDelivery(config: DeliveryConfig): Delivery {
  const { _flushInterval_: flushInterval, _storage_: storage, _lock_: lock, _report_: report } = config
  // Delivered by another tab: not for this page's exit send.
  const tabs = createTabChannel(config._channel_, (keys) => outbox._acknowledge_(keys), config._stateChangedElsewhere_)
  const outbox = createOutbox(config, (event) => encodeEvent(event, report), (changes) => tabs._tellStateStored_(config._urgent_?.(changes) ?? true))
  const settlement = createSettlement(storage, outbox, tabs._tellDelivered_)
  const backoff = createBackoff()
  const flushTimer = createDeadline(() => void flush(false), config._busy_)
  const parts: DeliveryParts = { _outbox_: outbox, _settlement_: settlement, _backoff_: backoff, _flushTimer_: flushTimer, _stopped_: false }
  const sender = createSender(config, parts)
  let sending: Promise<void> | undefined
  /** Settled already: what a flush that sends nothing returns. */
  const done = Promise.resolve()
  /** A timer asked for a flush while one was under way: run another when it ends. */
  let flushAgain = false
  tabs._open_()

  function flush(explicit: boolean): Promise<void> {
    if (parts._stopped_) return done
    if (sending) {
      if (explicit) return sending.then(() => flush(true))
      flushAgain = true
      return sending
    }
    // Leaving for a page of the site, which sends what is stored (an answer would come too late).
    if (!explicit && config._departing_?.()) {
      flushTimer._at_(flushInterval)
      return done
    }
    const wait = backoff._wait_()
    if (backoff._askedToWait_() > 0 || (!explicit && (wait > 0 || navigator.onLine === false))) {
      // Offline: the `online` event resumes; backing off: the flush timer resumes.
      if (wait > 0) flushTimer._at_(wait)
      return done
    }
    flushTimer._cancel_()
    // flush() asks for everything to be stored and sent: written first (state changes too, for
    // other tabs); a timed flush sends this page's events straight from memory instead.
    sending = (explicit ? outbox._write_(Infinity) : done)
      .then(() => lock._run_((renew) => runSend(config, parts, sender, renew, explicit), explicit))
      .then((ran) => {
        if (ran) return
        // Another tab is sending: it sends our events too once they are written, but may finish
        // before; look again later.
        void outbox._write_(Infinity)
        flushTimer._at_(flushInterval)
      })
      .catch((error: unknown) => {
        report._warn_('storage_failed', __DEV__ && 'Reading the queue failed', { cause: error })
        flushTimer._at_(flushInterval)
      })
      .finally(() => {
        sending = undefined
        if (flushAgain) {
          flushAgain = false
          flushTimer._at_(0)
        } else if (outbox._pending_.length || outbox._unacknowledged_.size > settlement._inFlight_.size) flushTimer._at_(flushInterval)
      })
    return sending
  }

  function exit(leaving: boolean): void {
    if (parts._stopped_) return
    void outbox._write_(Infinity)
    // What is not committed yet, that write included, is kept by the journal, synchronously.
    const unsaved = config._journal_?._save_() ?? 0
    if (unsaved) {
      report._warn_('storage_failed', __DEV__ && `${unsaved} events not yet stored could not be journaled on the way out (localStorage full or blocked)`, {
        count: unsaved,
      })
    }
    // Delivered, but deleted only with the next group: noted, so that a page gone before that
    // deletion commits does not have them sent again by the next one.
    if (settlement._settled_.size) {
      config._journal_?._saveDelivered_([...settlement._settled_])
      void settlement._settleNow_()
    }
    if (leaving) {
      tabs._close_()
      lock._close_()
    }
    // The endpoint asked for a pause: the events stay stored for later, or for the next page.
    if (backoff._askedToWait_() > 0) return
    // Left for another page of the site, with everything stored or journaled: that page sends
    // it, once. Sent now as well, it would arrive twice: this page never sees the answer, so the
    // next page could not know it arrived.
    if (config._departing_?.() && !unsaved && storage._persistent_) return
    sendOnExit(config, parts, sender._limit_)
  }

  return {
    _enqueue_(key, event) {
      if (parts._stopped_) return
      outbox._add_(key, event)
      flushTimer._at_(outbox._pending_.length + outbox._unacknowledged_.size - settlement._inFlight_.size >= config._batchSize_ ? 0 : flushInterval)
    },
    _persist_: () => outbox._schedule_(),
    _flush_: flush,
    _exit_: exit,
    _resume_() {
      tabs._open_()
      backoff._forget_()
      // A moment's grace: sending right at `online` often fails with ERR_NETWORK_CHANGED.
      flushTimer._at_(250)
    },
    _countDropped_: outbox._countDropped_,
    _stop_(discard) {
      if (discard) outbox._discard_()
      else void outbox._write_(Infinity)
      parts._stopped_ = true
      outbox._stop_()
      flushTimer._stop_()
      tabs._close_()
      lock._close_()
    },
  }
}
