/**
 * This page's events on their way into the queue: one coalesced write instead of one transaction
 * per event, and the page's own unacknowledged events kept in memory for the exit send.
 *
 * An event waits in memory at most {@link WRITE_WINDOW}; then it and everything else waiting (state
 * changes and the count of events dropped before storage too) is one transaction. A send may take
 * events straight from memory before that: they are *unwritten* until acknowledged, and an event
 * acknowledged within the window never touches storage. What is not acknowledged when the window
 * ends, or when a send fails, the page hides or delivery stops, is written then.
 */
import type { Reporter } from '../errors'
import type { JourneyEvent } from '../types'
import type { Journal } from './journal'
import type { QueueStorage, StateChange, StoredEvent } from './store'
import { createDeadline } from '../delivery/deadline'

/**
 * Longest time an event waits in memory before it is written: events that arrive one at a time
 * share one transaction (each costs about as much as a hundred events in one). What a crashed tab
 * can lose; a hidden or left page writes and journals at once.
 */
export const WRITE_WINDOW = 1000
/** Events serialized and stored per task: ~20 ms for 1 000 here; 5 000 at once made a long task. */
const WRITE_CHUNK = 1000
/** This page's unacknowledged events kept in memory for the exit send (more would not fit). */
const EXIT_MEMORY = 500

/** What the outbox needs of the delivery's configuration (members written `_name_`, as there). */
export interface OutboxConfig {
  _storage_: QueueStorage
  _maxQueueSize_: number
  _report_: Reporter
  /** Keeps each write until it has committed, for the way out of the page (queue/journal.ts). */
  _journal_?: Journal
  /** State changes to store with the next write. */
  _takeStateChanges_(): StateChange[]
  /** True while a burst is still being processed: a due write waits so that it stays one write. */
  _busy_?(): boolean
}

/** (Fields written `_name_` are internal: the build gives them short names.) */
export interface Outbox {
  /** Events queued and not serialized yet, in order. */
  _pending_: Array<[string, JourneyEvent]>
  /** This page's events taken for a send from memory and not written: order key → JSON. */
  readonly _unwritten_: Map<string, string>
  /** This page's events not yet acknowledged, the latest {@link EXIT_MEMORY}: what the exit send sends. */
  readonly _unacknowledged_: Map<string, string>
  /** The writes handed to storage so far, settled when the last one has. */
  _writing_: Promise<unknown>
  /** Writes of events completed so far: tells a send run whether the queue can have grown since it read it. */
  _writes_: number
  /** Queues an event under its order key, to be written within the write window. */
  _add_(key: string, event: JourneyEvent): void
  /** Serializes up to `limit` waiting events for a send from memory: they are unwritten from now on. */
  _take_(limit: number): StoredEvent[]
  /** Stores up to `limit` waiting events, the unwritten ones and the state changes, in one transaction. */
  _write_(limit?: number): Promise<unknown>
  /** Writes within `delay` ms (never later than a write already due). */
  _schedule_(delay?: number): void
  /** Events lost before they could be stored: the count is stored at once, for the next batch to report. */
  _countDropped_(count: number): void
  /** These events are delivered (or refused for good): not for the exit send any more. */
  _acknowledge_(keys: string[]): void
  /** Forgets what is not written (consent denied: nothing more may be written). */
  _discard_(): void
  /** No more scheduled writes. */
  _stop_(): void
}

/**
 * The outbox of a journey's queue. `encode` gives the JSON to store for an event (undefined drops
 * it: the encoder reports why); `stateStored` hears of state changes that reached shared storage,
 * for other tabs to hear of.
 */
export function createOutbox(
  config: OutboxConfig,
  encode: (event: JourneyEvent) => string | undefined,
  stateStored: (changes: StateChange[]) => void,
): Outbox {
  const { _storage_: storage, _maxQueueSize_: maxQueueSize, _report_: report } = config
  const unwritten = new Map<string, string>()
  const unacknowledged = new Map<string, string>()
  let droppedBeforeStorage = 0
  const timer = createDeadline(() => void write(), config._busy_)

  function serialize(limit: number): StoredEvent[] {
    const rows: StoredEvent[] = []
    for (const [key, event] of outbox._pending_.splice(0, limit)) {
      const json = encode(event)
      if (!json) continue
      rows.push([key, json])
      unacknowledged.set(key, json)
      if (unacknowledged.size > EXIT_MEMORY) unacknowledged.delete(unacknowledged.keys().next().value!)
    }
    return rows
  }

  function write(limit = WRITE_CHUNK): Promise<unknown> {
    const rows = [...unwritten, ...serialize(limit)]
    unwritten.clear()
    timer._cancel_()
    // A large burst goes in chunks, one task each.
    if (outbox._pending_.length) timer._at_(0)
    const state = config._takeStateChanges_()
    const dropped = droppedBeforeStorage
    droppedBeforeStorage = 0
    if (!rows.length && !state.length && !dropped) return outbox._writing_
    // Not durable until its transaction commits: the journal holds it until then.
    const written = config._journal_?._hold_(rows, state)
    return (outbox._writing_ = outbox._writing_
      .then(() => storage._write_(rows, state, maxQueueSize, dropped))
      .then(
        ({ _trimmed_: trimmed, _durable_: durable }) => {
          if (rows.length) outbox._writes_++
          if (state.length && storage._persistent_) stateStored(state)
          // Ended in memory (a write refused for quota): still held, for the journal on the way out.
          if (durable) written?.()
          if (trimmed) {
            report._warn_('queue_full', __DEV__ && `The queue is full (${maxQueueSize}); the ${trimmed} oldest events were dropped`, { count: trimmed })
          }
        },
        (error: unknown) => report._warn_('storage_failed', __DEV__ && 'Events could not be stored', { cause: error, count: rows.length }),
      ))
  }

  const outbox: Outbox = {
    _pending_: [],
    _unwritten_: unwritten,
    _unacknowledged_: unacknowledged,
    _writing_: Promise.resolve(),
    _writes_: 0,
    _add_(key, event) {
      outbox._pending_.push([key, event])
      timer._at_(WRITE_WINDOW)
    },
    _take_(limit) {
      const rows = serialize(limit)
      for (const [key, json] of rows) unwritten.set(key, json)
      return rows
    },
    _write_: write,
    _schedule_: (delay = WRITE_WINDOW) => timer._at_(delay),
    _countDropped_(count) {
      droppedBeforeStorage += count
      // Stored at once, so that the next batch reports it (drops are rare: no burst to wait for).
      timer._at_(0)
    },
    _acknowledge_(keys) {
      for (const key of keys) unacknowledged.delete(key)
    },
    _discard_() {
      outbox._pending_ = []
      unwritten.clear()
    },
    _stop_: timer._stop_,
  }
  return outbox
}
