/**
 * The phase engine: decides, for every event, which journey phase the visitor is in, by the rules
 * of a phase model (see `./types` for the rule language and `./presets` for the built-in models).
 */
import type { JourneyEvent } from '../types'
import { compileWords, normalizeName, pathSegments, type WordTest } from './match'
import { standard } from './presets/default'
import type {
  Pattern,
  PhaseChange,
  PhaseEngine,
  PhaseEngineContext,
  PhaseFacts,
  PhaseHistoryEntry,
  PhaseModel,
  PhaseRule,
  PhasesOption,
} from './types'

export type * from './types'
export { normalizeName, pathSegments, wordTest } from './match'
export { phasePresets } from './presets'

/**
 * What the engine keeps about the visitor. Stored as is, so the keys are short and never start
 * with `_` (the build renames `_` properties, which would orphan stored state after an upgrade).
 */
interface State {
  /** Epoch: bumped by `reset()` and by every move backwards. Of two states, the higher epoch wins whole. */
  e: number
  /** The phase. */
  p: string
  /** Converted. */
  c: boolean
  /** Sessions so far. */
  n: number
  /** The latest sessions seen, `[sessionId, page views]`, most recent last (8 at most). */
  s: Array<[string, number]>
  /** Event counts, only of the names some rule's `events` counts. */
  k: Record<string, number>
  /** When each phase was last reached (ms). */
  r: Record<string, number>
  /** The latest changes, oldest first (32 at most). */
  h: PhaseHistoryEntry[]
  /** When the latest event happened (ms). */
  t: number
}

const SLOT = 'phases'
const MIRROR_KEY = 'journeykit:phases'
const MAX_SESSIONS = 8
const MAX_HISTORY = 32
const RULE_KEYS = ' id to type name event page form unless path props pageViews sessions events sessionStart away inPhaseFor converted convert back when '
/** Rule conditions that name concepts of the model's words. */
const CONCEPT_KEYS = ['event', 'page', 'form', 'unless'] as const

function fail(message: string): never {
  throw new Error('[journeykit] phases: ' + message)
}

/**
 * Throws for a malformed model. The checks pass their text as `__DEV__ && '…'`: the production
 * build says only where the README explains models.
 */
function invalid(text: string | false): never {
  return fail(text || 'the model is invalid; see the README\'s "A model of your own" (the development build says more)')
}

/**
 * The preset a name stands for. Only `'default'` is built in: `'b2b'` is a model of its own
 * (`journeykit/b2b`), so that a bundle carries it only when the site imports it.
 */
function preset(name: unknown): PhaseModel {
  if (name === 'default') return standard
  if (name && typeof name === 'object') return name as PhaseModel
  return fail(
    name === 'b2b'
      ? "the b2b preset is its own import: import { b2b } from 'journeykit/b2b' and pass `phases: b2b` (script tag: load journeykit-b2b.iife.js)"
      : `unknown preset ${JSON.stringify(name)}; use 'default' or a model object`,
  )
}

