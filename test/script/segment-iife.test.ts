/**
 * The Segment script-tag build (`src/script/segment-iife.ts`) in happy-dom: `data-format` and
 * `data-write-key` become the Segment format; a wrong format or a missing key is a set-up
 * mistake reported on the console, with nothing recorded. (The real-browser suite,
 * test/browser/segment.test.ts, runs the built file end to end.)
 */
import { expect, test } from 'vitest'
import { useScriptTagPage } from '../helpers/script-tag'
import { advance } from '../helpers/time'

const tagPage = useScriptTagPage()
const { page } = tagPage

function tag(attributes: Record<string, string>): void {
  const script = document.createElement('script')
  script.setAttribute('src', 'https://cdn.example/journeykit-segment.iife.js')
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value)
  document.head.appendChild(script)
}

const load = () => import('../../src/script/segment-iife')

test.each<Record<string, string>>([{ 'data-format': 'segment' }, {}])('%o with a write key sends Segment batches with the key', async (format) => {
  tag({ 'data-endpoint': 'https://data.example/v1/batch', 'data-write-key': 'wk_tag', 'data-flush-interval': '100', ...format })
  await load()
  page.journey!.track('from_the_tag', { n: 1 })
  await advance(3000, 100)
  expect(tagPage.fetch.requests.length).toBeGreaterThan(0)
  const request = tagPage.fetch.requests[0]!
  expect((request.init.headers as Record<string, string>).Authorization).toBe('Basic ' + btoa('wk_tag:'))
  const batch = (JSON.parse(request.body) as { batch: Array<{ type: string; event?: string }> }).batch
  const all = tagPage.fetch.requests.flatMap((r) => (JSON.parse(r.body) as { batch: Array<{ type: string; event?: string }> }).batch)
  expect(batch[0]!.type).toBe('page')
  expect(all.some((message) => message.event === 'from_the_tag')).toBe(true)
  expect(tagPage.errors).not.toHaveBeenCalled()
})

test.each([
  [{ 'data-write-key': 'wk' , 'data-format': 'journeykit' }, /data-format="journeykit"/],
  [{ 'data-format': 'segment' }, /writeKey/],
])('%o is a set-up mistake: said on the console, nothing recorded', async (attributes, message) => {
  tag({ 'data-endpoint': 'https://data.example/v1/batch', ...attributes })
  await load()
  expect(tagPage.errors).toHaveBeenCalledWith(expect.stringMatching(message))
  expect(page.journey).toBeUndefined()
  await advance(3000, 100)
  expect(tagPage.fetch.requests).toEqual([])
})
