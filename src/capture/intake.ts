/**
 * The intake: what `track()` captured, waiting to be decided in order (enriched, given a phase and
 * queued). It is bounded like the queue, and it is worked off in slices so that a burst never
 * makes a long task.
 */
import type { EventContext, EventType, Props } from '../types'

/**
 * An event as track() hands it on, before id, identity, session and phase are known. (The id is
 * made when it is processed, in tracking order: the same order, for less work in track().)
 */
export interface CapturedEvent {
  type: EventType
  name: string
  props: Props
  time: number
  context: EventContext
  /** identify(): the user id from this event on. */
  userId?: string
}

/** Longest stretch of event processing before yielding to the page (a long task is 50 ms). */
const SLICE_MS = 8

/** A step that must happen in order with the events around it (reset). */
export type Step = () => void

/** Its members and the intake's are written `_name_`: the build shortens them (tsup.config.ts `mangleProps`); not public. */
export interface IntakeConfig<T> {
  /** Most items that wait; beyond it the oldest event goes (never a step). */
  _limit_: number
  /** Events may be decided now: consent granted and the stored state read. */
  _ready_(): boolean
  /** Decisions may go on: consent granted and delivery running (checked before each item). */
  _open_(): boolean
  /** `count` events were dropped because the intake was full (told once per processing run). */
  _dropped_(count: number): void
  /** Decides one event. */
  _decide_(item: T): void
}

export interface Intake<T> {
  /** What waits, in order: handed on as is to a journey that continues this one. */
  readonly _items_: Array<T | Step>
  /** A processing run is scheduled (a microtask or the next slice). */
  readonly _busy_: boolean
  /** Adds an event or a step and schedules processing. */
  _hand_(item: T | Step): void
  /** Schedules a processing run unless one is scheduled or events may not be decided yet. */
  _schedule_(): void
  /** Decides what waits, in order; yields to the page every few ms unless `all`. */
  _process_(all?: boolean): void
  /** Drops everything that waits, and the count of dropped events. */
  _clear_(): void
}

/** An intake starting with `items` (what a destroyed journey left), processed by `config`. */
export function createIntake<T>(config: IntakeConfig<T>, items: Array<T | Step> = []): Intake<T> {
  let dropped = 0
  let scheduled = false

  function schedule(): void {
    if (scheduled || !config._ready_()) return
    scheduled = true
    queueMicrotask(() => process())
  }

  function process(all = false): void {
    scheduled = false
    if (!config._open_()) return
    if (dropped) {
      config._dropped_(dropped)
      dropped = 0
    }
    const started = performance.now()
    let done = 0
    try {
      // Consent can change from inside a hook or listener run below: then the rest waits.
      while (done < items.length && config._open_()) {
        if (!all && done % 64 === 63 && performance.now() - started > SLICE_MS) {
          scheduled = true
          setTimeout(() => process(), 0)
          break
        }
        const item = items[done++]!
        if (typeof item === 'function') (item as Step)()
        else config._decide_(item)
      }
    } finally {
      items.splice(0, done)
    }
  }

  return {
    _items_: items,
    get _busy_() {
      return scheduled
    },
    _hand_(item) {
      items.push(item)
      // While consent is pending, events wait here: bounded like the queue, and counted when
      // dropped. The oldest event goes, never a queued step.
      if (items.length > config._limit_) {
        const oldestEvent = items.findIndex((waiting) => typeof waiting !== 'function')
        if (oldestEvent >= 0) {
          items.splice(oldestEvent, 1)
          dropped++
        }
      }
      schedule()
    },
    _schedule_: schedule,
    _process_: process,
    _clear_() {
      items.length = 0
      dropped = 0
    },
  }
}
