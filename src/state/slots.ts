/**
 * The journey's state: identity, session, phase and touchpoint values in named slots, the keys
 * changed since they were last written, and reading them from storage (once storage opens, and
 * again when another tab says it changed them).
 */
import type { Reporter } from '../errors'
import type { QueueStorage } from '../queue/store'
import type { StateSlot } from '../types'

/**
 * Keys whose stored value wins over one made up before the state was read: identity, session and
 * phase state (the phase engine merges what it finds). Other values this page changed meanwhile
 * win over the stored ones.
 */
const STORED_WINS = new Set(['anonymousId', 'session', 'phases'])

export interface SlotsConfig {
  /** The storage open now (undefined once consent is denied); a read of another one is dropped. */
  _storage_(): QueueStorage | undefined
  /** Other tabs' changes may be read now (consent granted). */
  _mayRefresh_(): boolean
  /** A slot changed: schedule writing the changes. */
  _persist_(): void
  /** The state has been read (or could not be): events may be decided now. */
  _read_(): void
  _report_: Reporter
}

/**
 * Its members (and the config's) are written `_name_`: the build shortens such names
 * (tsup.config.ts `mangleProps`). None is stored or public; `state` and `changed` keep their
 * names, because a journey of another copy of the library may continue them (../instances).
 */
export interface Slots {
  /** Every value, shared (not copied) with a journey that continues this one. */
  readonly state: Map<string, unknown>
  /** Keys of `state` not written to storage yet. */
  readonly changed: Set<string>
  /** The stored state has been read since storage opened (or the page decided without it). */
  readonly _hydrated_: boolean
  /**
   * The stored state has been read once since storage opened: ids stay known while another tab's
   * changes are read again (`hydrated` is false meanwhile).
   */
  readonly _readOnce_: boolean
  /** Settles once the state has been read (or could not be): flush() and destroy() wait for it. */
  readonly _hydration_: Promise<void>
  /** The slot for `key`: its value, and setting it marks it changed. */
  _slot_<T>(key: string): StateSlot<T>
  /** The changed values, to be written; they count as written from now on. */
  _takeChanges_(): Array<[string, unknown]>
  /** Reads the stored state for the first time since storage opened. */
  _hydrate_(): void
  /**
   * Another tab moved on: it identified or reset the visitor, or kept the session alive. Stored
   * values it wrote since win, unless this page changed the same value and has not written it
   * yet (the session: whichever saw activity last).
   */
  _refresh_(): void
  /**
   * The page is left before the stored state was read (within milliseconds of loading): events
   * are decided with what is known rather than lost, and the stored values are written back
   * once read.
   */
  _decideEarly_(): void
  /** Forgets every value (consent denied). */
  _clear_(): void
}

/** The state slots, continuing `carried` (a just destroyed journey's state) if given. */
export function createSlots(config: SlotsConfig, carried?: { state: Map<string, unknown>; changed: Set<string> }): Slots {
  const state = carried?.state ?? new Map<string, unknown>()
  const changed = carried?.changed ?? new Set<string>()
  let hydrated = false
  let readOnce = false
  /** Events were decided before the stored state was read (see decideEarly()). */
  let decidedEarly = false
  /** Another tab's state changes arrived while the state was being read: read once more. */
  let readAgain = false
  let hydration: Promise<void> = Promise.resolve()

  /**
   * Reads the stored state; `take(key, stored)` says whether a stored value replaces this page's.
   * Events wait meanwhile, so none is decided on state about to change.
   */
  function read(take: (key: string, stored: unknown) => boolean, again = false): void {
    const opened = config._storage_()!
    hydrated = false
    if (!again) readOnce = false
    hydration = opened
      ._readState_()
      .then(
        (entries) => {
          if (config._storage_() !== opened) return
          const stored = new Set<string>()
          for (const [key, value] of entries) {
            stored.add(key)
            if (!take(key, value)) continue
            state.set(key, value)
            // Events decided before this read (a page hidden right after loading) may have
            // written made-up values over these: write the stored ones back.
            if (decidedEarly) changed.add(key)
          }
          // Another tab reset the visitor: what it deleted goes here too (unless changed here).
          if (again) for (const key of [...state.keys()]) if (!stored.has(key) && !changed.has(key)) state.delete(key)
          decidedEarly = false
          if (changed.size) config._persist_()
        },
        (error: unknown) => config._report_._warn_('storage_failed', __DEV__ && 'Reading the journey state failed', { cause: error }),
      )
      .then(() => {
        if (config._storage_() !== opened) return
        hydrated = true
        // Another tab wrote while this read was under way (perhaps after it had started): read
        // again as part of this hydration, so `ready` and flush() wait for that read too.
        if (readAgain) {
          readAgain = false
          const current = hydration
          refresh()
          if (hydration !== current) return hydration
        }
        readOnce = true
        config._read_()
      })
  }

  function refresh(): void {
    if (!config._storage_()?._persistent_ || !config._mayRefresh_()) return
    if (!hydrated) {
      readAgain = true
      return
    }
    read(
      (key, stored) =>
        !changed.has(key) ||
        (key === 'session' && (stored as { lastActivity: number }).lastActivity > ((state.get('session') as { lastActivity: number } | undefined)?.lastActivity ?? 0)),
      true,
    )
  }

  return {
    state,
    changed,
    get _hydrated_() {
      return hydrated
    },
    get _readOnce_() {
      return readOnce
    },
    get _hydration_() {
      return hydration
    },
    _slot_: <T>(key: string): StateSlot<T> => ({
      get: () => state.get(key) as T | undefined,
      set(value) {
        state.set(key, value)
        changed.add(key)
        config._persist_()
      },
    }),
    _takeChanges_() {
      const changes = [...changed].map((key): [string, unknown] => [key, state.get(key)])
      changed.clear()
      return changes
    },
    _hydrate_: () => read((key) => !changed.has(key) || STORED_WINS.has(key)),
    _refresh_: refresh,
    _decideEarly_() {
      if (!hydrated) decidedEarly = hydrated = true
    },
    _clear_() {
      state.clear()
      changed.clear()
      hydrated = false
    },
  }
}
