/**
 * The default phase model (B2C): `awareness` → `consideration` → `decision` → `retention` →
 * `advocacy`, with English and German words. A standalone model object: importing it is all a
 * site needs to use it, and a bundle without it carries none of its words.
 */
import type { PhaseModel } from '../types'
import { de } from '../words/de'
import { en } from '../words/en'

export const standard: PhaseModel = {
  phases: ['awareness', 'consideration', 'decision', 'retention', 'advocacy'],
  customer: 'retention',
  words: [en, de],
  rules: [
    { id: 'consideration.product-page', to: 'consideration', page: ['offer', 'pricing'] },
    { id: 'consideration.product-view', to: 'consideration', event: 'browse' },
    // Counts and visits are weaker signals: content pages (blog, press, jobs, legal) count for neither.
    { id: 'consideration.third-page-view', to: 'consideration', type: 'page', pageViews: 3 },
    { id: 'consideration.second-session', to: 'consideration', sessions: 2, unless: 'content' },
    { id: 'consideration.contact', to: 'consideration', event: ['contact', 'newsletter'] },
    { id: 'consideration.contact-page', to: 'consideration', page: 'contact' },
    { id: 'consideration.contact-form', to: 'consideration', form: ['contact', 'newsletter'] },
    // Listed first among the decision rules: of rules to the same phase the first explains the move.
    { id: 'decision.conversion', to: 'decision', event: 'purchase', convert: true },
    // `subscribe` alone is a newsletter; with a plan or a price it is a paid subscription.
    { id: 'decision.paid-subscription', to: 'decision', name: 'subscribe', props: { 'plan|value|price|revenue|total': /./ }, convert: true },
    { id: 'decision.checkout-page', to: 'decision', page: 'checkout', unless: 'newsletter' },
    // A newsletter_signup is not a sign-up for the product.
    { id: 'decision.intent', to: 'decision', event: ['cart', 'lead', 'quote'], unless: 'newsletter' },
    { id: 'decision.order-form', to: 'decision', form: ['checkout', 'quote', 'lead'], unless: 'newsletter' },
    { id: 'retention.returning-customer', to: 'retention', converted: true, sessionStart: true },
    { id: 'retention.product-use', to: 'retention', converted: true, event: ['use', 'purchase'] },
    { id: 'retention.account-page', to: 'retention', converted: true, page: ['account', 'support'] },
    { id: 'retention.support-form', to: 'retention', converted: true, form: 'support' },
    { id: 'advocacy.recommendation', to: 'advocacy', converted: true, event: 'advocacy' },
    { id: 'advocacy.feedback-form', to: 'advocacy', converted: true, form: 'advocacy' },
  ],
}
