/**
 * The `b2b` phase model, after the long business-to-business cycle of seed 002: `need` →
 * `research` → `evaluation` → `negotiation` → `onboarding` → `retention` → `expansion` →
 * `advocacy`, with English and German words. A standalone model object (see ./default.ts).
 */
import type { PhaseModel } from '../types'
import { de, deB2b } from '../words/de'
import { en, enB2b } from '../words/en'

export const b2b: PhaseModel = {
  phases: ['need', 'research', 'evaluation', 'negotiation', 'onboarding', 'retention', 'expansion', 'advocacy'],
  customer: 'onboarding',
  words: [en, de, enB2b, deB2b],
  rules: [
    { id: 'research.solution-page', to: 'research', page: 'offer' },
    { id: 'research.third-page-view', to: 'research', type: 'page', pageViews: 3 },
    { id: 'research.second-session', to: 'research', sessions: 2, unless: 'content' },
    { id: 'research.content', to: 'research', event: ['download', 'newsletter'], unless: 'content' },
    // Long cycles stall: a lead back after half a year starts researching again.
    { id: 'research.lead-returns', to: 'research', back: true, converted: false, away: 15_552_000_000 /* 180 days */ },
    { id: 'evaluation.pricing-page', to: 'evaluation', page: ['pricing', 'contact'] },
    { id: 'evaluation.trial-or-demo', to: 'evaluation', event: ['lead', 'contact'], unless: 'newsletter' },
    { id: 'evaluation.contact-form', to: 'evaluation', form: ['contact', 'lead'], unless: 'newsletter' },
    { id: 'negotiation.sales-contact', to: 'negotiation', event: ['quote', 'cart'] },
    { id: 'negotiation.order-page', to: 'negotiation', page: 'quote' },
    { id: 'negotiation.quote-form', to: 'negotiation', form: 'quote' },
    { id: 'onboarding.conversion', to: 'onboarding', event: 'purchase', convert: true },
    { id: 'onboarding.setup-page', to: 'onboarding', converted: true, page: 'onboarding' },
    { id: 'retention.activated', to: 'retention', converted: true, event: ['activated', 'renewal'] },
    // Onboarding takes a while: a customer still coming back two weeks on has settled in, unless
    // they are back on the onboarding pages.
    { id: 'retention.returning-customer', to: 'retention', converted: true, sessionStart: true, inPhaseFor: 1_209_600_000 /* 14 days */, unless: 'onboarding' },
    { id: 'retention.support-page', to: 'retention', converted: true, page: ['support', 'renewal'] },
    { id: 'retention.support-form', to: 'retention', converted: true, form: 'support' },
    { id: 'expansion.upgrade', to: 'expansion', converted: true, event: 'expansion' },
    { id: 'expansion.upgrade-page', to: 'expansion', converted: true, page: 'expansion' },
    { id: 'advocacy.recommendation', to: 'advocacy', converted: true, event: 'advocacy' },
    { id: 'advocacy.feedback-form', to: 'advocacy', converted: true, form: 'advocacy' },
  ],
}
