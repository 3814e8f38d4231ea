/**
 * The guards that keep heuristics from firing without meaning, the form purposes and the
 * site's own words, on the engine with the built-in presets.
 */
import { b2b } from '../../src/b2b'
import { beforeEach, describe, expect, it } from 'vitest'
import { createPhaseEngine, type PhasesOption } from '../../src/phases'
import { freshDatabase, play, tab, visitor } from './helpers'

beforeEach(() => localStorage.clear())

/** A first-time visitor's journey; returns the phase after each event step. */
async function journeyOf(model: PhasesOption | undefined, steps: string[]) {
  localStorage.clear()
  const storage = tab(freshDatabase())
  const engine = createPhaseEngine(model, storage.ctx)
  await storage.load()
  const who = visitor()
  const phases: string[] = []
  for (const step of steps) {
    play(engine, who, step)
    if (!/^(new session|wait )/.test(step)) phases.push(engine._phase_)
  }
  return { engine, phases }
}

describe('content sections', () => {
  it('trigger no funnel page rule, whatever words their slugs contain', async () => {
    const { phases } = await journeyOf(undefined, ['page /blog/checkout-tips', 'page /magazin/warenkorb', 'page /press/pricing', 'page /karriere/kasse'])
    expect(phases).toEqual(['awareness', 'awareness', 'awareness', 'awareness'])
  })

  it('do not count towards the third page view, nor start consideration on a second visit', async () => {
    const { phases } = await journeyOf(undefined, ['page /blog/a', 'page /blog/b', 'page /jobs', 'page /impressum', 'new session', 'page /blog/c', 'page /'])
    // Five content pages and two visits are still awareness; the first page of the offer's site
    // in the second visit is consideration.
    expect(phases).toEqual(['awareness', 'awareness', 'awareness', 'awareness', 'awareness', 'consideration'])
  })

  it('three pages outside content sections are consideration, as before', async () => {
    const { engine, phases } = await journeyOf(undefined, ['page /', 'page /blog/x', 'page /about', 'page /team'])
    expect(phases).toEqual(['awareness', 'awareness', 'awareness', 'consideration'])
    expect(engine._history_()[0]!.rule).toBe('consideration.third-page-view')
  })
})

describe('conversions', () => {
  it('a newsletter subscribe is not a purchase, and the next visit does not make a customer', async () => {
    const { engine, phases } = await journeyOf(undefined, ['track subscribe {"list":"newsletter"}', 'new session', 'page /'])
    expect(phases).toEqual(['consideration', 'consideration'])
    expect(engine._history_().map((entry) => entry.rule)).toEqual(['consideration.contact'])
  })

  it('a subscribe with a plan or a price is a purchase', async () => {
    const { phases } = await journeyOf(undefined, ['track subscribe {"plan":"pro"}', 'new session', 'page /'])
    expect(phases).toEqual(['decision', 'retention'])
  })

  it.each(['purchase', 'Order Completed', 'orderCompleted', 'checkout_completed', 'bestellung_abgeschlossen', 'Booking Confirmed', 'termin_gebucht', 'contract_signed'])(
    '%s converts',
    async (name) => {
      const { phases } = await journeyOf(undefined, [`track ${name.replace(/ /g, '-')}`, 'new session', 'page /'])
      expect(phases).toEqual(['decision', 'retention'])
    },
  )

  it('a name with a part that undoes it matches nothing', async () => {
    const { phases } = await journeyOf(undefined, ['track purchase_failed', 'track remove_from_cart', 'track kauf_abgebrochen'])
    expect(phases).toEqual(['awareness', 'awareness', 'awareness'])
  })

  it('a newsletter_signup is not a sign-up for the product', async () => {
    const { phases } = await journeyOf(undefined, ['track newsletter_signup', 'page /newsletter/signup', 'track signup'])
    expect(phases).toEqual(['consideration', 'consideration', 'decision'])
    const business = await journeyOf(b2b, ['track newsletter_signup', 'track sign_up'])
    expect(business.phases).toEqual(['research', 'evaluation'])
  })

  it('checkout_started is a step towards buying, not a purchase', async () => {
    const { phases } = await journeyOf(undefined, ['track checkout_started', 'new session', 'page /'])
    expect(phases).toEqual(['decision', 'decision'])
  })
})

