/**
 * How the phase engine compares names and paths with a vocabulary: the name normaliser and the
 * segment matcher. Case, separators and German umlauts never matter; a word must be a whole name
 * or path segment, or a clear part of one, never any substring.
 */
import type { Vocabulary } from './types'

const UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' }

/**
 * A name, path segment or form id in the form vocabularies are written in: lower case, words
 * joined by `_`, umlauts spelt out (`ä` → `ae`), other accents dropped. `Order Completed`,
 * `order_completed`, `orderCompleted` and `order-completed` are all `order_completed`;
 * `Rücksendung` is `ruecksendung`.
 *
 * @example normalizeName('Product Added to Cart') // 'product_added_to_cart'
 */
export function normalizeName(name: unknown): string {
  return String(name)
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[äöüß]/g, (letter) => UMLAUTS[letter]!)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '') // the accents NFD split off: é → e
    .replace(/[^a-z\d]+/g, '_')
    .replace(/^_|_$/g, '')
}

/** The segments of a page path, each normalized, file extensions dropped: `/De/Mein-Konto.html` → `['de', 'mein_konto']`. */
export function pathSegments(path: unknown): string[] {
  if (typeof path !== 'string') return []
  return path
    .split('/')
    .map((segment) => {
      try {
        segment = decodeURIComponent(segment)
      } catch {
        // A malformed escape: the segment as written.
      }
      return normalizeName(segment.replace(/\.[a-z\d]{1,5}$/i, ''))
    })
    .filter(Boolean)
}

/** Tests one normalized name or segment against a concept's words. */
export type WordTest = (name: string) => boolean

/**
 * The test for one list of words (`|`-separated; a word may use `( | )` and `?` as in a
 * regular expression). A name matches when it is one of the words, or when it has at most three
 * parts and one of the words is its first or last part: with the word `cart`, `cart`,
 * `view_cart` and `cart_viewed` match, `cartography` and `why_your_cart_is_empty` do not.
 * With `wholeOnly`, only a whole name or segment matches (the `content` concept: a section is a
 * whole segment, `/blog/…`, while `/compliance-guide` is a page about something).
 */
export function wordTest(words: string, wholeOnly?: boolean): WordTest {
  const whole = new RegExp(`^(?:${words})$`)
  const part = new RegExp(`^(?:${words})_|_(?:${words})$`)
  return (name) => whole.test(name) || (!wholeOnly && name.split('_').length < 4 && part.test(name))
}

/** A model's vocabularies joined: every concept's words from every language, one test each. */
export function compileWords(vocabularies: readonly Vocabulary[]): Map<string, WordTest> {
  const joined = new Map<string, string[]>()
  for (const vocabulary of vocabularies) {
    for (const concept in vocabulary) joined.set(concept, (joined.get(concept) || []).concat(vocabulary[concept]!))
  }
  return new Map([...joined].map(([concept, words]) => [concept, wordTest(words.join('|'), concept === 'content')]))
}
