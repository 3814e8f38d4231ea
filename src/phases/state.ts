/**
 * What the phase engine keeps about the visitor, and how two copies of it join: the rule that lets
 * tabs share one journey without undoing each other's progress (see ./store for where the copies
 * come from). Plain data and pure functions, so the merge can be tested without storage.
 */
import type { PhaseHistoryEntry } from './types'

/**
 * The engine's state. Stored as is, so the keys are short and never start with `_` (the build
 * renames `_` properties, which would orphan stored state after an upgrade).
 */
export interface PhaseState {
  /** Epoch: bumped by `reset()` and by every move backwards. Of two states, the higher epoch wins whole. */
  e: number
  /** The phase. */
  p: string
  /** Converted. */
  c: boolean
  /** Sessions so far. */
  n: number
  /** The latest sessions seen, `[sessionId, page views]`, most recent last (MAX_SESSIONS at most). */
  s: Array<[string, number]>
  /** Event counts, only of the names some rule's `events` counts. */
  k: Record<string, number>
  /** When each phase was last reached (ms). */
  r: Record<string, number>
  /** The latest changes, oldest first (MAX_HISTORY at most). */
  h: PhaseHistoryEntry[]
  /** When the latest event happened (ms). */
  t: number
}

/** Sessions remembered (for their page views): more would only grow the stored state. */
export const MAX_SESSIONS = 8
/** Phase changes remembered for `explain()`. */
export const MAX_HISTORY = 32

/** A visitor the engine knows nothing about, in `phase`, at `epoch`. */
export function freshState(phase: string, epoch: number): PhaseState {
  return { e: epoch, p: phase, c: false, n: 0, s: [], k: {}, r: {}, h: [], t: 0 }
}

/**
 * A stored value as a state of this model (`rank`: its phases by order), or undefined when it is
 * not one: another model's phase, another version's shape, tampering.
 */
export function readState(stored: unknown, rank: ReadonlyMap<string, number>): PhaseState | undefined {
  const value = stored as PhaseState | null | undefined
  if (value && typeof value === 'object' && rank.has(value.p) && Array.isArray(value.s) && Array.isArray(value.h)) return { ...freshState(value.p, 0), ...value }
}

/**
 * `mine` and `other` joined so that neither loses what it learned: the furthest phase wins,
 * converted wins, counts take their maximum, histories join. A higher epoch (a reset, a move
 * backwards) wins whole instead, so a tab that loaded an older state cannot undo either.
 */
export function mergeStates(mine: PhaseState, other: PhaseState | undefined, rank: ReadonlyMap<string, number>): PhaseState {
  if (!other || other.e < mine.e) return mine
  if (other.e > mine.e) return other
  const sessions = mine.s.map(([id, views]): [string, number] => [id, Math.max(views, other.s.find((seen) => seen[0] === id)?.[1] || 0)])
  for (const seen of other.s) if (!sessions.some(([id]) => id === seen[0])) sessions.push(seen)
  const counts = { ...mine.k }
  for (const name in other.k) counts[name] = Math.max(counts[name] || 0, other.k[name]!)
  const reached = { ...other.r, ...mine.r }
  for (const phase in other.r) reached[phase] = Math.min(reached[phase]!, other.r[phase]!)
  const known = new Set(mine.h.map((entry) => entry.eventId))
  return {
    e: mine.e,
    p: rank.get(other.p)! > rank.get(mine.p)! ? other.p : mine.p,
    c: mine.c || other.c,
    n: Math.max(mine.n, other.n),
    s: sessions.slice(-MAX_SESSIONS),
    k: counts,
    r: reached,
    h: mine.h
      .concat(other.h.filter((entry) => !known.has(entry.eventId)))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      .slice(-MAX_HISTORY),
    t: Math.max(mine.t, other.t),
  }
}
