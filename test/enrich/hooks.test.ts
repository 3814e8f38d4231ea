/**
 * The touchpoints' hooks and the site's beforeSend (src/enrich/hooks.ts): run in order, a null
 * answer drops the event, no answer keeps it, and one that throws is reported (`plugin_failed`)
 * and skipped, never thrown into the page.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createReporter } from '../../src/errors'
import { createHooks } from '../../src/enrich/hooks'
import type { JourneyError, JourneyEvent, Touchpoint } from '../../src/types'
import { event } from '../touchpoints/context'

let errors: JourneyError[]
const reporter = () => createReporter((error) => errors.push(error))

beforeEach(() => {
  errors = []
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

afterEach(() => {
  vi.restoreAllMocks()
})

const tag = (name: string, extra: Partial<Touchpoint> = {}): Touchpoint => ({
  name,
  beforeSend: (e) => ({ ...e, props: { ...e.props, seen: [...((e.props.seen as string[]) ?? []), name] } }),
  ...extra,
})

describe('each()', () => {
  test('calls the hook of every touchpoint that has it, in order, with the event and the touchpoint as this', () => {
    const calls: string[] = []
    const plugins: Touchpoint[] = [
      { name: 'a', enrich(e) { calls.push(`a:${e.name}:${(this as Touchpoint).name}`) } },
      { name: 'b' },
      { name: 'c', enrich(e) { calls.push(`c:${e.name}:${(this as Touchpoint).name}`) } },
    ]
    createHooks(plugins, reporter(), undefined)._each_('enrich', event({ name: 'signup' }))
    expect(calls).toEqual(['a:signup:a', 'c:signup:c'])
  })

  test('a throwing hook is reported as plugin_failed, not thrown, and the next one still runs', () => {
    const cause = new Error('broken touchpoint')
    const later = vi.fn()
    const hooks = createHooks([{ name: 'broken', onHide: () => { throw cause } }, { name: 'fine', onHide: later }], reporter(), undefined)
    expect(() => hooks._each_('onHide')).not.toThrow()
    expect(later).toHaveBeenCalledTimes(1)
    expect(errors).toEqual([expect.objectContaining({ code: 'plugin_failed', cause })])
    expect(errors[0]!.message).toMatch(/Touchpoint "broken" \(onHide\) threw/)
  })
})

describe('beforeSend()', () => {
  test("passes the event through every touchpoint's beforeSend in order, then the site's", () => {
    const site = vi.fn((e: JourneyEvent) => ({ ...e, name: 'renamed-by-site' }))
    const out = createHooks([tag('first'), { name: 'none' }, tag('second')], reporter(), site)._beforeSend_(event({ name: 'original' }))
    expect(site).toHaveBeenCalledWith(expect.objectContaining({ props: { seen: ['first', 'second'] } }))
    expect(out).toMatchObject({ name: 'renamed-by-site', props: { seen: ['first', 'second'] } })
  })

  test('null drops the event: no later beforeSend sees it', () => {
    const later = vi.fn()
    const site = vi.fn()
    const hooks = createHooks([{ name: 'dropper', beforeSend: () => null }, { name: 'later', beforeSend: later }], reporter(), site)
    expect(hooks._beforeSend_(event())).toBeNull()
    expect(later).not.toHaveBeenCalled()
    expect(site).not.toHaveBeenCalled()
  })

  test("the site's null drops it too", () => {
    expect(createHooks([tag('first')], reporter(), () => null)._beforeSend_(event())).toBeNull()
  })

  test('no answer (a forgotten return) keeps the event as it was', () => {
    const original = event({ name: 'kept' })
    const hooks = createHooks([{ name: 'forgetful', beforeSend: () => undefined }], reporter(), () => undefined as unknown as JourneyEvent)
    expect(hooks._beforeSend_(original)).toBe(original)
  })

  test('a throwing beforeSend is reported and skipped: the event goes on as the previous one left it', () => {
    const cause = new Error('oops')
    const hooks = createHooks([tag('first'), { name: 'thrower', beforeSend: () => { throw cause } }, tag('last')], reporter(), () => {
      throw new Error('site oops')
    })
    let out: JourneyEvent | null = null
    expect(() => (out = hooks._beforeSend_(event()))).not.toThrow()
    expect(out).toMatchObject({ props: { seen: ['first', 'last'] } })
    expect(errors.map((error) => [error.code, error.message.split(' threw')[0]])).toEqual([
      ['plugin_failed', 'Touchpoint "thrower" (beforeSend)'],
      ['plugin_failed', 'beforeSend'],
    ])
    expect(errors[0]!.cause).toBe(cause)
  })
})

describe('guard()', () => {
  test('runs the task; one that throws is reported with what threw, never thrown', () => {
    const hooks = createHooks([], reporter(), undefined)
    const ran = vi.fn()
    hooks._guard_(ran, 'A listener')
    expect(ran).toHaveBeenCalledTimes(1)
    expect(errors).toEqual([])
    expect(() => hooks._guard_(() => { throw new Error('x') }, 'A journey.on("phase") listener')).not.toThrow()
    expect(errors).toEqual([expect.objectContaining({ code: 'plugin_failed', message: 'A journey.on("phase") listener threw; the event went on without it' })])
  })
})
