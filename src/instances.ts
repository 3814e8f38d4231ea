/**
 * One journey per page and endpoint.
 *
 * React StrictMode (mount, unmount, mount), hot module reload and two providers call
 * `createJourney` more than once. Two live journeys on one endpoint would fork the visitor: two
 * anonymous ids on a first visit, two sessions, every page view twice. So:
 *
 * - a second `createJourney` for an endpoint whose journey is live returns that journey (and
 *   warns once: it is a mistake outside StrictMode's double render);
 * - a journey destroyed in this task leaves its in-memory state here until the task ends: a
 *   `createJourney` for the same endpoint before then continues it (same visitor, session and
 *   phase, and the events it had not decided yet), which is what StrictMode and HMR need.
 *
 * The registry sits on `globalThis` under a registered symbol, so two copies of the library on
 * one page (an ESM and a CJS build, or npm and the script tag) still share it.
 */
import type { Journey } from './types'

/** What a journey destroyed in this task leaves for its successor on the same endpoint. */
export interface Carried {
  /** The journey state (identity, session, phase, touchpoint state), shared, not copied. */
  state: Map<string, unknown>
  /** Keys of `state` not written to storage yet. */
  changed: Set<string>
  /** Events tracked but not decided yet: the successor decides them. */
  intake: unknown[]
}

interface Entry {
  live?: Journey
  carried?: Carried
  warned?: boolean
}

const KEY = Symbol.for('journeykit.journeys')

function entry(endpoint: string): Entry {
  const registry = ((globalThis as { [KEY]?: Record<string, Entry> })[KEY] ??= {})
  return (registry[endpoint] ??= {})
}

/**
 * The live journey for `endpoint`, if there is one. With `warn`, says once that a second
 * `createJourney` got it.
 */
export function liveJourney(endpoint: string, warn?: boolean): Journey | undefined {
  const found = entry(endpoint)
  if (found.live && warn && !found.warned) {
    found.warned = true
    console.warn(`[journeykit] createJourney() was called again for ${endpoint} while its journey is live: the live journey is returned and the new options are ignored`)
  }
  return found.live
}

/** Takes what a journey for `endpoint` destroyed in this task left (once). */
export function claim(endpoint: string): Carried | undefined {
  const found = entry(endpoint)
  const { carried } = found
  found.carried = undefined
  return carried
}

/** Registers `journey` as the live one for `endpoint`. */
export function register(endpoint: string, journey: Journey): void {
  entry(endpoint).live = journey
}

/** `journey` was destroyed: its state waits for a successor until the current task ends. */
export function release(endpoint: string, journey: Journey, carried: Carried): void {
  const found = entry(endpoint)
  if (found.live !== journey) return
  found.live = undefined
  found.carried = carried
  setTimeout(() => {
    if (found.carried === carried) found.carried = undefined
  }, 0)
}
