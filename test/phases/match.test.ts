/**
 * The name normaliser and the segment matcher the phase rules compare names and paths with.
 */
import { describe, expect, it } from 'vitest'
import { compileWords, normalizeName, pathSegments, wordTest } from '../../src/phases/match'

describe('normalizeName', () => {
  it.each([
    ['Order Completed', 'order_completed'],
    ['order_completed', 'order_completed'],
    ['orderCompleted', 'order_completed'],
    ['order-completed', 'order_completed'],
    ['  ORDER  completed!! ', 'order_completed'],
    ['Product Added to Cart', 'product_added_to_cart'],
    ['checkout_completed', 'checkout_completed'],
    ['Rücksendung', 'ruecksendung'],
    ['Größe', 'groesse'],
    ['Straße', 'strasse'],
    ['Café-Menü', 'cafe_menue'],
    ['Commande Validée', 'commande_validee'],
    ['view_item_list', 'view_item_list'],
    ['step2Done', 'step2_done'],
    ['', ''],
  ])('%j → %j', (name, normalized) => {
    expect(normalizeName(name)).toBe(normalized)
  })

  it('takes anything and never throws', () => {
    expect(normalizeName(undefined)).toBe('undefined')
    expect(normalizeName(42)).toBe('42')
  })
})

describe('pathSegments', () => {
  it('splits, decodes, drops extensions and normalizes', () => {
    expect(pathSegments('/De/Mein-Konto.html')).toEqual(['de', 'mein_konto'])
    expect(pathSegments('/kategorie/b%C3%BCcher/')).toEqual(['kategorie', 'buecher'])
    expect(pathSegments('/a%E0%A4%A/x')).toEqual(['a_e0_a4_a', 'x'])
    expect(pathSegments('/')).toEqual([])
    expect(pathSegments(undefined)).toEqual([])
  })
})

describe('wordTest: a word is a whole name or segment, or a clear part of one', () => {
  const cart = wordTest('cart|warenkorb')
  it.each([
    ['cart', true],
    ['view_cart', true],
    ['cart_viewed', true],
    ['add_to_cart', true],
    ['warenkorb', true],
    ['in_den_warenkorb', true],
    // never any substring
    ['cartography', false],
    ['carts', false],
    ['shopping_cart_tips_and_tricks', false],
    ['why_your_cart_is_empty', false],
    ['my_cart_is_empty', false],
    ['warenkorbwert', false],
  ])('%j: %s', (name, expected) => {
    expect(cart(name)).toBe(expected)
  })

  it('takes words with groups and optional letters, and multi-part words', () => {
    const purchase = wordTest('(order|booking)_(completed|confirmed)|enrol(l)?(ed)?')
    expect(['order_completed', 'booking_confirmed', 'enrol', 'enrolled', 'order_completed_web'].map(purchase)).toEqual([true, true, true, true, true])
    expect(['order_started', 'booking', 'enrolment'].map(purchase)).toEqual([false, false, false])
    expect(wordTest('getting_started')('getting_started_guide')).toBe(true)
  })

  it('wholeOnly: only whole segments (content sections)', () => {
    const content = wordTest('blog|guides?', true)
    expect(content('blog')).toBe(true)
    expect(content('guides')).toBe(true)
    expect(content('compliance_guide')).toBe(false)
    expect(content('blog_tisch')).toBe(false)
  })
})

describe('compileWords', () => {
  it('joins every language of a concept into one test', () => {
    const words = compileWords([{ checkout: 'cart' }, { checkout: 'warenkorb', content: 'blog' }, { checkout: 'panier' }])
    const checkout = words.get('checkout')!
    expect(['cart', 'warenkorb', 'panier', 'kasse'].map(checkout)).toEqual([true, true, true, false])
    expect(words.get('content')!('blog_post')).toBe(false) // content is whole segments only
  })
})
