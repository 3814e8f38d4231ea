/**
 * One journey per page and endpoint.
 *
 * React StrictMode (mount, unmount, mount), hot module reload and two providers call
 * `createJourney` more than once. Two live journeys on one endpoint would fork the visitor: two
 * anonymous ids on a first visit, two sessions, every page view twice. So `createJourney`:
 *
 * - returns the `live` journey of its endpoint when there is one (and, in the development build,
 *   warns once: outside StrictMode's double render that is a mistake);
 * - continues what a journey destroyed in this task `left` (its state, shared, and the events it
 *   had not decided yet): same visitor, session and phase, which is what StrictMode and HMR need.
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

/** An endpoint's place in the registry. */
export interface Instance {
  live?: Journey
  left?: Carried
  warned?: boolean
}

const KEY = Symbol.for('journeykit.journeys')

/** The registry entry of `endpoint`. */
export function instance(endpoint: string): Instance {
  const registry = ((globalThis as { [KEY]?: Record<string, Instance> })[KEY] ??= {})
  return (registry[endpoint] ??= {})
}

/** Marks `journey` destroyed: what it `left` waits for a successor until the current task ends. */
export function leave(place: Instance, journey: Journey, left: Carried): void {
  if (place.live !== journey) return
  place.live = undefined
  place.left = left
  setTimeout(() => (place.left = undefined))
}

const VISITOR = Symbol.for('journeykit.visitor')

/**
 * The anonymous id for a visitor with none stored: one per page, so that journeys for different
 * endpoints created on a first visit (each reads the empty store before either writes) name the
 * same visitor. Later pages read it from storage.
 */
export function newVisitorId(make: () => string): string {
  const page = globalThis as { [VISITOR]?: string }
  return (page[VISITOR] ??= make())
}

/**
 * The anonymous id after `reset()` (a logout) of a visitor known as `previous`: a new one, unless
 * another journey on the page already reset this visitor, whose new id it then shares.
 */
export function renewVisitorId(previous: string | undefined, make: () => string): string {
  const page = globalThis as { [VISITOR]?: string }
  if (page[VISITOR] === undefined || page[VISITOR] === previous) page[VISITOR] = make()
  return page[VISITOR]
}

/** Consent denied: the page forgets the visitor's id, so a later grant starts a new visitor. */
export function forgetVisitorId(): void {
  delete (globalThis as { [VISITOR]?: string })[VISITOR]
}

/** Every live journey on the page (one per endpoint). */
export function liveJourneys(): Journey[] {
  const registry = (globalThis as { [KEY]?: Record<string, Instance> })[KEY] ?? {}
  return Object.values(registry).flatMap((place) => (place.live ? [place.live] : []))
}
