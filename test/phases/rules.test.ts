/**
 * Rule evaluation on its own: what the inspector sees in an event, and each kind of condition of
 * `matches`, with facts given as plain values.
 */
import { describe, expect, it } from 'vitest'
import type { JourneyEvent } from '../../src/event/types'
import { compileWords } from '../../src/phases/match'
import { createInspector, list, matches } from '../../src/phases/rules'
import type { PhaseFacts, PhaseRule } from '../../src/phases/types'

const words = compileWords([{ content: 'blog', not: 'failed', purchase: 'purchase|order_completed', checkout: 'cart|checkout', contact: 'contact', newsletter: 'newsletter' }])
const inspect = createInspector(words)

function event(type: JourneyEvent['type'], name: string, props: Record<string, unknown> = {}, path = '/'): JourneyEvent {
  return {
    id: 'e1',
    type,
    name,
    props,
    timestamp: '2026-01-01T00:00:00.000Z',
    anonymousId: 'a',
    userId: null,
    sessionId: 's',
    phase: 'awareness',
    context: { url: 'https://shop.example' + path, path, title: '', referrer: '', locale: 'en', screen: { width: 1, height: 1 }, library: { name: 'journeykit', version: '0' }, channel: null, campaign: null },
  }
}
const facts: PhaseFacts = { phase: 'awareness', converted: false, sessions: 1, pageViews: 1, sessionStart: true, away: 0, inPhaseFor: 0, counts: {} }
const rule = (conditions: Omit<PhaseRule, 'id' | 'to'>): PhaseRule => ({ id: 'r', to: 'decision', ...conditions })
const match = (conditions: Omit<PhaseRule, 'id' | 'to'>, seen: JourneyEvent, known: Partial<PhaseFacts> = {}) => matches(rule(conditions), seen, { ...facts, ...known }, inspect(seen), words)

describe('list', () => {
  it('makes a list of nothing, one value or a list', () => {
    expect(list(undefined)).toEqual([])
    expect(list('a')).toEqual(['a'])
    expect(list(['a', 'b'])).toEqual(['a', 'b'])
  })
})

describe('the inspector', () => {
  it('normalizes the name and path, and marks content sections and undone names', () => {
    const seen = inspect(event('page', 'Page View', {}, '/Blog/Checkout-Tips'))
    expect(seen).toMatchObject({ _name_: 'page_view', _segments_: ['blog', 'checkout_tips'], _content_: true, _undone_: false, _form_: [] })
    expect(inspect(event('track', 'purchase_failed'))._undone_).toBe(true)
  })

  it("reads a form_submit's id, name and action", () => {
    const seen = inspect(event('track', 'form_submit', { formId: 'Contact-Form', formName: 7, action: '/blog/contact' }))
    expect(seen._form_).toEqual(['contact_form', 'blog', 'contact'])
    expect(seen._formContent_).toBe(true)
    expect(seen._all_).toEqual(['form_submit', 'contact_form', 'blog', 'contact', ...seen._segments_])
  })
})

describe('matches', () => {
  it('type, name (normalized or a RegExp), path (and paths below it) and props', () => {
    expect(match({ type: 'track', name: 'Order Completed' }, event('track', 'order_completed'))).toBe(true)
    expect(match({ type: 'page' }, event('track', 'order_completed'))).toBe(false)
    expect(match({ name: /^video_/g }, event('track', 'video_play'))).toBe(true)
    // A /g RegExp keeps its lastIndex between tests: it must match every time, not every other.
    expect(match({ name: /^video_/g }, event('track', 'video_play'))).toBe(true)
    expect(match({ path: '/quote' }, event('page', 'page_view', {}, '/quote/new'))).toBe(true)
    expect(match({ path: '/quote' }, event('page', 'page_view', {}, '/quotes'))).toBe(false)
    expect(match({ props: { 'plan|tier': ['pro', 'team'] } }, event('track', 'subscribe', { tier: 'team' }))).toBe(true)
    expect(match({ props: { plan: 'pro' } }, event('track', 'subscribe', { plan: 'free' }))).toBe(false)
  })

  it('concepts: event names, pages outside content sections, forms, and unless', () => {
    expect(match({ event: 'purchase' }, event('track', 'purchase'))).toBe(true)
    expect(match({ event: 'purchase' }, event('track', 'purchase_failed'))).toBe(false)
    expect(match({ page: 'checkout' }, event('page', 'page_view', {}, '/checkout/step-2'))).toBe(true)
    expect(match({ page: 'checkout' }, event('page', 'page_view', {}, '/blog/checkout'))).toBe(false)
    expect(match({ page: 'checkout' }, event('track', 'cart_viewed', {}, '/checkout'))).toBe(false)
    expect(match({ form: 'contact' }, event('track', 'form_submit', { formId: 'contact' }))).toBe(true)
    expect(match({ form: 'contact' }, event('track', 'form_submit', { action: '/blog/contact' }))).toBe(false)
    expect(match({ event: 'checkout', unless: 'newsletter' }, event('track', 'checkout', {}, '/newsletter'))).toBe(false)
  })

  it('counts and flags against the facts', () => {
    expect(match({ pageViews: 3 }, event('page', 'page_view'), { pageViews: 3 })).toBe(true)
    expect(match({ pageViews: 3 }, event('page', 'page_view'), { pageViews: 2 })).toBe(false)
    expect(match({ sessions: 2, away: 1000 }, event('track', 'x'), { sessions: 2, away: 999 })).toBe(false)
    expect(match({ converted: true, sessionStart: true }, event('track', 'x'), { converted: true, sessionStart: true })).toBe(true)
    expect(match({ converted: true }, event('track', 'x'))).toBe(false)
    expect(match({ events: { 'Order Completed': 2 } }, event('track', 'x'), { counts: { order_completed: 2 } })).toBe(true)
    expect(match({ events: { purchase: 2 } }, event('track', 'x'), { counts: { purchase: 1 } })).toBe(false)
  })

  it("a site's when: its answer counts, and one that throws is no match", () => {
    const seen = event('track', 'x', { total: 1200 })
    expect(match({ when: (one, known) => Number(one.props.total) > 1000 && known.sessions === 1 }, seen)).toBe(true)
    expect(
      match(
        {
          when: () => {
            throw new Error('a bug in the site')
          },
        },
        seen,
      ),
    ).toBe(false)
  })

  it('remembers a concept test per event and list, so rules sharing a concept test it once', () => {
    const seen = event('track', 'purchase', {}, '/checkout')
    const inspected = inspect(seen)
    matches(rule({ event: 'purchase' }), seen, facts, inspected, words)
    matches(rule({ unless: 'checkout' }), seen, facts, inspected, words)
    expect(inspected._hits_).toEqual({ purchase: true, 'checkout*': true })
  })
})
