/**
 * From queued event to acknowledged delivery, losing nothing on the way:
 *
 * 1. `enqueue` keeps the event in memory and schedules one coalesced write, at most
 *    {@link WRITE_WINDOW} later: a burst, or events arriving one at a time, are one IndexedDB
 *    transaction, not one per event, and what is acknowledged before then is never written.
 *    A failed send, hiding or leaving the page (the exit journal keeps what has not committed)
 *    and `flush()` write at once, so only a tab that crashes can lose what arrived in that window.
 * 2. A flush (every `flushInterval` while events wait, at once when a full batch is waiting, or on
 *    `flush()`) takes the sender lock, reads the oldest stored events, tops the batch up with this
 *    page's own events from memory, posts it, and deletes what was stored only after a 2xx. Retryable failures back off exponentially with jitter (or as Retry-After
 *    says); other 4xx drop that batch, report it, and go on with the next. An answer that takes
 *    longer than 20 s is still waited for, but the next batch goes meanwhile: a slow endpoint
 *    receives each batch once instead of the oldest one over and over.
 * 3. When the page is hidden or left, `exit` writes what is unwritten, journals what has not
 *    committed, and posts this page's unacknowledged events within the keep-alive budget. They
 *    stay stored until a 2xx is seen: a page that is gone never sees the answer, so the next page
 *    load sends them again, with the same ids, as it does whatever did not fit the budget.
 *    (Counting them as sent would avoid that duplicate, but lose them silently when the endpoint
 *    or network fails at that moment, or a blocker swallows the request.) Left for a page of the
 *    same origin, which sends what is stored and journaled anyway, the exit send is left out.
 */
import type { Reporter } from '../errors'
import type { WireFormat } from '../formats/types'
import type { SenderLock } from '../queue/lease'
import type { Journal } from '../queue/journal'
import { STATE_CHANNEL } from '../queue/scope'
import { MAX_EVENT_BYTES } from '../capture/sanitize'
import type { QueueStorage, StoredEvent } from '../queue/store'
import { byteLength, KEEPALIVE_BUDGET, type SendResult, type Transport } from './transport'
import { createBatch, type Batch } from './batch'
import { trackedAt } from '../event/id'
import type { JourneyEvent } from '../types'

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

/** Requests stay under this, so that any one of them also fits the keep-alive budget. */
export const MAX_BATCH_BYTES = KEEPALIVE_BUDGET
const BASE_BACKOFF = 1000
const MAX_BACKOFF = 60_000
/** This page's unacknowledged events kept in memory for the exit send (more would not fit). */
const EXIT_MEMORY = 500
/**
 * Longest time an event waits in memory before it is written: events that arrive one at a time
 * share one transaction (each costs about as much as a hundred events in one). What a crashed tab
 * can lose; a hidden or left page writes and journals at once.
 */
export const WRITE_WINDOW = 1000
/** Events serialized and stored per task: ~20 ms for 1 000 here; 5 000 at once made a long task. */
const WRITE_CHUNK = 1000
/**
 * Delivered events are deleted together, after this many batches and when a send run ends: one
 * transaction instead of one per batch. A tab dying in between re-sends them (same ids).
 */
const REMOVE_EVERY = 10
/** Renewal of the right to send during a run, requests included: well within the lock's 10 s. */
const LEASE_RENEWAL = 4000
/**
 * How long an answer is waited for before the next batch goes. The request itself goes on (the
 * endpoint may well have it), until the transport gives up on it.
 */
const ANSWER_WAIT = 20_000
/** Requests of one sender in flight at most: a slow endpoint gets a second one, not a flood. */
const MAX_REQUESTS = 2
/**
 * State changes that are not urgent (the session's last activity, written with every event) are
 * announced to other tabs at most this often: a BroadcastChannel message costs the page about as
 * much as an IndexedDB transaction. A tab that comes into view reads the state anyway.
 */
export const TELL_EVERY = 30_000
/** The longest timer browsers keep (about 24.8 days): "for as long as this page lives". */
const FOR_THIS_PAGE = 2_147_483_647

/**
 * Deadlines (backoff, Retry-After, flush timers) are kept on a clock that a step of the wall clock
 * (NTP, a VM restore, the visitor changing the time) does not move.
 */
const monotonic = (): number => performance.now()

