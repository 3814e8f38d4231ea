/**
 * Rule evaluation: what the rules look at in one event, worked out once per event, and whether one
 * rule matches it given the facts the engine knows. Nothing here keeps state: the engine passes the
 * facts in, so every condition can be tested with plain values.
 */
import type { JourneyEvent } from '../event/types'
import { normalizeName, pathSegments, type WordTest } from './match'
import type { Pattern, PhaseFacts, PhaseRule } from './types'

/** What the rules look at in one event. Internal to the engine: its members are mangled. */
export interface Seen {
  /** The event name, normalized. */
  _name_: string
  /** Its page path's segments, normalized. */
  _segments_: string[]
  /** The path is in a content section. */
  _content_: boolean
  /** The name has a part that undoes it (the `not` concept). */
  _undone_: boolean
  /** For a `form_submit`: its id, name and action segments, normalized; else empty. */
  _form_: string[]
  /** The form's action is in a content section. */
  _formContent_: boolean
  /** Name, form and segments together (what `unless` looks at). */
  _all_: string[]
  /** Concept tests done so far for this event, by concept and the list tested (see `matches`). */
  _hits_: Record<string, boolean>
}

/** A value or a list of values as a list. */
export function list<T>(value: T | T[] | undefined): T[] {
  return value == null ? [] : Array.isArray(value) ? value : [value]
}

const none: WordTest = () => false

/** Makes the function that works out, once per event, what the rules look at (`words`: the model's compiled vocabularies). */
export function createInspector(words: ReadonlyMap<string, WordTest>): (event: JourneyEvent) => Seen {
  const isContent = words.get('content') || none
  const undoes = words.get('not') || none
  return (event) => {
    const name = normalizeName(event.name)
    const segments = pathSegments(event.context && event.context.path)
    const props = event.props || {}
    const action = name === 'form_submit' ? pathSegments(props.action) : []
    const form = name === 'form_submit' ? [props.formId, props.formName].filter((value) => typeof value === 'string').map(normalizeName).concat(action) : []
    return {
      _name_: name,
      _segments_: segments,
      _content_: segments.some(isContent),
      _undone_: name.split('_').some(undoes),
      _form_: form,
      _formContent_: action.some(isContent),
      _all_: [name, ...form, ...segments],
      _hits_: {},
    }
  }
}

/** Whether `value` matches `pattern`; a string `pattern` with `under` also matches paths below it. */
function test(pattern: Pattern | undefined, value: unknown, under?: boolean): boolean {
  if (pattern === undefined) return true
  if (Array.isArray(pattern)) return pattern.some((one) => test(one, value, under))
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0 // a /g or /y RegExp would otherwise match every other time
    return value != null && pattern.test(String(value))
  }
  return pattern === value || (!!under && typeof value === 'string' && value.startsWith(String(pattern).replace(/\/$/, '') + '/'))
}

/** Count conditions: the rule's number is a minimum for the fact of the same name. */
const AT_LEAST = ['pageViews', 'sessions', 'away', 'inPhaseFor'] as const
/** Flag conditions: the rule's flag must equal the fact of the same name. */
const FLAGS = ['sessionStart', 'converted'] as const

/**
 * Whether `event` meets every condition of `rule`. `seen` is the event as `createInspector` saw
 * it; `words` are the model's compiled vocabularies, by concept. Never throws: a site's `when`
 * that throws is no match.
 */
export function matches(rule: PhaseRule, event: JourneyEvent, facts: PhaseFacts, seen: Seen, words: ReadonlyMap<string, WordTest>): boolean {
  /**
   * Whether any of `names` has a word of any of the concepts. Remembered per event, as the concept
   * and a tag for the list tested (`/` segments, `#` form, `*` all; the name has none): rules
   * share concepts.
   */
  const has = (concepts: string | string[] | undefined, names: string[], tag = ''): boolean =>
    list(concepts).some((concept) => {
      const key = concept + tag
      return seen._hits_[key] ?? (seen._hits_[key] = names.some(words.get(concept)!))
    })
  try {
    const props = event.props || {}
    return (
      test(rule.type, event.type) &&
      // A name given as a string is compared normalized: 'Order Completed' is order_completed.
      (rule.name === undefined || list(rule.name).some((one) => (one instanceof RegExp ? test(one, event.name) : normalizeName(one) === seen._name_))) &&
      (!rule.event || (!seen._undone_ && has(rule.event, [seen._name_]))) &&
      (!rule.page || (event.type === 'page' && !seen._content_ && has(rule.page, seen._segments_, '/'))) &&
      (!rule.form || (!seen._formContent_ && has(rule.form, seen._form_, '#'))) &&
      (!rule.unless || !has(rule.unless, seen._all_, '*')) &&
      test(rule.path, event.context && event.context.path, true) &&
      Object.keys(rule.props || {}).every((key) => key.split('|').some((name) => test(rule.props![key], props[name]))) &&
      AT_LEAST.every((key) => rule[key] == null || facts[key] >= rule[key]!) &&
      FLAGS.every((key) => rule[key] == null || rule[key] === facts[key]) &&
      Object.keys(rule.events || {}).every((name) => (facts.counts[normalizeName(name)] || 0) >= rule.events![name]!) &&
      (!rule.when || !!rule.when(event, facts))
    )
  } catch {
    return false // a site's `when` threw: no match, and nothing thrown into the page
  }
}
