/**
 * The seam between the core and the phase engine, and the rule language of phase models.
 *
 * The core calls `createPhaseEngine` once in `createJourney`, then `_decide_(event)` for every event
 * after it has been enriched (session, campaign) and before it is queued.
 */
import type { EventType, JourneyEvent } from '../event/types'
import type { StateSlot } from '../state/types'

/**
 * What a rule compares a value with: a string, number or boolean must be equal, a RegExp must
 * match (the value as a string), and an array matches when any of its entries does.
 */
export type Pattern = string | number | boolean | null | RegExp | Array<string | number | boolean | null | RegExp>

/**
 * What the engine knows about the visitor when it looks at an event, counting that event.
 * Rules test these through their count conditions; a rule's `when` gets them all.
 */
export interface PhaseFacts {
  /** The phase before this event. */
  phase: string
  /** Whether a rule with `convert: true` matched an earlier event. */
  converted: boolean
  /** The visitor's sessions so far, this one included (1 in the first session). */
  sessions: number
  /** Page views in this session, this event included when it is one. */
  pageViews: number
  /** Whether this event is the first the engine sees of its session. */
  sessionStart: boolean
  /** Milliseconds between this event and the visitor's previous one (0 for the first). */
  away: number
  /** Milliseconds since the visitor reached the phase they are in. */
  inPhaseFor: number
  /** Events so far, this one included, of every name that some rule's `events` counts. */
  counts: Readonly<Record<string, number>>
}

/**
 * One rule: when an event meets every condition the rule sets, the visitor moves to `to` if that
 * phase comes later in the model's order (or earlier too, with `back: true`). Conditions left out
 * do not restrict. When several rules match one event, the one whose phase comes latest wins, and
 * of those the first in the list.
 *
 * @example
 * // A visit to the quote page means the visitor is deciding.
 * { id: 'decision.quote-page', to: 'decision', type: 'page', path: '/quote' }
 * @example
 * // Orders over 1000 mark the visitor converted and move them to decision.
 * { id: 'decision.big-order', to: 'decision', name: 'purchase', convert: true,
 *   when: (event) => Number(event.props.total) > 1000 }
 */
export interface PhaseRule {
  /** Unique within the model, `<phase>.<what-it-means>` by convention. It travels as `phase_change`'s `rule`. */
  id: string
  /** The phase this rule moves the visitor to. */
  to: string
  /** The event type: `page`, `track` or `identify`. */
  type?: EventType | EventType[]
  /** The event name, e.g. `'purchase'`, `['share', 'review']` or `/^video_/`. Page views are named `page_view`. */
  name?: Pattern
  /**
   * The page path (`context.path`). A string matches that path and every path below it (`'/quote'`
   * matches `/quote` and `/quote/new`, not `/quotes`); a RegExp is tested against the whole path.
   */
  path?: string | RegExp | Array<string | RegExp>
  /**
   * Event props that must match, each by its {@link Pattern}. A key naming several props with `|`
   * (`'formId|formName'`) matches when any of them does.
   * @example { plan: ['pro', 'team'], 'formId|formName': /contact/i }
   */
  props?: Record<string, Pattern>
  /** At least this many page views in the current session, this event included. */
  pageViews?: number
  /** At least this many sessions so far, the current one included. */
  sessions?: number
  /**
   * At least this many events of each name so far, across sessions, this event included.
   * @example { purchase: 2 } // a repeat customer
   */
  events?: Record<string, number>
  /** `true`: only the first event of a session matches. */
  sessionStart?: boolean
  /** At least this many milliseconds since the visitor's previous event (a return after an absence). */
  away?: number
  /** At least this many milliseconds since the visitor reached their current phase. */
  inPhaseFor?: number
  /**
   * A concept of the model's {@link PhaseModel.words}: the event name (normalized: case and
   * separators do not matter) is one of its words, or starts or ends with one. Page views are
   * named `page_view`. A name with a part of the `not` concept (`purchase_failed`,
   * `remove_from_cart`) matches no concept.
   * @example event: 'purchase' // purchase, Order Completed, checkout_completed, bestellung_abgeschlossen, …
   */
  event?: string | string[]
  /**
   * A concept of the model's words: a page view whose path has a segment that is one of its words
   * (or a segment of at most three parts that starts or ends with one), outside content sections
   * (a path with a segment of the `content` concept never matches).
   * @example page: 'checkout' // /cart, /de/warenkorb, /kasse.html, /checkout/step-2, not /blog/checkout-tips
   */
  page?: string | string[]
  /**
   * A concept of the model's words: a `form_submit` whose `formId`, `formName` or `action` path
   * has one of its words (matched like a path segment), unless the action is in a content section.
   * @example form: 'contact' // formId "contact-form", formName "kontaktformular", action "/kontakt"
   */
  form?: string | string[]
  /**
   * Concepts of the model's words that the event must not have, in its name, its form's id, name
   * or action, or its page path (each matched as above).
   * @example unless: 'newsletter' // a newsletter_signup is not a sign-up for the product
   */
  unless?: string | string[]
  /** `true`: only for visitors converted before this event; `false`: only for the others. */
  converted?: boolean
  /** `true` marks the visitor converted when the rule matches (whether or not the phase moves); `false` unmarks. */
  convert?: boolean
  /** `true` lets this rule move the visitor to an earlier phase. */
  back?: boolean
  /**
   * A last check for what the other conditions cannot say. A `when` that throws counts as no match.
   * @example (event, facts) => facts.sessions >= 3 && event.props.plan === 'enterprise'
   */
  when?: (event: JourneyEvent, facts: PhaseFacts) => boolean
}