/** A stored record is sent only if it is the JSON of an event (not another version's or tampered). */
function isEventJson(json: unknown): json is string {
  if (typeof json !== 'string' || json[0] !== '{') return false
  try {
    const event = JSON.parse(json) as Partial<JourneyEvent> | null
    return typeof event?.id === 'string' && typeof event.type === 'string' && typeof event.name === 'string'
  } catch {
    return false
  }
}

export function createDelivery(config: DeliveryConfig): Delivery {
  const { batchSize, flushInterval, maxQueueSize, storage, transport, lock, report, format } = config
  /** A stored event as it goes on the wire; undefined when the format cannot send it. */
  const wire = (json: string): string | undefined => {
    if (!format) return json
    try {
      return format.event(json, report.warn)
    } catch (error) {
      // An event the format cannot read (a beforeSend answer it does not expect, a tampered
      // record): not sendable, reported, and never blocking the events behind it.
      report.warn('internal_error', __DEV__ && 'The wire format could not encode an event; it was left out', { cause: error })
      return undefined
    }
  }
  let pending: Array<[string, JourneyEvent]> = []
  /**
   * This page's events taken from `pending` for a send straight from memory, and not written:
   * events delivered within the write window never touch storage. What is not acknowledged when
   * the window ends, or when a send fails, the page hides or delivery stops, is written then.
   */
  const unwritten = new Map<string, string>()
  /** This page's events not yet acknowledged: what the exit send sends. */
  const unacknowledged = new Map<string, string>()
  const inFlight = new Set<string>()
  let droppedBeforeStorage = 0
  let writing: Promise<unknown> = Promise.resolve()
  let writeTimer: ReturnType<typeof setTimeout> | undefined
  let writeAt = 0
  /** Writes completed so far: tells a send run whether the queue can have grown since it read it. */
  let writesDone = 0
  let flushTimer: ReturnType<typeof setTimeout> | undefined
  let flushAt = 0
  let sending: Promise<void> | undefined
  /** A timer asked for a flush while one was under way: run another when it ends. */
  let flushAgain = false
  let failures = 0
  /** Our own backoff: forgotten when the page comes back online or into view. */
  let blockedUntil = 0
  /** What the endpoint asked for (Retry-After): honoured by every send, even flush() and exits. */
  let retryAfterUntil = 0
  let batchLimit = batchSize
  let stopped = false
  let channel: BroadcastChannel | undefined
  let stateChannel: BroadcastChannel | undefined

  let toldAt = -Infinity
  let tellTimer: ReturnType<typeof setTimeout> | undefined
  /** Tells other tabs that state was stored: now if `urgent`, else within TELL_EVERY of the last time. */
  function tellOtherTabs(urgent: boolean): void {
    const wait = urgent ? 0 : toldAt + TELL_EVERY - monotonic()
    if (wait > 0) {
      tellTimer ??= setTimeout(() => tellOtherTabs(true), wait)
      return
    }
    clearTimeout(tellTimer)
    tellTimer = undefined
    toldAt = monotonic()
    stateChannel?.postMessage({ state: true })
  }

  // Other tabs announce what they delivered, so this page does not send it again on exit, and
  // when they stored state changes, so that side-by-side windows keep one identity and session.
  // The visitor's state is the site's, not one endpoint's: its channel is not scoped.
  function openChannel(): void {
    if (channel || typeof BroadcastChannel === 'undefined') return
    try {
      channel = new BroadcastChannel(config.channel)
      stateChannel = new BroadcastChannel(STATE_CHANNEL)
    } catch {
      // Not allowed here: other tabs' deliveries and state are then seen when this one comes back into view.
      return closeChannels()
    }
    channel.onmessage = (message: MessageEvent<{ delivered?: string[] }>) => forget(message.data?.delivered ?? [])
    stateChannel.onmessage = () => config.stateChangedElsewhere?.()
  }
  function closeChannels(): void {
    // What was still to be told is told now: the page is hidden or stops.
    if (tellTimer) tellOtherTabs(true)
    channel?.close()
    stateChannel?.close()
    channel = stateChannel = undefined
  }
  openChannel()

  function forget(keys: string[]): void {
    for (const key of keys) unacknowledged.delete(key)
  }

  function serializePending(limit: number): StoredEvent[] {
    const rows: StoredEvent[] = []
    for (const [key, event] of pending.splice(0, limit)) {
      let json: string
      try {
        json = JSON.stringify(event)
      } catch (error) {
        // Props were cleaned at track(); only a beforeSend hook can put something unserializable here.
        report.warn('invalid_props', __DEV__ && `Event "${event.name}" could not be serialized and was dropped`, { cause: error })
        continue
      }
      if (byteLength(json) > MAX_EVENT_BYTES || !wire(json)) {
        report.warn('event_too_large', __DEV__ && `Event "${event.name}" is larger than 32 KiB and was dropped`)
        continue
      }
      rows.push([key, json])
      unacknowledged.set(key, json)
      if (unacknowledged.size > EXIT_MEMORY) unacknowledged.delete(unacknowledged.keys().next().value!)
    }
    return rows
  }

  /** Stores up to `limit` pending events, those sent unwritten (and the state changes) in one transaction. */
  function write(limit = WRITE_CHUNK): Promise<unknown> {
    const rows: StoredEvent[] = [...unwritten]
    unwritten.clear()
    for (const row of serializePending(limit)) rows.push(row)
    clearTimeout(writeTimer)
    writeTimer = undefined
    // A large burst goes in chunks, one task each.
    if (pending.length) scheduleWrite(0)
    const state = config.takeStateChanges()
    const dropped = droppedBeforeStorage
    droppedBeforeStorage = 0
    if (!rows.length && !state.length && !dropped) return writing
    // Not durable until its transaction commits: the journal holds it until then.
    const written = config.journal?.hold(rows, state)
    writing = writing
      .then(() => storage.write(rows, state, maxQueueSize, dropped))
      .then(
        ({ trimmed, durable }) => {
          if (rows.length) writesDone++
          if (state.length && storage.persistent) tellOtherTabs(config.urgent?.(state) ?? true)
          // Ended in memory (a write refused for quota): still held, for the journal on the way out.
          if (durable) written?.()
          if (trimmed) {
            report.warn('queue_full', __DEV__ && `The queue is full (${maxQueueSize}); the ${trimmed} oldest events were dropped`, { count: trimmed })
          }
        },
        (error: unknown) => report.warn('storage_failed', __DEV__ && 'Events could not be stored', { cause: error, count: rows.length }),
      )
    return writing
  }

  /** Writes within `delay` ms (never later than a write already scheduled). */
  function scheduleWrite(delay = WRITE_WINDOW): void {
    if (stopped || (writeTimer && writeAt <= monotonic() + delay)) return
    clearTimeout(writeTimer)
    writeAt = monotonic() + delay
    writeTimer = setTimeout(() => {
      writeTimer = undefined
      // A burst still being processed in slices is waited for, so that it stays one write.
      if (config.busy?.()) scheduleWrite(0)
      else void write()
    }, delay)
  }

  function scheduleFlush(delay: number): void {
    if (stopped) return
    const at = monotonic() + delay
    if (flushTimer && flushAt <= at) return
    clearTimeout(flushTimer)
    flushAt = at
    flushTimer = setTimeout(() => {
      flushTimer = undefined
      if (config.busy?.()) scheduleFlush(0)
      else void flush(false)
    }, delay)
  }

  function backOff(result: SendResult): void {
    failures++
    const exponential = Math.min(MAX_BACKOFF, BASE_BACKOFF * 2 ** (failures - 1))
    // Never before the endpoint asked, and never sooner than the backoff (a `Retry-After: 0` on
    // every answer would otherwise make a hot loop).
    const delay = Math.max(result.retryAfter ?? 0, exponential * (0.75 + Math.random() * 0.5))
    blockedUntil = monotonic() + delay
    // (Never shorter than a wait already asked for: a refused write key holds for the page.)
    if (result.retryAfter !== undefined) retryAfterUntil = Math.max(retryAfterUntil, monotonic() + result.retryAfter)
    scheduleFlush(delay)
  }

  /** The request body of rows whose JSON is already the format's (see `wire`). */
  function body(rows: StoredEvent[], dropped: number): string {
    const events = rows.map((row) => row[1])
    const sentAt = new Date().toISOString()
    return format
      ? format.batch(events, sentAt, dropped)
      : '{"sentAt":"' + sentAt + '","events":[' + events.join(',') + ']' + (dropped ? ',"dropped":' + dropped : '') + '}'
  }

  /** Deletes what the endpoint has (or refused for good) and tells the other tabs. */
  async function settle(keys: string[], dropped: number): Promise<void> {
    // (A write of some of them may still be on its way: deleted after it, not before.)
    await writing
    await storage.remove(keys, dropped)
    forget(keys)
    channel?.postMessage({ delivered: keys })
  }

  /** Keys the endpoint has, not yet deleted, and the dropped count their batches reported. */
  const settled = new Set<string>()
  let settledDropped = 0
  let settledBatches = 0

  /** Being sent right now, or delivered and waiting for its grouped deletion: not to send again. */
  const taken = (key: string): boolean => inFlight.has(key) || settled.has(key)

  function settleLater(keys: string[], dropped: number): Promise<void> | undefined {
    for (const key of keys) {
      // Never written: nothing to delete, and no other tab can have it to send.
      if (unwritten.delete(key)) forget([key])
      else settled.add(key)
    }
    settledDropped += dropped
    return ++settledBatches >= REMOVE_EVERY ? settleNow() : undefined
  }

  async function settleNow(): Promise<void> {
    if (!settled.size) return
    const keys = [...settled]
    const dropped = settledDropped
    settledBatches = settledDropped = 0
    try {
      await settle(keys, dropped)
    } finally {
      // Deleted, or the deletion failed and the next run sends them again (same ids): either
      // way they are no longer this run's to skip.
      keys.forEach((key) => settled.delete(key))
    }
  }

  /** Marks keys in flight until `request` settles. */
  function track(keys: string[], request: Promise<SendResult>): Promise<SendResult> {
    keys.forEach((key) => inFlight.add(key))
    return request.then((result) => {
      keys.forEach((key) => inFlight.delete(key))
      return result
    })
  }

  /** Dropped events counted in batches still in flight: another batch must not report them too. */
  let droppedInFlight = 0

  async function sendBatch(rows: StoredEvent[], dropped: number): Promise<SendResult> {
    const keys = rows.map((row) => row[0])
    droppedInFlight += dropped
    const result = await track(keys, transport.send(body(rows, dropped)))
    droppedInFlight -= dropped
    // Stopped meanwhile (consent withdrawn, destroyed): the answer changes nothing any more.
    if (stopped) return result
    if (result.ok) {
      failures = 0
      await settleLater(keys, dropped)
    } else if (result.tooLarge && keys.length > 1) {
      // 413: the endpoint takes smaller requests; from now on this page sends half as many.
      batchLimit = Math.max(1, keys.length >> 1)
    } else if (format?.refused(result.status, keys.length, report.warn)) {
      // A wrong write key fails every batch: stop sending (the exit send too) for this page and
      // keep the events; the next page load, perhaps with a corrected key, tries again.
      retryAfterUntil = monotonic() + FOR_THIS_PAGE
      result.retry = true
    } else if (result.retry) {
      report.warn('delivery_failed', __DEV__ && `Sending ${keys.length} events failed (${result.status || 'network error'}); retrying later`, {
        status: result.status,
        count: keys.length,
        cause: result.error,
      })
      backOff(result)
    } else {
      report.warn('delivery_rejected', __DEV__ && `The endpoint refused ${keys.length} events (${result.status}); they were dropped`, {
        status: result.status,
        count: keys.length,
        cause: result.error,
      })
      await settleLater(keys, dropped)
    }
    // Not delivered (a refused write key counts as to retry): what was sent unwritten is written now.
    if (result.retry && keys.some((key) => unwritten.has(key))) scheduleWrite(0)
    return result
  }

  /** The request's result, or undefined when it has not answered within `ANSWER_WAIT`. */
  function answerOf(request: Promise<SendResult>): Promise<SendResult | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const patience = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ANSWER_WAIT)))
    return Promise.race([request, patience]).finally(() => clearTimeout(timer))
  }

  /**
   * Sends stored events, oldest first, until none are left or a send must wait. Full batches go
   * at once; a batch that is not full only when its oldest event has waited `flushInterval`, or
   * on `flush()` (`everything`): so events spread over time still go out in full batches.
   */
  async function sendAll(renew: () => Promise<boolean>, everything: boolean): Promise<void> {
    // Renewed all along, slow requests included: it keeps a storage lease from expiring, and with
    // Web Locks tells the other tabs this sender is alive (a silent one loses the lock).
    let renewal: ReturnType<typeof setTimeout> | undefined
    let running = true
    const keepRenewing = (): void => {
      if (running) renewal = setTimeout(() => void renew().then(keepRenewing, keepRenewing), LEASE_RENEWAL)
    }
    keepRenewing()
    try {
      await sendStored(renew, everything)
    } finally {
      running = false
      clearTimeout(renewal)
      await settleNow()
    }
  }

  async function sendStored(renew: () => Promise<boolean>, everything: boolean): Promise<void> {
    /** This run's requests not yet answered: the run (and so the lock) lasts until they are. */
    const outstanding = new Set<Promise<SendResult>>()
    let failed = false
    /** `writesDone` when a read of this run found every stored event: until this page writes again, reading finds none. */
    let drainedAt = -1
    try {
      while (!stopped && !failed && (await renew())) {
        if (outstanding.size >= MAX_REQUESTS) {
          await Promise.race(outstanding)
          continue
        }
        // Only what was queued before this read can be known delivered if the store turns out empty.
        const queuedBefore = [...unacknowledged.keys()]
        const limit = batchLimit + inFlight.size + settled.size
        const writesBefore = writesDone
        // (Other tabs' writes are read by the next run: they schedule their own flush.)
        const stored = drainedAt === writesBefore ? { events: [], dropped: 0 } : await storage.read(limit)
        const batch = createBatch(batchLimit, MAX_BATCH_BYTES)
        const corrupt: string[] = []
        let tookAll = true
        for (const row of stored.events) {
          if (taken(row[0])) continue
          // Unreadable, or (rarely) stored before a format was switched on and too large for it.
          // (What this page queued itself is known to be an event: no need to parse it again.)
          const json = (unacknowledged.get(row[0]) === row[1] || isEventJson(row[1])) && wire(row[1])
          if (!json) corrupt.push(row[0])
          else if (!batch.add(row[0], json)) {
            tookAll = false
            break
          }
        }
        // This batch takes every event of a read that found fewer than it asked for: all there were.
        if (tookAll && stored.events.length < limit) drainedAt = writesBefore
        // Room left: this page's own events, newer than anything stored, straight from memory
        // (those sent unwritten before and not answered yet are in flight: skipped).
        const own = [...unwritten].filter(([key]) => !taken(key))
        while (!batch.full) {
          if (!own.length) {
            if (!pending.length) break
            for (const row of serializePending(batchLimit - batch.rows.length)) {
              unwritten.set(row[0], row[1])
              own.push(row)
            }
            continue
          }
          const [key, json] = own.shift()!
          // (The format could encode it when it was queued: see serializePending.)
          batch.add(key, wire(json)!)
        }
        const { rows, full } = batch
        if (corrupt.length) {
          // Written by another version or tampered with: never sent, never blocking the queue.
          report.warn('storage_corrupt', __DEV__ && `${corrupt.length} unreadable stored events were deleted`, { count: corrupt.length })
          await storage.remove(corrupt)
        }
        if (!rows.length) {
          if (corrupt.length) continue
          // Everything stored is delivered, so is everything this page queued (written before
          // sending started), even what another tab sent without telling us.
          if (!stored.events.length) forget(queuedBefore.filter((key) => !unwritten.has(key)))
          return
        }
        // (A key "from the future" means the clock stepped back since: due, not waiting.)
        const waited = Date.now() - trackedAt(rows[0]![0])
        if (!full && !everything && waited >= 0 && waited < flushInterval) return scheduleFlush(flushInterval - waited)
        const request = sendBatch(rows, Math.max(0, stored.dropped - settledDropped - droppedInFlight))
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
        if (!full && drainedAt === writesDone && !outstanding.size && !pending.length) break
      }
    } finally {
      await Promise.all(outstanding)
    }
  }

  function flush(explicit: boolean): Promise<void> {
    if (stopped) return Promise.resolve()
    if (sending) {
      if (explicit) return sending.then(() => flush(true))
      flushAgain = true
      return sending
    }
    // Leaving for a page of the site, which sends what is stored (an answer would come too late).
    if (!explicit && config.departing?.()) {
      scheduleFlush(flushInterval)
      return Promise.resolve()
    }
    const askedToWait = retryAfterUntil - monotonic()
    const wait = Math.max(blockedUntil - monotonic(), askedToWait)
    if (askedToWait > 0 || (!explicit && (wait > 0 || (typeof navigator !== 'undefined' && navigator.onLine === false)))) {
      // Offline: the `online` event resumes; backing off: the timer set by backOff() resumes.
      if (wait > 0) scheduleFlush(wait)
      return Promise.resolve()
    }
    clearTimeout(flushTimer)
    flushTimer = undefined
    // flush() asks for everything to be stored and sent: written first (state changes too, for
    // other tabs); a timed flush sends this page's events straight from memory instead.
    sending = (explicit ? write(Infinity) : Promise.resolve())
      .then(() => lock.run((renew) => sendAll(renew, explicit), explicit))
      .then((ran) => {
        if (ran) return
        // Another tab is sending: it sends our events too once they are written, but may finish
        // before; look again later.
        void write(Infinity)
        scheduleFlush(flushInterval)
      })
      .catch((error: unknown) => {
        report.warn('storage_failed', __DEV__ && 'Reading the queue failed', { cause: error })
        scheduleFlush(flushInterval)
      })
      .finally(() => {
        sending = undefined
        if (flushAgain) {
          flushAgain = false
          scheduleFlush(0)
        } else if (pending.length || unacknowledged.size > inFlight.size) scheduleFlush(flushInterval)
      })
    return sending
  }

  function exit(leaving: boolean): void {
    if (stopped) return
    void write(Infinity)
    // What is not committed yet, that write included, is kept by the journal, synchronously.
    const unsaved = config.journal?.save() ?? 0
    if (unsaved) {
      report.warn('storage_failed', __DEV__ && `${unsaved} events not yet stored could not be journaled on the way out (localStorage full or blocked)`, {
        count: unsaved,
      })
    }
    // Delivered, but deleted only with the next group: noted, so that a page gone before that
    // deletion commits does not have them sent again by the next one.
    if (settled.size) {
      config.journal?.saveDelivered([...settled])
      void settleNow()
    }
    if (leaving) {
      closeChannels()
      lock.close()
    }
    // The endpoint asked for a pause: the events stay stored for later, or for the next page.
    if (retryAfterUntil > monotonic()) return
    // Left for another page of the site, with everything stored or journaled: that page sends
    // it, once. Sent now as well, it would arrive twice: this page never sees the answer, so the
    // next page could not know it arrived.
    if (config.departing?.() && !unsaved && storage.persistent) return
    // Each request within what is left of the keep-alive budget.
    const nextBatch = (): Batch => createBatch(batchLimit, Math.min(MAX_BATCH_BYTES, transport.budgetLeft()))
    let batch = nextBatch()
    const send = (): boolean => {
      const { rows } = batch
      if (!rows.length) return true
      const keys = rows.map((row) => row[0])
      const request = transport.sendOnExit(body(rows, 0))
      batch = nextBatch()
      if (!request) return false
      // Seen only if the page lives on (hidden, not closed).
      void track(keys, request).then((result) => {
        if (result.ok && !stopped) void settle(keys, 0)
      })
      return true
    }
    for (const [key, stored] of unacknowledged) {
      const json = !taken(key) && wire(stored)
      // Full: send it and start the next (refused: no room left in the budget, even for this one).
      if (json && !batch.add(key, json) && (!send() || !batch.add(key, json))) break
    }
    send()
  }

  return {
    enqueue(key, event) {
      if (stopped) return
      pending.push([key, event])
      scheduleWrite()
      scheduleFlush(pending.length + unacknowledged.size - inFlight.size >= batchSize ? 0 : flushInterval)
    },
    persist: scheduleWrite,
    flush,
    exit,
    resume() {
      openChannel()
      failures = 0
      blockedUntil = 0
      // A moment's grace: sending right at `online` often fails with ERR_NETWORK_CHANGED.
      scheduleFlush(250)
    },
    countDropped(count) {
      droppedBeforeStorage += count
      // Stored at once, so that the next batch reports it (drops are rare: no burst to wait for).
      scheduleWrite(0)
    },
    stop(discard) {
      if (discard) {
        pending = []
        unwritten.clear()
      }
      else void write(Infinity)
      stopped = true
      clearTimeout(writeTimer)
      clearTimeout(flushTimer)
      closeChannels()
      lock.close()
    },
  }
}
