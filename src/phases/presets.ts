/**
 * The built-in phase models. Their rules are documented one by one in the README's phases
 * section; keep the two in step.
 */
import type { PhaseModel, PresetName } from './types'

// Path patterns match a segment anywhere in the path, followed by `/`, `.` or the end:
// `/pricing`, `/en/pricing`, `/pricing.html` and `/pricing/teams`, but not `/pricing-faq`.
// (Literals rather than built RegExps, and durations written out as numbers rather than
// `180 * DAY`: a bundler can only drop an unused preset if every value in it is a literal.)

/**
 * The design's five-phase model, rule for rule: `awareness` → `consideration` → `decision` →
 * `retention` → `advocacy`.
 */
const standard: PhaseModel = {
  phases: ['awareness', 'consideration', 'decision', 'retention', 'advocacy'],
  rules: [
    { id: 'consideration.product-page', to: 'consideration', type: 'page', path: /\/(pricing|plans|compare|features|products?|demo|reviews)([/.]|$)/i },
    { id: 'consideration.third-page-view', to: 'consideration', type: 'page', pageViews: 3 },
    { id: 'consideration.second-session', to: 'consideration', sessions: 2 },
    { id: 'consideration.contact', to: 'consideration', name: ['contact', 'newsletter_signup'] },
    { id: 'consideration.contact-form', to: 'consideration', name: 'form_submit', props: { 'formId|formName': /contact|newsletter/i } },
    { id: 'decision.checkout-page', to: 'decision', type: 'page', path: /\/(cart|checkout|signup|register|subscribe)([/.]|$)/i },
    { id: 'decision.intent', to: 'decision', name: ['add_to_cart', 'begin_checkout', 'start_trial', 'request_quote'] },
    { id: 'decision.conversion', to: 'decision', name: ['purchase', 'order_completed', 'signup', 'subscribe'], convert: true },
    { id: 'retention.returning-customer', to: 'retention', converted: true, sessionStart: true },
    { id: 'retention.product-use', to: 'retention', converted: true, name: ['login', 'repeat_purchase'] },
    { id: 'retention.account-page', to: 'retention', converted: true, type: 'page', path: /\/(account|support|help)([/.]|$)/i },
    { id: 'advocacy.recommendation', to: 'advocacy', converted: true, name: ['share', 'review', 'referral', 'invite'] },
  ],
}

/**
 * The long business-to-business sales cycle: `need` → `research` → `evaluation` → `negotiation` →
 * `onboarding` → `retention` → `expansion` → `advocacy`.
 */
const b2b: PhaseModel = {
  phases: ['need', 'research', 'evaluation', 'negotiation', 'onboarding', 'retention', 'expansion', 'advocacy'],
  rules: [
    { id: 'research.solution-page', to: 'research', type: 'page', path: /\/(solutions?|products?|features|platform|integrations|use-cases|customers|case-studies)([/.]|$)/i },
    { id: 'research.third-page-view', to: 'research', type: 'page', pageViews: 3 },
    { id: 'research.second-session', to: 'research', sessions: 2 },
    { id: 'research.content', to: 'research', name: ['file_download', 'content_download', 'newsletter_signup', 'webinar_registration'] },
    // Long cycles stall: a lead back after half a year starts researching again.
    { id: 'research.lead-returns', to: 'research', back: true, converted: false, away: 15_552_000_000 /* 180 days */ },
    { id: 'evaluation.pricing-page', to: 'evaluation', type: 'page', path: /\/(pricing|plans|compare|demo|trial|security)([/.]|$)/i },
    { id: 'evaluation.trial-or-demo', to: 'evaluation', name: ['request_demo', 'start_trial', 'signup', 'contact'] },
    { id: 'evaluation.contact-form', to: 'evaluation', name: 'form_submit', props: { 'formId|formName': /contact|demo|trial/i } },
    { id: 'negotiation.sales-contact', to: 'negotiation', name: ['request_quote', 'contact_sales', 'meeting_booked', 'proposal_viewed'] },
    { id: 'negotiation.order-page', to: 'negotiation', type: 'page', path: /\/(quote|checkout|cart|order|contract)([/.]|$)/i },
    { id: 'onboarding.conversion', to: 'onboarding', name: ['purchase', 'order_completed', 'subscribe', 'contract_signed'], convert: true },
    { id: 'onboarding.setup-page', to: 'onboarding', converted: true, type: 'page', path: /\/(onboarding|welcome|getting-started|setup)([/.]|$)/i },
    { id: 'retention.activated', to: 'retention', converted: true, name: ['onboarding_completed', 'activated'] },
    // Onboarding takes a while: a customer still coming back two weeks on has settled in.
    { id: 'retention.returning-customer', to: 'retention', converted: true, sessionStart: true, inPhaseFor: 1_209_600_000 /* 14 days */ },
    { id: 'expansion.upgrade', to: 'expansion', converted: true, name: ['upgrade', 'add_seats', 'invite', 'repeat_purchase'] },
    { id: 'expansion.upgrade-page', to: 'expansion', converted: true, type: 'page', path: /\/(upgrade|add-?ons)([/.]|$)/i },
    { id: 'advocacy.recommendation', to: 'advocacy', converted: true, name: ['share', 'review', 'referral', 'testimonial'] },
  ],
}

/**
 * The built-in phase models, to read or to build a model of your own from.
 * `createJourney({ phases: 'b2b' })` uses `phasePresets.b2b`.
 *
 * @example
 * const rules = phasePresets.default.rules.filter((rule) => rule.id !== 'consideration.second-session')
 * createJourney({ endpoint: '/collect', phases: { phases: [...phasePresets.default.phases, 'champion'], rules } })
 */
export const phasePresets: Readonly<Record<PresetName, PhaseModel>> = { default: standard, b2b }