/**
 * A phase model: the ordered phases and the rules that move a visitor between them.
 *
 * @example
 * {
 *   phases: ['visitor', 'lead', 'customer'],
 *   rules: [
 *     { id: 'lead.signup', to: 'lead', name: 'signup' },
 *     { id: 'customer.purchase', to: 'customer', name: 'purchase', convert: true },
 *   ],
 * }
 */
export interface PhaseModel {
  /** The phases in journey order. Every visitor starts in the first. */
  phases: string[]
  /** The rules, each with a unique id and a `to` among `phases`. */
  rules: PhaseRule[]
  /**
   * The vocabularies the rules' `event`, `page`, `form` and `notOn` conditions name concepts of,
   * one per language (or per site): the words of every entry count. Two concepts have a meaning
   * of their own: `content` (sections that are not the offer: page rules and page counts skip
   * them) and `not` (name parts that undo an event, `failed`, `removed`).
   */
  words?: Vocabulary[]
  /**
   * The phase a customer declared by `identify(id, { customer: true })` moves to. A phase declared
   * by `identify(id, { phase })` at or after this one marks the visitor converted.
   */
  customer?: string
}

/**
 * Words by concept: each a list of normalized words (lower case, `_` between words, `ä` as `ae`)
 * separated by `|`, where `( | )` and `?` work as in a regular expression.
 * @example { purchase: 'abo_gebucht|kauf_(ok|fertig)', checkout: 'panier|caisse' }
 */
export type Vocabulary = Record<string, string>

/**
 * A preset with the site's own rules added: a rule whose id is the preset's replaces that rule in
 * place, any other is added after the preset's rules; `remove` drops preset rules by id.
 *
 * @example
 * {
 *   extends: 'default',
 *   rules: [
 *     { id: 'decision.quote-page', to: 'decision', type: 'page', path: '/quote' },
 *     { id: 'consideration.second-session', to: 'consideration', sessions: 3 },
 *   ],
 *   remove: ['consideration.third-page-view'],
 * }
 */
export interface PhaseModelExtension {
  /**
   * The model to start from: `'default'`, or a model object such as `b2b` from `journeykit/b2b`
   * or `phasePresets.default`.
   */
  extends: PresetName | PhaseModel
  /** Rules to add or (by id) replace. */
  rules?: PhaseRule[]
  /** Ids of preset rules to leave out. */
  remove?: string[]
  /**
   * More words for the preset's concepts: a site's own conversions, or another language.
   * @example [{ purchase: 'abo_gebucht', checkout: 'mon_panier' }]
   */
  words?: Vocabulary[]
}

/**
 * The built-in model by name: `default` (awareness → advocacy). The `b2b` model (need → advocacy)
 * is an object of its own import, `import { b2b } from 'journeykit/b2b'`.
 */
export type PresetName = 'default'

/** A preset name, a model object, or a preset extended with the site's rules. */
export type PhasesOption = PresetName | PhaseModel | PhaseModelExtension

/** One phase change, as `journey.on('phase')` listeners receive it. */
export interface PhaseChange {
  from: string
  to: string
  /** The id of the rule that moved the visitor. */
  rule: string
  /** A human-readable explanation, e.g. `page /pricing matched consideration.product-page`. */
  reason: string
}

/** One entry of `journey.explain()`. */
export interface PhaseHistoryEntry extends PhaseChange {
  /** When it happened (ISO 8601): the triggering event's timestamp. */
  at: string
  /** The id of the event that triggered it. */
  eventId: string
}

/** What the core gives the engine. (Members written `_name_`, as the engine's: the build shortens them; not public.) */
export interface PhaseEngineContext {
  /** Persisted state (IndexedDB; memory only while consent is pending), read before any _decide_(). */
  _state_<T>(key: string): StateSlot<T>
  /**
   * Whether the engine may write its synchronous copy of the state to localStorage now: true
   * only while consent is granted. Left out, the engine writes nothing outside its state slot.
   */
  _canPersist_?(): boolean
}

export interface PhaseEngine {
  /** The current phase. */
  readonly _phase_: string
  /** Decides the phase for this event; returns the change when it moved the visitor. */
  _decide_(event: JourneyEvent): PhaseChange | undefined
  /** Every change so far, oldest first (the last 32). */
  _history_(): PhaseHistoryEntry[]
  /** Back to the first phase with no history (`journey.reset()`). */
  _reset_(): void
  /**
   * Deletes the engine's localStorage copy of the state, keeping the phase in memory. The core
   * calls it when consent is denied, beside deleting the stored state.
   */
  _forget_(): void
}
