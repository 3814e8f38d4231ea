/**
 * One send run, under the sender lock: stored events go out oldest first, topped up with this
 * page's own events from memory, until none are left or a send must wait. An answer that takes
 * longer than {@link ANSWER_WAIT} is still waited for, but the next batch goes meanwhile: a slow
 * endpoint receives each batch once instead of the oldest one over and over.
 */
import { trackedAt } from '../event/id'
import { createBatch, MAX_BATCH_BYTES } from './batch'
import type { Sender } from './sender'
import type { SendResult } from './transport'
import type { DeliveryConfig, DeliveryParts } from './types'
import { isEventJson } from './wire'

/** Renewal of the right to send during a run, requests included: well within the lock's 10 s. */
const LEASE_RENEWAL = 4000
/**
 * How long an answer is waited for before the next batch goes. The request itself goes on (the
 * endpoint may well have it), until the transport gives up on it.
 */
const ANSWER_WAIT = 20_000
/** Requests of one sender in flight at most: a slow endpoint gets a second one, not a flood. */
const MAX_REQUESTS = 2

/** The request's result, or undefined when it has not answered within `ANSWER_WAIT`. */
function answerOf(request: Promise<SendResult>): Promise<SendResult | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const patience = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ANSWER_WAIT)))
  return Promise.race([request, patience]).finally(() => clearTimeout(timer))
}

/**
 * Sends stored events, oldest first, until none are left or a send must wait. A batch that is not
 * full goes only when its oldest event has waited `flushInterval`, or with `everything`
 * (`flush()`): so events spread over time still go out in full batches. Full batches go at once.
 */
async function sendStored(
  { _flushInterval_: flushInterval, _storage_: storage, _report_: report }: DeliveryConfig,
  parts: DeliveryParts,
  sender: Sender,
  renew: () => Promise<boolean>,
  everything: boolean,
): Promise<void> {
  const { _outbox_: outbox, _settlement_: settlement } = parts
  /** This run's requests not yet answered: the run (and so the lock) lasts until they are. */
  const outstanding = new Set<Promise<SendResult>>()
  let failed = false
  /** `outbox._writes_` when a read of this run found every stored event: until this page writes again, reading finds none. */
  let drainedAt = -1
  try {
    while (!parts._stopped_ && !failed && (await renew())) {
      if (outstanding.size >= MAX_REQUESTS) {
        await Promise.race(outstanding)
        continue
      }
      // Only what was queued before this read can be known delivered if the store turns out empty.
      const queuedBefore = [...outbox._unacknowledged_.keys()]
      const limit = sender._limit_ + settlement._inFlight_.size + settlement._settled_.size
      const writesBefore = outbox._writes_
      // (Other tabs' writes are read by the next run: they schedule their own flush.)
      const stored = drainedAt === writesBefore ? { _events_: [], _dropped_: 0 } : await storage._read_(limit)
      const batch = createBatch(sender._limit_, MAX_BATCH_BYTES)
      const corrupt: string[] = []
      let tookAll = true
      for (const [key, json] of stored._events_) {
        if (settlement._taken_(key)) continue
        // Unreadable (another version's, tampered with)? What this page queued itself is known to
        // be an event: no need to parse it again.
        if (outbox._unacknowledged_.get(key) !== json && !isEventJson(json)) corrupt.push(key)
        else if (!batch._add_(key, json)) {
          tookAll = false
          break
        }
      }
      // This batch takes every event of a read that found fewer than it asked for: all there were.
      if (tookAll && stored._events_.length < limit) drainedAt = writesBefore
      // Room left: this page's own events, newer than anything stored, straight from memory
      // (those sent unwritten before and not answered yet are in flight: skipped), then those
      // not encoded yet. (A refused event fills the batch: the loops end.)
      for (const [key, json] of outbox._unwritten_) if (!settlement._taken_(key) && !batch._add_(key, json)) break
      while (!batch._full_ && outbox._pending_.length) {
        for (const [key, json] of outbox._take_(sender._limit_ - batch._rows_.length)) if (!batch._add_(key, json)) break
      }
      const { _rows_: rows, _full_: full } = batch
      if (corrupt.length) {
        // Written by another version or tampered with: never sent, never blocking the queue.
        report._warn_('storage_corrupt', __DEV__ && `${corrupt.length} unreadable stored events were deleted`, { count: corrupt.length })
        await storage._remove_(corrupt)
      }
      if (!rows.length) {
        if (corrupt.length) continue
        // Everything stored is delivered, so is everything this page queued (written before
        // sending started), even what another tab sent without telling us.
        if (!stored._events_.length) outbox._acknowledge_(queuedBefore.filter((key) => !outbox._unwritten_.has(key)))
        return
      }
      // (A key "from the future" means the clock stepped back since: due, not waiting.)
      const waited = Date.now() - trackedAt(rows[0]![0])
      if (!full && !everything && waited >= 0 && waited < flushInterval) return parts._flushTimer_._at_(flushInterval - waited)
      const request = sender._send_(rows, sender._unreported_(stored._dropped_))
      outstanding.add(request)
      void request.then(
        (result) => {
          outstanding.delete(request)
          if (!result.ok && result.retry) failed = true
        },
        // (It stays outstanding: the rejection surfaces below.)
        () => (failed = true),
      )
      // No answer in time: the endpoint may be slow rather than down (it may well have the
      // batch). Sending the same batch again would only repeat that; the next one goes instead,
      // and this one's answer still counts when it comes.
      await answerOf(request)
      // This batch took every event of a read that found fewer than it asked for, so all there
      // were: once it is answered, and unless a write has added some since, nothing is left,
      // and no need to read again to see it. (Other tabs' writes schedule their own flush; a
      // run still waiting for a slow answer reads again, for them.)
      if (!full && drainedAt === outbox._writes_ && !outstanding.size && !outbox._pending_.length) break
    }
  } finally {
    await Promise.all(outstanding)
  }
}

/** One send run (see sendStored), given the lock's `renew`, which resolves false once the lock is lost. */
export async function runSend(config: DeliveryConfig, parts: DeliveryParts, sender: Sender, renew: () => Promise<boolean>, everything: boolean): Promise<void> {
  // Renewed all along, slow requests included: it keeps a storage lease from expiring, and with
  // Web Locks tells the other tabs this sender is alive (a silent one loses the lock).
  let renewal: ReturnType<typeof setTimeout> | undefined
  let running = true
  const keepRenewing = (): void => {
    if (running) renewal = setTimeout(() => void renew().then(keepRenewing, keepRenewing), LEASE_RENEWAL)
  }
  keepRenewing()
  try {
    await sendStored(config, parts, sender, renew, everything)
  } finally {
    running = false
    clearTimeout(renewal)
    await parts._settlement_._settleNow_()
  }
}
