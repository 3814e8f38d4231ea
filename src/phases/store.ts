/**
 * Where the phase engine's state is kept: the `phases` state slot (IndexedDB), and, while
 * `canPersist()` says so, a localStorage copy under `journeykit:phases`, for two reasons:
 * - `phase` must be right synchronously at start-up, before the core has read IndexedDB. Reading
 *   one small localStorage item at creation is the only synchronous way; the cost is a write of
 *   ~80 µs (Chromium), made only when the phase, conversion or session changes, never per event.
 * - Tabs. A state slot is last-writer-wins: a tab that loaded an older state would write it back
 *   over a newer tab's progress. So before deciding, the engine syncs: it reads the localStorage
 *   copy (the latest any tab wrote) and merges it (./state). Every copy written is such a merge,
 *   so the copy only ever moves forward.
 * Without localStorage (blocked, or consent not granted) the engine still works from its slot; it
 * is then right after the core's read, and tabs merge only through it.
 */
import type { StateSlot } from '../state/types'
import { mergeStates, readState, type PhaseState } from './state'

const MIRROR_KEY = 'journeykit:phases'

export interface PhaseStore {
  /**
   * `state` joined with what storage and other tabs know (cheap when neither changed since the
   * last call): what the engine decides from.
   */
  _sync_(state: PhaseState): PhaseState
  /**
   * Writes `next` to the slot; `mirror` says the change is one the localStorage copy must have
   * (phase, conversion, a new session), written there while allowed.
   */
  _save_(next: PhaseState, mirror?: boolean): void
  /** Deletes the localStorage copy (consent denied, reset). */
  _forget_(): void
}

/**
 * The engine keeps the state itself; the store keeps what was last read or written on each side,
 * so a sync only merges what changed.
 *
 * @param slot the engine's state slot
 * @param rank the model's phases by order: what makes a stored state one of this model
 * @param canPersist whether the localStorage copy may be written now; left out, never
 */
export function createPhaseStore(slot: StateSlot<PhaseState>, rank: ReadonlyMap<string, number>, canPersist?: () => boolean): PhaseStore {
  /** The slot value last merged or written: anything else in the slot came from storage. */
  let slotValue: unknown
  /** The localStorage copy as last read or written. */
  let mirrorJson: string | null | undefined
  /** The localStorage copy lags behind the state. */
  let stale = false

  return {
    _sync_(state) {
      const stored = slot.get()
      if (stored !== slotValue) {
        slotValue = stored
        const before = state
        state = mergeStates(state, readState(stored, rank), rank)
        // The slot knew more than the localStorage copy (first load of this version, or the copy was forgotten).
        if (state.p !== before.p || state.e !== before.e) stale = true
      }
      try {
        const json = localStorage.getItem(MIRROR_KEY)
        if (json !== mirrorJson) {
          mirrorJson = json
          if (json) state = mergeStates(state, readState(JSON.parse(json), rank), rank)
        }
      } catch {
        // No localStorage (blocked, sandboxed, server) or a corrupt copy: the slot alone will do.
      }
      return state
    },
    _save_(next, mirror) {
      slot.set((slotValue = next))
      if (mirror) stale = true
      if (stale && canPersist && canPersist()) {
        try {
          localStorage.setItem(MIRROR_KEY, (mirrorJson = JSON.stringify(next)))
          stale = false
        } catch {
          // Quota or blocked storage: the copy stays behind and the next change tries again.
        }
      }
    },
    _forget_() {
      stale = true
      mirrorJson = null
      try {
        localStorage.removeItem(MIRROR_KEY)
      } catch {
        // Nothing stored where there is no localStorage.
      }
    },
  }
}
