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

export interface IntakeConfig<T> {
  /** Most items that wait; beyond it the oldest event goes (never a step). */
  limit: number
  /** Events may be decided now: consent granted and the stored state read. */
  ready(): boolean
  /** Decisions may go on: consent granted and delivery running (checked before each item). */
  open(): boolean
  /** `count` events were dropped because the intake was full (told once per processing run). */
  dropped(count: number): void
  /** Decides one event. */
  decide(item: T): void
}

export interface Intake<T> {
  /** What waits, in order: handed on as is to a journey that continues this one. */
  readonly items: Array<T | Step>
  /** A processing run is scheduled (a microtask or the next slice). */
  readonly busy: boolean
  /** Adds an event or a step and schedules processing. */
  hand(item: T | Step): void
  /** Schedules a processing run unless one is scheduled or events may not be decided yet. */
  schedule(): void
  /** Decides what waits, in order; yields to the page every few ms unless `all`. */
  process(all?: boolean): void
  /** Drops everything that waits, and the count of dropped events. */
  clear(): void
}

/** An intake starting with `items` (what a destroyed journey left), processed by `config`. */
export function createIntake<T>(config: IntakeConfig<T>, items: Array<T | Step> = []): Intake<T> {
  let dropped = 0
  let scheduled = false

  function schedule(): void {
    if (scheduled || !config.ready()) return
    scheduled = true
    queueMicrotask(() => process())
  }

  function process(all = false): void {
    scheduled = false
    if (!config.open()) return
    if (dropped) {
      config.dropped(dropped)
      dropped = 0
    }
    const started = performance.now()
    let done = 0
    try {
      // Consent can change from inside a hook or listener run below: then the rest waits.
      while (done < items.length && config.open()) {
        if (!all && done % 64 === 63 && performance.now() - started > SLICE_MS) {
          scheduled = true
          setTimeout(() => process(), 0)
          break
        }
        const item = items[done++]!
        if (typeof item === 'function') (item as Step)()
        else config.decide(item)
      }
    } finally {
      items.splice(0, done)
    }
  }

  return {
    items,
    get busy() {
      return scheduled
    },
    hand(item) {
      items.push(item)
      // While consent is pending, events wait here: bounded like the queue, and counted when
      // dropped. The oldest event goes, never a queued step.
      if (items.length > config.limit) {
        const oldestEvent = items.findIndex((waiting) => typeof waiting !== 'function')
        if (oldestEvent >= 0) {
          items.splice(oldestEvent, 1)
          dropped++
        }
      }
      schedule()
    },
    schedule,
    process,
    clear() {
      items.length = 0
      dropped = 0
    },
  }
}
