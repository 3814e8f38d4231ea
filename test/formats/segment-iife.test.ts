/**
 * The Segment script-tag build (`src/browser/segment-iife.ts`) in happy-dom: `data-format` and
 * `data-write-key` become the Segment format; a wrong format or a missing key is a set-up
 * mistake reported on the console, with nothing recorded. (The real-browser suite,
 * test/browser/segment.test.ts, runs the built file end to end.)
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { Journey } from '../../src/types'
import { fakeFetch, type FakeFetch } from '../helpers/fetch'
import { freshIndexedDB, restoreStorage } from '../helpers/storage'
import { advance, useFakeClock } from '../helpers/time'
import { forgetJourneys } from '../helpers/instances'

type PageWindow = Window & { journey?: Journey; happyDOM?: { settings: { handleDisabledFileLoadingAsSuccess: boolean } } }
const page = window as PageWindow
let fetch: FakeFetch
let errors: ReturnType<typeof vi.spyOn>

beforeEach(() => {
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

function tag(attributes: Record<string, string>): void {
  const script = document.createElement('script')
  script.setAttribute('src', 'https://cdn.example/journeykit-segment.iife.js')
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value)
  document.head.appendChild(script)
}

const load = () => import('../../src/browser/segment-iife')

test.each<Record<string, string>>([{ 'data-format': 'segment' }, {}])('%o with a write key sends Segment batches with the key', async (format) => {
  tag({ 'data-endpoint': 'https://data.example/v1/batch', 'data-write-key': 'wk_tag', 'data-flush-interval': '100', ...format })
  await load()
  page.journey!.track('from_the_tag', { n: 1 })
  await advance(3000, 100)
  expect(fetch.requests.length).toBeGreaterThan(0)
  const request = fetch.requests[0]!
  expect((request.init.headers as Record<string, string>).Authorization).toBe('Basic ' + btoa('wk_tag:'))
  const batch = (JSON.parse(request.body) as { batch: Array<{ type: string; event?: string }> }).batch
  const all = fetch.requests.flatMap((r) => (JSON.parse(r.body) as { batch: Array<{ type: string; event?: string }> }).batch)
  expect(batch[0]!.type).toBe('page')
  expect(all.some((message) => message.event === 'from_the_tag')).toBe(true)
  expect(errors).not.toHaveBeenCalled()
})

test.each([
  [{ 'data-write-key': 'wk' , 'data-format': 'journeykit' }, /data-format="journeykit"/],
  [{ 'data-format': 'segment' }, /writeKey/],
])('%o is a set-up mistake: said on the console, nothing recorded', async (attributes, message) => {
  tag({ 'data-endpoint': 'https://data.example/v1/batch', ...attributes })
  await load()
  expect(errors).toHaveBeenCalledWith(expect.stringMatching(message))
  expect(page.journey).toBeUndefined()
  await advance(3000, 100)
  expect(fetch.requests).toEqual([])
})
