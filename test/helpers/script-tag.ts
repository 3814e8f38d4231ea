/**
 * The happy-dom page the script-tag builds are loaded into (src/script/*-iife.ts): a script tag
 * with a src counts as loaded, a fresh IndexedDB and a fake clock and fetch per test, console
 * errors and warnings captured, modules re-imported, and everything the build installed removed.
 */
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest'
import type { Journey } from '../../src/types'
import { fakeFetch, type FakeFetch } from './fetch'
import { forgetJourneys } from './instances'
import { freshIndexedDB, restoreStorage } from './storage'
import { useFakeClock } from './time'

export type ScriptTagWindow = Window & {
  journey?: Journey & { q?: unknown[] }
  happyDOM?: { settings: { handleDisabledFileLoadingAsSuccess: boolean } }
}

/** What a script-tag test reads: the requests sent and the console errors, both per test. */
export interface ScriptTagPage {
  readonly page: ScriptTagWindow
  readonly fetch: FakeFetch
  readonly errors: MockInstance
}

export function useScriptTagPage(): ScriptTagPage {
  const page = window as ScriptTagWindow
  let fetch: FakeFetch
  let errors: MockInstance
  beforeEach(() => {
    // happy-dom does not load script files; let a script tag with a src count as loaded, quietly.
    if (page.happyDOM) page.happyDOM.settings.handleDisabledFileLoadingAsSuccess = true
    freshIndexedDB()
    useFakeClock()
    localStorage.clear()
    fetch = fakeFetch()
    fetch.install()
    errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.resetModules()
  })
  afterEach(() => {
    if (typeof page.journey?.destroy === 'function') page.journey.destroy()
    Reflect.deleteProperty(page, 'journey')
    forgetJourneys()
    for (const script of document.querySelectorAll('script')) script.remove()
    vi.useRealTimers()
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
    restoreStorage()
    if (page.happyDOM) page.happyDOM.settings.handleDisabledFileLoadingAsSuccess = false
  })
  return {
    page,
    get fetch() {
      return fetch
    },
    get errors() {
      return errors
    },
  }
}
