/**
 * Capturing an event (src/capture/capture.ts): the name checked, the props cleaned, the event
 * stamped with its time and the page context; a mistake reported and the event dropped, never
 * thrown into the page.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createCapture } from '../../src/capture/capture'
import { createReporter } from '../../src/errors'
import { scrubUrl } from '../../src/privacy/url'
import type { JourneyError } from '../../src/types'
import { START, useFakeClock } from '../helpers/time'

let errors: JourneyError[]
const PAGE = 'https://shop.example/checkout?email=someone%40example.com&step=2'

beforeEach(() => {
  errors = []
  useFakeClock()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

const capture = () =>
  createCapture(
    (url) => scrubUrl(url),
    () => PAGE,
    createReporter((error) => errors.push(error)),
  )

describe('a valid event', () => {
  test("is stamped with the time and the page's scrubbed context, its name trimmed", () => {
    const event = capture()('track', '  signup  ', { plan: 'pro' }, 'user-1')
    expect(event).toMatchObject({ type: 'track', name: 'signup', props: { plan: 'pro' }, time: START, userId: 'user-1' })
    expect(event!.context.url).toBe(scrubUrl(PAGE))
    expect(event!.context.url).not.toContain('someone')
    expect(event!.context.path).toBe('/checkout')
    expect(errors).toEqual([])
  })

  test("a touchpoint's late page view keeps its own URL, time and title", () => {
    const event = capture()('page', 'page_view', undefined, undefined, 'https://shop.example/earlier', START - 500, 'Earlier page')
    expect(event).toMatchObject({ type: 'page', name: 'page_view', props: {}, time: START - 500 })
    expect(event!.context).toMatchObject({ url: 'https://shop.example/earlier', path: '/earlier', title: 'Earlier page' })
  })

  test('a name of exactly 255 characters is kept', () => {
    expect(capture()('track', 'n'.repeat(255), {})?.name).toHaveLength(255)
  })
})

describe('a mistake', () => {
  test.each([
    ['not a string', 42],
    ['empty', ''],
    ['blank', '   '],
    ['longer than 255 characters', 'n'.repeat(256)],
    ['missing', undefined],
  ])('a name %s drops the event, reported as invalid_name', (_, name) => {
    let event: unknown = 'not called'
    expect(() => (event = capture()('track', name, {}))).not.toThrow()
    expect(event).toBeUndefined()
    expect(errors.map((error) => error.code)).toEqual(['invalid_name'])
  })

  test('props that are not an object: tracked without props, reported as invalid_props', () => {
    const event = capture()('track', 'clicked', ['not', 'an', 'object'])
    expect(event).toMatchObject({ name: 'clicked', props: {} })
    expect(errors).toEqual([expect.objectContaining({ code: 'invalid_props', message: expect.stringContaining('"clicked" was tracked without props') })])
  })

  test('props that had to be cleaned: tracked cleaned, reported as props_cleaned', () => {
    const event = capture()('track', 'clicked', { ok: 1, later: () => {} })
    expect(event!.props).toEqual({ ok: 1 })
    expect(errors.map((error) => error.code)).toEqual(['props_cleaned'])
  })

  test('props larger than 32 KiB drop the event, reported as event_too_large', () => {
    expect(capture()('track', 'huge', { blob: 'x'.repeat(40 * 1024) })).toBeUndefined()
    expect(errors.map((error) => error.code)).toContain('event_too_large')
  })
})
