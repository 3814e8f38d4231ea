// Events shaped exactly like the design's wire format, for the collector's tests (kept out of
// test/ so that `node --test` does not count this file as a test).
import { randomUUID } from 'node:crypto'

const campaign = { source: 'newsletter', medium: 'email', name: 'nov' }

/** One event; `overrides` replace fields, `context` is merged. */
export function event(overrides = {}) {
  const { context, ...rest } = overrides
  return {
    id: randomUUID(),
    type: 'track',
    name: 'add_to_cart',
    props: {},
    timestamp: new Date().toISOString(),
    anonymousId: 'anon-1',
    userId: null,
    sessionId: 'session-1',
    phase: 'awareness',
    ...rest,
    context: {
      url: 'http://shop.test/',
      path: '/',
      title: 'Shop',
      referrer: '',
      channel: 'email',
      campaign,
      library: { name: 'journeykit', version: '0.1.0' },
      ...context,
    },
  }
}

export const batch = (events, extra = {}) => ({ sentAt: new Date().toISOString(), events, ...extra })

/**
 * A visitor's whole journey through the shop: campaign landing, features, pricing, cart,
 * checkout, purchase, share, with the phase changes journeykit's default model makes.
 */
export function shopJourney(anonymousId = 'anon-shop', start = Date.parse('2026-11-22T10:00:00Z')) {
  let t = start
  let where = '/'
  const at = (seconds) => new Date((t += seconds * 1000)).toISOString()
  const page = (path, phase, seconds) => {
    where = path
    return event({ anonymousId, type: 'page', name: 'page', phase, timestamp: at(seconds), context: { path, url: `http://shop.test${path}` } })
  }
  const track = (name, phase, seconds, props = {}) =>
    event({ anonymousId, name, phase, props, timestamp: at(seconds), context: { path: where, url: `http://shop.test${where}` } })
  const change = (from, to, rule) => track('phase_change', to, 0, { from, to, rule })
  const events = [
    page('/', 'awareness', 0),
    track('scroll_depth', 'awareness', 4, { percent: 50 }),
    change('awareness', 'consideration', 'consideration.pricing-page'),
    page('/features/', 'consideration', 8),
    page('/pricing/', 'consideration', 12),
    change('consideration', 'decision', 'decision.cart-event'),
    track('add_to_cart', 'decision', 9, { sku: 'pro', price: 29 }),
    page('/cart/', 'decision', 1),
    page('/checkout/', 'decision', 6),
    track('form_submit', 'decision', 20, { formId: 'checkout' }),
    page('/thank-you/', 'decision', 1),
    track('purchase', 'decision', 0, { orderId: 'o-1', value: 29, currency: 'EUR' }),
    change('decision', 'advocacy', 'advocacy.share'),
    track('share', 'advocacy', 10, { method: 'copy_link' }),
  ]
  // As journeykit does: a phase_change carries the timestamp of the touchpoint that caused it.
  events.forEach((e, i) => {
    if (e.name === 'phase_change') e.timestamp = events[i + 1].timestamp
  })
  return events
}
