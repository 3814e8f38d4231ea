/**
 * The b2b script-tag build (`src/script/b2b-iife.ts`) in happy-dom: no `data-phases` or
 * `data-phases="b2b"` means the b2b model, `default` the default one, anything else is a set-up
 * mistake reported on the console. The default build answers `data-phases="b2b"` with the file to
 * load. (test/browser/b2b-script-tag.test.ts runs the built files end to end.)
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { Journey } from '../../src/types'
import { forgetJourneys } from '../helpers/instances'
import { freshIndexedDB, restoreStorage } from '../helpers/storage'

type PageWindow = { journey?: unknown }
const page = window as unknown as PageWindow
let errors: ReturnType<typeof vi.spyOn>

beforeEach(() => {
  freshIndexedDB()
  localStorage.clear()
  errors = vi.spyOn(console, 'error').mockImplementation(() => {})
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.resetModules()
})

afterEach(() => {
  const journey = page.journey as Journey | undefined
  if (typeof journey?.destroy === 'function') journey.destroy()
  Reflect.deleteProperty(page, 'journey')
  forgetJourneys()
  for (const script of document.querySelectorAll('script')) script.remove()
  vi.restoreAllMocks()
  restoreStorage()
})

function tag(file: string, attributes: Record<string, string>): void {
  const script = document.createElement('script')
  script.setAttribute('src', `https://cdn.example/${file}`)
  script.setAttribute('data-endpoint', 'https://collect.example/e')
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value)
  document.head.appendChild(script)
}

test.each([[{}, 'need'], [{ 'data-phases': 'b2b' }, 'need'], [{ 'data-phases': 'default' }, 'awareness']])('journeykit-b2b.iife.js with %o starts in %s', async (attributes, first) => {
  tag('journeykit-b2b.iife.js', attributes)
  await import('../../src/script/b2b-iife')
  expect(errors).not.toHaveBeenCalled()
  expect((page.journey as Journey).phase).toBe(first)
})

test('journeykit-b2b.iife.js with an unknown data-phases says so and leaves the stub', async () => {
  page.journey = { q: [] }
  tag('journeykit-b2b.iife.js', { 'data-phases': 'retail' })
  await import('../../src/script/b2b-iife')
  expect(errors).toHaveBeenCalledWith('[journeykit] data-phases="retail" is not known to journeykit-b2b.iife.js; use data-phases="b2b" or "default"')
  expect(page.journey).toEqual({ q: [] })
})

test('journeykit.iife.js with data-phases="b2b" names the b2b file and leaves the stub', async () => {
  page.journey = { q: [] }
  tag('journeykit.iife.js', { 'data-phases': 'b2b' })
  await import('../../src/script/iife')
  expect(errors).toHaveBeenCalledTimes(1)
  expect(String(errors.mock.calls[0]![0])).toContain('load journeykit-b2b.iife.js')
  expect(page.journey).toEqual({ q: [] })
})
