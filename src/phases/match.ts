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
  name = String(name)
  // Most names are normalized already (page_view, scroll_depth): one test instead of six passes.
  return /^[a-z\d]+(_[a-z\d]+)*$/.test(name as string) ? (name as string) : remembered(names, name as string, fold)
}

/** Results kept per input: a site sends few distinct names and paths, again and again. */
const names = new Map<string, string>()
const paths = new Map<string, string[]>()

function remembered<T>(cache: Map<string, T>, key: string, make: (key: string) => T): T {
  let value = cache.get(key)
  if (value === undefined) {
    if (cache.size > 500) cache.clear()
    cache.set(key, (value = make(key)))
  }
  return value
}

function fold(name: string): string {
  return name
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
  return typeof path === 'string' ? remembered(paths, path, split) : []
}

function split(path: string): string[] {
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
  // Only anchored tests (they fail at the first letter): the name, then its first and last parts.
  const whole = new RegExp(`^(?:${words})$`)
  const answers = new Map<string, boolean>()
  const test = (name: string): boolean => {
    if (whole.test(name)) return true
    const parts = wholeOnly ? [] : name.split('_')
    for (let cut = 1; parts.length < 4 && cut < parts.length; cut++) {
      if (whole.test(parts.slice(0, cut).join('_')) || whole.test(parts.slice(cut).join('_'))) return true
    }
    return false
  }
  // Names and segments repeat from event to event: each is tested once.
  return (name) => remembered(answers, name, test)
}

/** A model's vocabularies joined: every concept's words from every language, one test each. */
export function compileWords(vocabularies: readonly Vocabulary[]): Map<string, WordTest> {
  const joined = new Map<string, string[]>()
  for (const vocabulary of vocabularies) {
    for (const concept in vocabulary) joined.set(concept, (joined.get(concept) || []).concat(vocabulary[concept]!))
  }
  return new Map([...joined].map(([concept, words]) => [concept, wordTest(words.join('|'), concept === 'content')]))
}
