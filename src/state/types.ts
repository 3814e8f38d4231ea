/**
 * The state slot: one named value of the journey's stored state. Its own leaf module, because the
 * phase engine's seam (../phases/types) names it and ../types re-exports it.
 */

/** A value kept in the journey's IndexedDB state (memory only while consent is pending). */
export interface StateSlot<T> {
  /** The value; read from storage before any event is processed. */
  get(): T | undefined
  /** Replaces the value; written with the next coalesced write. */
  set(value: T | undefined): void
}
