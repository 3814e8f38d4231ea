/**
 * The phase engine: decides, for every event, which journey phase the visitor is in, by the rules
 * of a phase model (see `./types` for the rule language and `./presets` for the built-in models).
 */
import type { JourneyEvent } from '../event/types'
import { compileWords, normalizeName } from './match'
import { standard } from './presets/default'
import { createInspector, list, matches } from './rules'
import { freshState, MAX_HISTORY, MAX_SESSIONS, type PhaseState } from './state'
import { createPhaseStore } from './store'
import type { PhaseChange, PhaseEngine, PhaseEngineContext, PhaseFacts, PhaseModel, PhaseRule, PhasesOption } from './types'

export type * from './types'
export { normalizeName, pathSegments, wordTest } from './match'
export { phasePresets } from './presets'

const SLOT = 'phases'
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
  // A model object is taken as it is (preset() passes objects through); an extension is built here.
  let model: PhaseModel
  if (option && typeof option === 'object' && 'extends' in option) {
    const base = preset(option.extends)
    const own = option.rules || []
    const remove = option.remove || []
    for (const id of remove) if (!base.rules.some((rule) => rule.id === id)) invalid(__DEV__ && `cannot remove ${JSON.stringify(id)}: ${typeof option.extends === 'string' ? 'preset ' + option.extends : 'the model it extends'} has no such rule`)
    const rules = base.rules.filter((rule) => !remove.includes(rule.id)).map((rule) => own.find((mine) => mine && mine.id === rule.id) || rule)
    if (option.words != null && !Array.isArray(option.words)) invalid(__DEV__ && '`words` must be a list of vocabularies, e.g. [{ purchase: "abo_gebucht" }]')
    model = { ...base, rules: rules.concat(own.filter((rule) => !rules.includes(rule))), words: (base.words || []).concat(option.words || []) }
  } else model = preset(option ?? 'default')
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
      for (const concept of list(rule[key])) if (!words.some((vocabulary) => typeof vocabulary[concept] === 'string')) invalid(__DEV__ && `rule ${id}: no words for the concept ${JSON.stringify(concept)}`)
    }
  }
  if (customer != null && !phases.includes(customer)) invalid(__DEV__ && `\`customer\` must be one of ${phases.join(', ')}`)
  return model
}

/**
 * Creates the phase engine for a model: a preset name, a model object or a preset extended with
 * the site's rules. Throws a clear error for a malformed model; after that, nothing it does throws.
 *
 * Its state lives in the `phases` state slot and a localStorage copy (./store), which tabs merge
 * (./state); the rules are evaluated by ./rules. What is left here is the decision: the facts an
 * event adds, the winning rule, and the change it makes.
 *
 * @param option the `phases` option of `createJourney`; left out, the `'default'` preset
 * @param ctx the core's state slots, and whether the localStorage copy may be written now
 * @example
 * const engine = createPhaseEngine({ extends: 'default', rules: [{ id: 'decision.quote-page', to: 'decision', type: 'page', path: '/quote' }] }, ctx)
 * const change = engine._decide_(event) // { from: 'awareness', to: 'decision', rule: 'decision.quote-page', reason: 'page /quote matched decision.quote-page' }
 */
export function createPhaseEngine(option: PhasesOption | undefined, ctx: PhaseEngineContext): PhaseEngine {
  const { phases, rules, words: vocabularies = [], customer } = resolve(option)
  const rank = new Map(phases.map((phase, index) => [phase, index]))
  const counted = new Set(rules.flatMap((rule) => Object.keys(rule.events || {}).map(normalizeName)))
  const words = compileWords(vocabularies)
  const inspect = createInspector(words)
  const customerRank = customer == null ? Infinity : rank.get(customer)!
  const store = createPhaseStore(ctx._state_<PhaseState>(SLOT), rank, ctx._canPersist_)
  // Read at creation: the phase is right synchronously after a reload.
  let state = store._sync_(freshState(phases[0]!, 0))

  function decide(event: JourneyEvent): PhaseChange | undefined {
    // The engine's own announcement is not a touchpoint of the visitor.
    if (event.name === 'phase_change') return
    state = store._sync_(state)
    const time = Date.parse(event.timestamp) || Date.now()
    const current = state.p
    const sessionId = event.sessionId || ''
    const session = state.s.find(([id]) => id === sessionId)
    const seen = inspect(event)
    // Content pages (blog, press, jobs, legal) are not steps towards buying: they do not count.
    const pageViews = (session ? session[1] : 0) + (event.type === 'page' && !seen._content_ ? 1 : 0)
    const next: PhaseState = {
      ...state,
      // The current session moves to the end, so the oldest is dropped first.
      s: state.s.filter(([id]) => id !== sessionId).concat([[sessionId, pageViews]]).slice(-MAX_SESSIONS),
      n: state.n + (session ? 0 : 1),
      r: state.r[current] ? state.r : { ...state.r, [current]: time },
      t: time,
    }
    if (counted.has(seen._name_)) next.k = { ...state.k, [seen._name_]: (state.k[seen._name_] || 0) + 1 }
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
      if (isCustomer === true) {
        // A model without a customer phase: the customer is converted, in the phase they are in.
        if (customer == null) next.c = true
        else consider({ id: customer + '.known-customer', to: customer, convert: true })
      }
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
    // The localStorage copy follows the phase, conversion and sessions, not every event.
    const mirror = !!change || !session || next.c !== state.c
    store._save_((state = next), mirror)
    return change
  }

  return {
    get _phase_() {
      return state.p
    },
    _decide_: decide,
    _history_: () => state.h.slice(),
    _reset_() {
      store._forget_()
      store._save_((state = freshState(phases[0]!, state.e + 1)))
    },
    _forget_: store._forget_,
  }
}