/** The model an option stands for, checked: a malformed model is a set-up mistake and throws. */
function resolve(option: PhasesOption | undefined): PhaseModel {
  // A script tag passes a preset name from `data-phases`, or its build's own preset (b2b): both
  // are checked here, by the unit tests, not on every page.
  if (__SCRIPT_TAG__) return preset(option ?? 'default')
  let model: PhaseModel
  if (option == null || typeof option !== 'object') model = preset(option ?? 'default')
  else if ('extends' in option) {
    const base = preset(option.extends)
    const own = option.rules || []
    const remove = option.remove || []
    for (const id of remove) if (!base.rules.some((rule) => rule.id === id)) invalid(__DEV__ && `cannot remove ${JSON.stringify(id)}: ${typeof option.extends === 'string' ? 'preset ' + option.extends : 'the model it extends'} has no such rule`)
    const rules = base.rules.filter((rule) => !remove.includes(rule.id)).map((rule) => own.find((mine) => mine && mine.id === rule.id) || rule)
    if (option.words != null && !Array.isArray(option.words)) invalid(__DEV__ && '`words` must be a list of vocabularies, e.g. [{ purchase: "abo_gebucht" }]')
    model = { ...base, rules: rules.concat(own.filter((rule) => !rules.includes(rule))), words: (base.words || []).concat(option.words || []) }
  } else model = option
  const { phases, rules, words = [], customer } = model
  if (!Array.isArray(phases) || !phases.length || phases.some((phase) => !phase || typeof phase !== 'string') || new Set(phases).size < phases.length) {
    invalid(__DEV__ && '`phases` must be a non-empty list of distinct names')
  }
  if (!Array.isArray(rules)) invalid(__DEV__ && '`rules` must be a list')
  if (!Array.isArray(words) || words.some((vocabulary) => !vocabulary || typeof vocabulary !== 'object' || Object.values(vocabulary).some((w) => typeof w !== 'string'))) {
    invalid(__DEV__ && '`words` must be a list of vocabularies: objects of concept → "word|word"')
  }
  const ids = new Set<string>()
  for (const rule of rules) {
    const id = rule && rule.id
    if (!id || typeof id !== 'string' || ids.has(id)) invalid(__DEV__ && `every rule needs an id of its own, got ${JSON.stringify(id)}`)
    ids.add(id)
    if (!phases.includes(rule.to)) invalid(__DEV__ && `rule ${id}: \`to\` must be one of ${phases.join(', ')}`)
    for (const key in rule) if (!RULE_KEYS.includes(` ${key} `)) invalid(__DEV__ && `rule ${id}: unknown condition \`${key}\``)
    for (const key of CONCEPT_KEYS) {
      for (const concept of list(rule[key])) if (!words.some((vocabulary) => vocabulary && typeof vocabulary[concept] === 'string')) invalid(__DEV__ && `rule ${id}: no words for the concept ${JSON.stringify(concept)}`)
    }
  }
  if (customer != null && !phases.includes(customer)) invalid(__DEV__ && `\`customer\` must be one of ${phases.join(', ')}`)
  return model
}

function list<T>(value: T | T[] | undefined): T[] {
  return value == null ? [] : Array.isArray(value) ? value : [value]
}

