/**
 * What every script-tag build does (src/script/install.ts), through the main one
 * (src/script/iife.ts, which only calls `install()`): `window.journey` from the tag, and the
 * inline stub whose calls are replayed in order once the file has loaded. Reading the tag's
 * attributes is in config.test.ts.
 */
import { describe, expect, test, vi } from 'vitest'
import { STUB } from '../../src/script/stub'
import { useScriptTagPage } from '../helpers/script-tag'
import { advance } from '../helpers/time'

const tagPage = useScriptTagPage()
const { page } = tagPage

function scriptTag(attributes: Record<string, string>, src = 'https://cdn.example/npm/journeykit@0.1.0/dist/journeykit.iife.js'): HTMLScriptElement {
  const script = document.createElement('script')
  if (src) script.setAttribute('src', src)
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value)
  document.head.appendChild(script)
  return script
}

/** Loads the script-tag build (its module runs `install()` when imported). */
async function loadIife(): Promise<void> {
  await import('../../src/script/iife')
}

/** Runs the README's inline stub in the page. */
function runStub(): void {
  ;(0, eval)(STUB)
}

describe('the script-tag build', () => {
  test('creates window.journey from the tag and delivers to data-endpoint', async () => {
    scriptTag({ 'data-endpoint': 'https://collect.example/e', 'data-batch-size': '2' })
    await loadIife()
    const journey = page.journey!
    expect(typeof journey.track).toBe('function')
    expect(journey.phase).toBe('awareness')
    journey.track('from-the-page', { n: 1 })
    journey.track('second', { n: 2 })
    await advance(6000)
    const mine = tagPage.fetch.delivered().filter((event) => event.name === 'from-the-page' || event.name === 'second')
    expect(mine.map((event) => event.name)).toEqual(['from-the-page', 'second'])
    expect(tagPage.fetch.requests.every((request) => request.url === 'https://collect.example/e')).toBe(true)
    expect(tagPage.fetch.requests.every((request) => request.batch.events.length <= 2)).toBe(true)
  })

  test('replays the stub’s calls in order, then hands over to the real journey', async () => {
    runStub()
    const stub = page.journey!
    expect(Array.isArray(stub.q)).toBe(true)
    stub.track('early-1', { order: 1 })
    stub.page({ stub: true })
    stub.identify('user-9', { plan: 'pro' })
    stub.track('early-2', { order: 2 })
    const unsubscribe = stub.on('phase', () => {})
    expect(unsubscribe).toBeUndefined() // the stub has no return values
    scriptTag({ 'data-endpoint': 'https://collect.example/e' })
    await loadIife()
    expect(page.journey).not.toBe(stub)
    expect(page.journey!.q).toBeUndefined()
    page.journey!.track('after-load')
    await advance(6000)
    const replayed = tagPage.fetch
      .delivered()
      .filter((event) => ['early-1', 'identify', 'early-2', 'after-load'].includes(event.name) || (event.name === 'page_view' && event.props.stub))
      .map((event) => [event.name, event.userId])
    expect(replayed).toEqual([
      ['early-1', null],
      ['page_view', null],
      ['identify', 'user-9'],
      ['early-2', 'user-9'],
      ['after-load', 'user-9'],
    ])
  })

  test('a stub consent("pending") call made before loading is honoured', async () => {
    runStub()
    page.journey!.consent('pending')
    page.journey!.track('before-consent')
    scriptTag({ 'data-endpoint': 'https://collect.example/e' })
    await loadIife()
    await advance(10_000)
    expect(tagPage.fetch.requests).toHaveLength(0)
    page.journey!.consent('granted')
    await advance(6000)
    expect(tagPage.fetch.names()).toContain('before-consent')
  })

  test('data-consent="pending" keeps everything in memory until consent("granted")', async () => {
    scriptTag({ 'data-endpoint': 'https://collect.example/e', 'data-consent': 'pending' })
    await loadIife()
    page.journey!.track('waiting')
    await advance(10_000)
    expect(tagPage.fetch.requests).toHaveLength(0)
    expect(await indexedDB.databases()).toEqual([])
    page.journey!.consent('granted')
    await advance(6000)
    expect(tagPage.fetch.names()).toContain('waiting')
  })

  test('loaded twice: the first journey stays', async () => {
    scriptTag({ 'data-endpoint': 'https://collect.example/e' })
    await loadIife()
    const first = page.journey
    vi.resetModules()
    await loadIife()
    expect(page.journey).toBe(first)
  })

  test('a set-up mistake in the tag is logged, the stub stays, nothing throws', async () => {
    runStub()
    page.journey!.track('queued')
    scriptTag({ 'data-endpoint': 'javascript:alert(1)' })
    await expect(loadIife()).resolves.toBeUndefined()
    expect(tagPage.errors).toHaveBeenCalledWith(expect.stringMatching(/^\[journeykit\].*http or https/))
    expect(Array.isArray(page.journey!.q)).toBe(true)
    expect(() => page.journey!.track('still-harmless')).not.toThrow()
  })

  test('an unreadable data-batch-size is refused with a clear message', async () => {
    scriptTag({ 'data-endpoint': '/collect', 'data-batch-size': 'ten' })
    await loadIife()
    expect(tagPage.errors).toHaveBeenCalledWith(expect.stringMatching(/`batchSize`/))
    expect(page.journey).toBeUndefined()
  })

  test('without a data-endpoint tag it says what is missing and creates nothing', async () => {
    scriptTag({}, 'https://cdn.example/journeykit.iife.js')
    await loadIife()
    expect(tagPage.errors).toHaveBeenCalledWith(expect.stringMatching(/data-endpoint/))
    expect(page.journey).toBeUndefined()
  })
})
