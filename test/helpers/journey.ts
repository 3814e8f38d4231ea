/**
 * A fresh page for each journey test: a new IndexedDB, a fake clock, a fake fetch, no cookies,
 * no localStorage, and every journey made through `make()` destroyed afterwards.
 */
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest'
import { createJourney } from '../../src/journey'
import type { Journey, JourneyError, JourneyOptions } from '../../src/types'
import { restoreBrowser } from './browser'
import { fakeFetch, type FakeFetch, type Step } from './fetch'
import { freshIndexedDB, restoreStorage } from './storage'
import { useFakeClock } from './time'
import { forgetJourneys } from './instances'

export const ENDPOINT = 'https://collect.example/e'

/** A phase model with no rules: no `phase_change` events, so event counts stay exact. */
export const QUIET_PHASES = { phases: ['awareness'], rules: [] }

export interface Page {
  fetch: FakeFetch
  errors: JourneyError[]
  /** console.warn, silenced and recorded. */
  warn: MockInstance<typeof console.warn>
  /** Creates a journey (destroyed after the test) with quiet phases and errors recorded. */
  make(options?: Partial<JourneyOptions>): Journey
}

/** Installs the per-test page; returns an object filled in before each test. */
export function usePage(plan: Step[] = [], otherwise?: Step): Page {
  const journeys: Journey[] = []
  const page = {} as Page
  beforeEach(() => {
    freshIndexedDB()
    useFakeClock()
    localStorage.clear()
    sessionStorage.clear()
    page.fetch = fakeFetch(plan, otherwise)
    page.fetch.install()
    page.errors = []
    page.warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    page.make = (options = {}) => {
      // Each make() is another tab: forget the page's one-journey-per-endpoint registry (src/instances.ts).
      forgetJourneys()
      const journey = createJourney({
        endpoint: ENDPOINT,
        phases: QUIET_PHASES,
        onError: (error) => page.errors.push(error),
        ...options,
      } as JourneyOptions)
      journeys.push(journey)
      return journey
    }
  })
  afterEach(() => {
    for (const journey of journeys.splice(0)) journey.destroy()
    vi.useRealTimers()
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
    restoreBrowser()
    restoreStorage()
  })
  return page
}
