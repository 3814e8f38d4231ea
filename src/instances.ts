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

/** What the page holds for every copy of the library on it: the registry, and the new visitor's id. */
interface PageJourneys {
  /** Each endpoint's place. */
  journeys: Record<string, Instance>
  /** The anonymous id this page made for a visitor with none stored (see `pageVisitorId`). */
  visitor?: string
}

const KEY = Symbol.for('journeykit')

function onPage(): PageJourneys {
  return ((globalThis as { [KEY]?: PageJourneys })[KEY] ??= { journeys: {} })
}

/** The registry entry of `endpoint`. */
export function instance(endpoint: string): Instance {
  return (onPage().journeys[endpoint] ??= {})
}

/** Marks `journey` destroyed: what it `left` waits for a successor until the current task ends. */
export function leave(place: Instance, journey: Journey, left: Carried): void {
  if (place.live !== journey) return
  place.live = undefined
  place.left = left
  setTimeout(() => (place.left = undefined))
}

/**
 * The anonymous id for a visitor known as `previous` (undefined: none stored yet) who needs a new
 * one: made once per page, so that journeys for different endpoints name the same visitor. On a
 * first visit each reads the empty store before either writes; after `reset()` (a logout) on one
 * journey, the others' reset finds the id already renewed and shares it.
 */
export function pageVisitorId(make: () => string, previous?: string): string {
  const page = onPage()
  if (page.visitor === undefined || page.visitor === previous) page.visitor = make()
  return page.visitor
}

/** Consent denied: the page forgets the visitor's id, so a later grant starts a new visitor. */
export function forgetVisitorId(): void {
  onPage().visitor = undefined
}

/** Every live journey on the page (one per endpoint). */
export function liveJourneys(): Journey[] {
  return Object.values(onPage().journeys).flatMap((place) => (place.live ? [place.live] : []))
}
