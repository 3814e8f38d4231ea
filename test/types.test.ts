/**
 * The typed API. These assertions are checked by the compiler (`tsc --noEmit`, a step of
 * `npm test`): a `@ts-expect-error` line that stops being an error fails the type check. The
 * runtime part only makes sure the calls are real.
 */
import { describe, expectTypeOf, test } from 'vitest'
import { createJourney } from '../src/journey'
import { defaults } from '../src/touchpoints'
import type { B2BPhase, DefaultPhase, Journey, Plugin, PluginContext, Touchpoint, TouchpointContext } from '../src/types'
import { ENDPOINT, usePage } from './helpers/journey'
import { forgetJourneys } from './helpers/instances'

usePage()

type ShopEvents = {
  add_to_cart: { sku: string; price: number }
  signup: undefined
  search: { query: string } | undefined
}

/** An interface works as a catalogue too (no index signature needed). */
interface DocsEvents {
  copy_code: { language: string }
}

describe('typed events and phases', () => {
  test('createJourney<Events>() checks names and props of track()', () => {
    forgetJourneys()
    const journey = createJourney<ShopEvents, DefaultPhase>({ endpoint: ENDPOINT })
    journey.track('add_to_cart', { sku: 'A1', price: 20 })
    journey.track('signup')
    journey.track('search')
    journey.track('search', { query: 'boots' })
    // @ts-expect-error a typo in the name
    journey.track('add_to_cartt', { sku: 'A1', price: 20 })
    // @ts-expect-error props the event requires are missing
    journey.track('add_to_cart')
    // @ts-expect-error a prop of the wrong type
    journey.track('add_to_cart', { sku: 'A1', price: '20' })
    expectTypeOf(journey.phase).toEqualTypeOf<DefaultPhase>()
    const phase: 'awareness' | 'consideration' | 'decision' | 'retention' | 'advocacy' = journey.phase
    expectTypeOf(phase).toBeString()
    journey.destroy()
  })

  test('an interface catalogue and the b2b phase union', () => {
    const docs = {} as Journey<DocsEvents, B2BPhase>
    expectTypeOf(docs.track).parameter(0).toEqualTypeOf<'copy_code'>()
    expectTypeOf(docs.phase).toEqualTypeOf<B2BPhase>()
  })

  test('without a catalogue any name and props are fine, and phase is a string', () => {
    const journey = {} as Journey
    expectTypeOf(journey.track).toBeCallableWith('anything', { any: 1 })
    expectTypeOf(journey.track).toBeCallableWith('no_props')
    expectTypeOf(journey.phase).toEqualTypeOf<string>()
    expectTypeOf(journey.anonymousId).toEqualTypeOf<string | undefined>()
    expectTypeOf(journey.ready).toEqualTypeOf<Promise<void>>()
  })
})

describe('touchpoint types', () => {
  test('a touchpoint is typed Touchpoint; Plugin and PluginContext stay as deprecated aliases', () => {
    const mine = (): Touchpoint => ({ name: 'mine', setup: (ctx) => {
        expectTypeOf(ctx).toEqualTypeOf<TouchpointContext>()
      },
    })
    expectTypeOf<Plugin>().toEqualTypeOf<Touchpoint>()
    expectTypeOf<PluginContext>().toEqualTypeOf<TouchpointContext>()
    expectTypeOf(defaults()).toEqualTypeOf<Touchpoint[]>()
    forgetJourneys()
    const journey = createJourney({ endpoint: ENDPOINT, touchpoints: [mine()] })
    journey.destroy()
  })
})
