/**
 * The touchpoint host: the context a touchpoint gets, installing touchpoints (one that throws is
 * skipped), and removing them last-first. The track pipeline and the session are fakes.
 */
import { describe, expect, it, vi } from 'vitest'
import { createHooks } from '../../src/enrich/hooks'
import { createReporter } from '../../src/errors'
import type { Identity, Session } from '../../src/enrich/identity'
import { installTouchpoints, touchpointContext } from '../../src/journey/touchpoints'
import type { JourneyError, Touchpoint, TouchpointContext } from '../../src/types'

let stored: Session | undefined

function host(plugins: Touchpoint[]) {
  const errors: JourneyError[] = []
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  const report = createReporter((error) => errors.push(error))
  const track = vi.fn()
  const state = vi.fn(() => ({ get: () => undefined, set: () => {} }))
  const identity = { _storedSession_: vi.fn(() => stored), session: vi.fn(() => ({ id: 's2', count: 3, startedAt: 30, lastActivity: 30 })) } as unknown as Identity
  const context = touchpointContext(track, (url) => url + '#scrubbed', { _slot_: state }, identity, report)
  const remove = installTouchpoints(plugins, context, createHooks(plugins, report, undefined))
  return { remove, track, state, identity, errors }
}

/** A touchpoint that hands out its context, and records its teardown in `log`. */
function touchpoint(name: string, log: string[], seen?: (ctx: TouchpointContext) => void): Touchpoint {
  return {
    name,
    setup(ctx) {
      seen?.(ctx)
      log.push(`setup ${name}`)
      return () => log.push(`teardown ${name}`)
    },
  }
}

describe('the context', () => {
  it('track and page go to the track pipeline; a late page view keeps only arguments of the right type', () => {
    let ctx!: TouchpointContext
    const { track } = host([touchpoint('a', [], (given) => (ctx = given))])
    ctx.track('scroll_depth', { percent: 50 })
    ctx.page({ a: 1 }, 'https://shop.example/x', 123, 'Title')
    ctx.page(undefined, 42 as unknown as string, '5' as unknown as number, null as unknown as string)
    expect(track.mock.calls).toEqual([
      ['track', 'scroll_depth', { percent: 50 }],
      ['page', 'page_view', { a: 1 }, undefined, 'https://shop.example/x', 123, 'Title'],
      ['page', 'page_view', undefined, undefined, undefined, undefined, undefined],
    ])
  })

  it('scrubs URLs, hands out state slots, and tells the session without its internals', () => {
    let ctx!: TouchpointContext
    const { state, identity } = host([touchpoint('a', [], (given) => (ctx = given))])
    expect(ctx.scrubUrl('https://shop.example/')).toBe('https://shop.example/#scrubbed')
    ctx.state('campaign.first')
    expect(state).toHaveBeenCalledWith('campaign.first')
    // No stored session yet: the one an event now would start.
    stored = undefined
    expect(ctx.session()).toEqual({ id: 's2', count: 3, startedAt: 30 })
    stored = { id: 's1', count: 2, startedAt: 10, lastActivity: 20 }
    expect(ctx.session()).toEqual({ id: 's1', count: 2, startedAt: 10 })
    expect(identity.session).toHaveBeenCalledTimes(1)
  })

  it('warn reports the code, with the cause only when one is given', () => {
    let ctx!: TouchpointContext
    const { errors } = host([touchpoint('a', [], (given) => (ctx = given))])
    const cause = new Error('why')
    ctx.warn('plugin_failed', 'first')
    ctx.warn('plugin_failed', 'second', cause)
    expect(errors).toEqual([
      { code: 'plugin_failed', message: 'first' },
      { code: 'plugin_failed', message: 'second', cause },
    ])
  })
})

describe('installing and removing', () => {
  it('installs in order, skips (and reports) one whose setup throws, and removes the others last-first', () => {
    const log: string[] = []
    const broken: Touchpoint = {
      name: 'broken',
      setup() {
        throw new Error('bug')
      },
    }
    const { remove, errors } = host([touchpoint('a', log), broken, { name: 'no-setup' }, touchpoint('b', log)])
    expect(log).toEqual(['setup a', 'setup b'])
    expect(errors.map((error) => error.code)).toEqual(['plugin_failed'])
    remove()
    expect(log).toEqual(['setup a', 'setup b', 'teardown b', 'teardown a'])
  })

  it('a teardown that throws does not stop the others', () => {
    const log: string[] = []
    const { remove, errors } = host([
      touchpoint('a', log),
      {
        name: 'bad-teardown',
        setup: () => () => {
          throw new Error('bug')
        },
      },
    ])
    remove()
    expect(log).toEqual(['setup a', 'teardown a'])
    expect(errors.map((error) => error.code)).toEqual(['plugin_failed'])
  })
})
