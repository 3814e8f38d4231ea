/**
 * The seam between the core and the phase engine. The core calls `createPhaseEngine` once in
 * `createJourney`, then `decide(event)` for every event after it has been enriched (session,
 * campaign) and before it is queued.
 */
import type { JourneyEvent, StateSlot } from '../types'

/** A phase model: the ordered phases and the rules that move a visitor between them. */
export interface PhaseModel {
  phases: string[]
  rules: unknown[]
}

/** A preset name or a model object. */
export type PhasesOption = 'default' | 'b2b' | PhaseModel

/** One phase change, as `journey.on('phase')` listeners receive it. */
export interface PhaseChange {
  from: string
  to: string
  /** The id of the rule that moved the visitor. */
  rule: string
  /** A human-readable explanation, e.g. `page /pricing matched consideration.pricing-page`. */
  reason: string
}

/** One entry of `journey.explain()`. */
export interface PhaseHistoryEntry extends PhaseChange {
  /** When it happened (ISO 8601). */
  at: string
  /** The id of the event that triggered it. */
  eventId: string
}

/** What the core gives the engine. */
export interface PhaseEngineContext {
  /** Persisted state (IndexedDB; memory only while consent is pending), read before any decide(). */
  state<T>(key: string): StateSlot<T>
}

export interface PhaseEngine {
  /** The current phase. */
  readonly phase: string
  /** Decides the phase for this event; returns the change when it moved the visitor. */
  decide(event: JourneyEvent): PhaseChange | undefined
  /** Every change so far, oldest first. */
  history(): PhaseHistoryEntry[]
  /** Back to the first phase with no history (`journey.reset()`). */
  reset(): void
}