/** What the rules look at in one event, worked out once per event. */
interface Seen {
  /** The event name, normalized. */
  name: string
  /** Its page path's segments, normalized. */
  segments: string[]
  /** The path is in a content section. */
  content: boolean
  /** The name has a part that undoes it (the `not` concept). */
  undone: boolean
  /** For a `form_submit`: its id, name and action segments, normalized; else empty. */
  form: string[]
  /** The form's action is in a content section. */
  formContent: boolean
  /** `[name]`, and name, form and segments together (what `event` and `unless` look at). */
  names: string[]
  all: string[]
  /** Concept tests done so far for this event. */
  hits: Record<string, boolean>
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

function matches(rule: PhaseRule, event: JourneyEvent, facts: PhaseFacts, seen: Seen, words: Map<string, WordTest>): boolean {
  /** Whether any of `names` has a word of any of the concepts (remembered per event: rules share concepts). */
  const has = (concepts: string | string[] | undefined, names: string[]): boolean =>
    list(concepts).some((concept) => {
      const key = concept + (names === seen.segments ? '/' : names === seen.form ? '#' : names === seen.all ? '*' : '')
      let hit = seen.hits[key]
      if (hit === undefined) hit = seen.hits[key] = names.some(words.get(concept)!)
      return hit
    })
  try {
    const props = event.props || {}
    return (
      test(rule.type, event.type) &&
      // A name given as a string is compared normalized: 'Order Completed' is order_completed.
      (rule.name === undefined || list(rule.name).some((one) => (one instanceof RegExp ? test(one, event.name) : normalizeName(one) === seen.name))) &&
      (!rule.event || (!seen.undone && has(rule.event, seen.names))) &&
      (!rule.page || (event.type === 'page' && !seen.content && has(rule.page, seen.segments))) &&
      (!rule.form || (!seen.formContent && has(rule.form, seen.form))) &&
      (!rule.unless || !has(rule.unless, seen.all)) &&
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

/**
 * Creates the phase engine for a model: a preset name, a model object or a preset extended with
 * the site's rules. Throws a clear error for a malformed model; after that, nothing it does throws.
 *
 * State lives in the `phases` state slot (IndexedDB), and, while `ctx.canPersist()` says so, in a
 * localStorage copy under `journeykit:phases`, for two reasons:
 * - `phase` must be right synchronously at start-up, before the core has read IndexedDB. Reading
 *   one small localStorage item at creation is the only synchronous way; the cost is a write of
 *   ~80 µs (Chromium), made only when the phase, conversion or session changes, never per event.
 * - Tabs. A state slot is last-writer-wins: a tab that loaded an older state would write it back
 *   over a newer tab's progress. So before deciding, the engine reads the localStorage copy (the
 *   latest any tab wrote) and merges it: the furthest phase wins, converted wins, counts take their
 *   maximum, histories join. Moving backwards and `reset()` bump an epoch instead, and the higher
 *   epoch wins whole, so an old tab cannot undo them either. Every copy written is such a merge,
 *   so the copy only ever moves forward.
 * Without localStorage (blocked, or consent not granted) the engine still works from its slot; it
 * is then right after the core's read, and tabs merge only through it.
 *
 * @param option the `phases` option of `createJourney`; left out, the `'default'` preset
 * @param ctx the core's state slots, and whether the localStorage copy may be written now
 * @example
 * const engine = createPhaseEngine({ extends: 'default', rules: [{ id: 'decision.quote-page', to: 'decision', type: 'page', path: '/quote' }] }, ctx)
 * const change = engine.decide(event) // { from: 'awareness', to: 'decision', rule: 'decision.quote-page', reason: 'page /quote matched decision.quote-page' }
 */
export function createPhaseEngine(option: PhasesOption | undefined, ctx: PhaseEngineContext): PhaseEngine {
  const { phases, rules, words: vocabularies = [], customer } = resolve(option)
  const rank = new Map(phases.map((phase, index) => [phase, index]))
  const counted = new Set(rules.flatMap((rule) => Object.keys(rule.events || {}).map(normalizeName)))
  const words = compileWords(vocabularies)
  const none: WordTest = () => false
  const isContent = words.get('content') || none
  const undoes = words.get('not') || none
  const customerRank = customer == null ? Infinity : rank.get(customer)!

  /** What the rules look at in `event`, worked out once. */
  function inspect(event: JourneyEvent): Seen {
    const name = normalizeName(event.name)
    const segments = pathSegments(event.context && event.context.path)
    const props = event.props || {}
    const action = name === 'form_submit' ? pathSegments(props.action) : []
    const form = name === 'form_submit' ? [props.formId, props.formName].filter((value) => typeof value === 'string').map(normalizeName).concat(action) : []
    return {
      name,
      segments,
      content: segments.some(isContent),
      undone: name.split('_').some(undoes),
      form,
      formContent: action.some(isContent),
      names: [name],
      all: [name, ...form, ...segments],
      hits: {},
    }
  }
  const slot = ctx.state<State>(SLOT)
  const fresh = (epoch: number): State => ({ e: epoch, p: phases[0]!, c: false, n: 0, s: [], k: {}, r: {}, h: [], t: 0 })

  let state = fresh(0)
  /** The slot value last merged or written: anything else in the slot came from storage. */
  let slotValue: unknown
  /** The localStorage copy as last read or written. */
  let mirrorJson: string | null | undefined
  /** The localStorage copy lags behind `state`. */
  let stale = false

  /** A stored state as a `State` of this model, or undefined when it is not one. */
  function read(stored: unknown): State | undefined {
    const value = stored as State | null | undefined
    if (value && typeof value === 'object' && rank.has(value.p) && Array.isArray(value.s) && Array.isArray(value.h)) return { ...fresh(0), ...value }
  }

  /** `mine` and `other` joined so that neither loses what it learned (see createPhaseEngine). */
  function merge(mine: State, other: State | undefined): State {
    if (!other || other.e < mine.e) return mine
    if (other.e > mine.e) return other
    const sessions = mine.s.map(([id, views]): [string, number] => [id, Math.max(views, other.s.find((seen) => seen[0] === id)?.[1] || 0)])
    for (const seen of other.s) if (!sessions.some(([id]) => id === seen[0])) sessions.push(seen)
    const counts = { ...mine.k }
    for (const name in other.k) counts[name] = Math.max(counts[name] || 0, other.k[name]!)
    const reached = { ...other.r, ...mine.r }
    for (const phase in other.r) reached[phase] = Math.min(reached[phase]!, other.r[phase]!)
    const known = new Set(mine.h.map((entry) => entry.eventId))
    return {
      e: mine.e,
      p: rank.get(other.p)! > rank.get(mine.p)! ? other.p : mine.p,
      c: mine.c || other.c,
      n: Math.max(mine.n, other.n),
      s: sessions.slice(-MAX_SESSIONS),
      k: counts,
      r: reached,
      h: mine.h
        .concat(other.h.filter((entry) => !known.has(entry.eventId)))
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
        .slice(-MAX_HISTORY),
      t: Math.max(mine.t, other.t),
    }
  }

  /** Takes in what storage and other tabs know. */
  function sync(): void {
    const stored = slot.get()
    if (stored !== slotValue) {
      slotValue = stored
      const before = state
      state = merge(state, read(stored))
      // The slot knew more than the localStorage copy (first load of this version, or the copy was forgotten).
      if (state.p !== before.p || state.e !== before.e) stale = true
    }
    try {
      const json = localStorage.getItem(MIRROR_KEY)
      if (json !== mirrorJson) {
        mirrorJson = json
        if (json) state = merge(state, read(JSON.parse(json)))
      }
    } catch {
      // No localStorage (blocked, sandboxed, server) or a corrupt copy: the slot alone will do.
    }
  }

  function save(next: State): void {
    state = next
    slot.set((slotValue = next))
    if (stale && ctx.canPersist && ctx.canPersist()) {
      try {
        localStorage.setItem(MIRROR_KEY, (mirrorJson = JSON.stringify(next)))
        stale = false
      } catch {
        // Quota or blocked storage: the copy stays behind and the next change tries again.
      }
    }
  }

  function forget(): void {
    stale = true
    mirrorJson = null
    try {
      localStorage.removeItem(MIRROR_KEY)
    } catch {
      // Nothing stored where there is no localStorage.
    }
  }

  function decide(event: JourneyEvent): PhaseChange | undefined {
    // The engine's own announcement is not a touchpoint of the visitor.
    if (event.name === 'phase_change') return
    sync()
    const time = Date.parse(event.timestamp) || Date.now()
    const current = state.p
    const sessionId = event.sessionId || ''
    const session = state.s.find(([id]) => id === sessionId)
    const seen = inspect(event)
    // Content pages (blog, press, jobs, legal) are not steps towards buying: they do not count.
    const pageViews = (session ? session[1] : 0) + (event.type === 'page' && !seen.content ? 1 : 0)
    const next: State = {
      ...state,
      // The current session moves to the end, so the oldest is dropped first.
      s: state.s.filter(([id]) => id !== sessionId).concat([[sessionId, pageViews]]).slice(-MAX_SESSIONS),
      n: state.n + (session ? 0 : 1),
      r: state.r[current] ? state.r : { ...state.r, [current]: time },
      t: time,
    }
    if (counted.has(seen.name)) next.k = { ...state.k, [seen.name]: (state.k[seen.name] || 0) + 1 }
    const facts: PhaseFacts = {
      phase: current,
      converted: state.c,
      sessions: next.n,
      pageViews,
      sessionStart: !session,
      away: state.t ? time - state.t : 0,
      inPhaseFor: time - next.r[current]!,
      counts: next.k,
    }
    const from = rank.get(current)!
    // Assigned in consider(): a plain annotation would let TypeScript narrow it to undefined.
    let winner = undefined as PhaseRule | undefined
    let winnerRank = -1
    const consider = (rule: PhaseRule): void => {
      if (rule.convert != null) next.c = rule.convert
      const to = rank.get(rule.to)!
      if (to !== from && (to > from || rule.back) && to > winnerRank) {
        winner = rule
        winnerRank = to
      }
    }
    for (const rule of rules) if (matches(rule, event, facts, seen, words)) consider(rule)
    // What the site knows and tells through identify(): a customer, or the phase itself.
    if (event.type === 'identify') {
      const { customer: isCustomer, phase: declared } = event.props || {}
      if (isCustomer === true) consider(customer == null ? { id: 'customer.declared', to: current, convert: true } : { id: customer + '.known-customer', to: customer, convert: true })
      if (typeof declared === 'string' && rank.has(declared)) consider({ id: declared + '.declared', to: declared, convert: rank.get(declared)! >= customerRank || undefined })
    }
    let change: PhaseChange | undefined
    if (winner) {
      const where =
        event.type === 'page' ? 'page ' + (event.context && event.context.path) : event.type === 'identify' ? 'identify' : event.type + ' ' + event.name
      change = { from: current, to: winner.to, rule: winner.id, reason: `${where} matched ${winner.id}` }
      next.p = winner.to
      if (winnerRank < from) next.e++
      next.r = { ...next.r, [winner.to]: time }
      next.h = next.h.concat({ ...change, at: event.timestamp, eventId: event.id }).slice(-MAX_HISTORY)
    }
    if (change || !session || next.c !== state.c) stale = true
    save(next)
    return change
  }

  sync()
  return {
    get phase() {
      return state.p
    },
    decide,
    history: () => state.h.slice(),
    reset() {
      forget()
      save(fresh(state.e + 1))
    },
    forget,
  }
}