describe('form purposes, from id, name or action, in both languages', () => {
  it.each([
    ['{"formId":"kontaktformular"}', 'consideration'],
    ['{"formName":"contact_us"}', 'consideration'],
    ['{"formId":"f7","action":"/kontakt"}', 'consideration'],
    ['{"formId":"newsletterSignup"}', 'consideration'],
    ['{"formId":"signup","action":"/newsletter/signup"}', 'consideration'],
    ['{"formId":"product-form","action":"/cart/add"}', 'decision'],
    ['{"formId":"angebotsanfrage"}', 'decision'],
    ['{"formId":"apply","action":"/careers/apply"}', 'awareness'],
    ['{"formId":"site-search"}', 'awareness'],
  ])('form_submit %s: %s', async (props, phase) => {
    const { phases } = await journeyOf(undefined, [`track form_submit ${props}`])
    expect(phases).toEqual([phase])
  })
})

describe('onboarding is not ended by a timer while on onboarding pages (b2b)', () => {
  it('a customer back after 20 days on the getting-started pages is still onboarding; elsewhere, retention', async () => {
    const { engine, phases } = await journeyOf(b2b, ['track contract_signed', 'wait 20d', 'new session', 'page /getting-started/import', 'wait 20d', 'new session', 'page /erste-schritte', 'wait 1d', 'new session', 'page /dashboard'])
    expect(phases).toEqual(['onboarding', 'onboarding', 'onboarding', 'retention'])
    expect(engine._history_().at(-1)!.rule).toBe('retention.returning-customer')
  })

  it('an invite during onboarding is not expansion', async () => {
    const { phases } = await journeyOf(b2b, ['track contract_signed', 'track invite_sent', 'track add_seats'])
    expect(phases).toEqual(['onboarding', 'onboarding', 'expansion'])
  })
})

describe("a site's own words", () => {
  it('adds its own conversions and a language to a preset', async () => {
    const french = { checkout: 'panier|caisse', content: 'actualites', purchase: 'commande_validee' }
    const model: PhasesOption = { extends: 'default', words: [{ purchase: 'abo_gebucht' }, french] }
    const { phases } = await journeyOf(model, ['page /actualites/panier-moyen', 'page /fr/panier', 'track abo_gebucht', 'new session', 'page /'])
    expect(phases).toEqual(['awareness', 'decision', 'decision', 'retention'])
    const other = await journeyOf(model, ['track Commande-Validée'])
    expect(other.phases).toEqual(['decision'])
  })

  it('rules of a model of its own name concepts of its words', async () => {
    const model: PhasesOption = {
      phases: ['reader', 'buyer'],
      words: [{ buy: 'kaufen|buy' }],
      rules: [{ id: 'buyer.page', to: 'buyer', page: 'buy' }],
    }
    const { phases } = await journeyOf(model, ['page /kaufen-tipps-und-tricks-fuer-alle', 'page /jetzt-kaufen'])
    expect(phases).toEqual(['reader', 'buyer'])
  })

  it('a mistake in the words is a set-up error', () => {
    const ctx = tab(freshDatabase()).ctx
    expect(() => createPhaseEngine({ phases: ['a', 'b'], rules: [{ id: 'b.x', to: 'b', event: 'nope' }] }, ctx)).toThrow(/rule b.x: no words for the concept "nope"/)
    expect(() => createPhaseEngine({ phases: ['a'], rules: [], words: [{ x: 1 as unknown as string }] }, ctx)).toThrow(/`words` must be a list of vocabularies/)
    expect(() => createPhaseEngine({ extends: 'default', words: { purchase: 'x' } as never }, ctx)).toThrow(/`words` must be a list/)
    expect(() => createPhaseEngine({ phases: ['a'], rules: [], customer: 'z' }, ctx)).toThrow(/`customer` must be one of a/)
  })
})
