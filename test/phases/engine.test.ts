/**
 * The engine's behaviour beyond single journeys: explanations, reset, persistence over IndexedDB,
 * the synchronous start-up phase, consent, tabs sharing one store, bounds, and set-up errors.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { b2b } from '../../src/b2b'
import { createPhaseEngine, phasePresets, type PhasesOption } from '../../src/phases'
import { freshDatabase, play, tab, visitor } from './helpers'

const MIRROR_KEY = 'journeykit:phases'

beforeEach(() => localStorage.clear())

/** A new engine over `database`, after its state has been read (as the core does). */
async function open(database: string, model?: PhasesOption, options?: { canPersist?: boolean }) {
  const storage = tab(database, options)
  const engine = createPhaseEngine(model, storage.ctx)
  await storage.load()
  return { engine, storage }
}

describe('explaining', () => {
  it('records every change with its rule, a readable reason, the event and its time', async () => {
    const { engine } = await open(freshDatabase())
    const who = visitor()
    const pricing = who.event('page', 'page_view', { path: '/pricing' })
    const purchase = who.event('track', 'purchase')
    engine._decide_(who.event('page', 'page_view', { path: '/' }))
    engine._decide_(pricing)
    engine._decide_(purchase)
    expect(engine._history_()).toEqual([
      {
        from: 'awareness',
        to: 'consideration',
        rule: 'consideration.product-page',
        reason: 'page /pricing matched consideration.product-page',
        at: pricing.timestamp,
        eventId: pricing.id,
      },
      {
        from: 'consideration',
        to: 'decision',
        rule: 'decision.conversion',
        reason: 'track purchase matched decision.conversion',
        at: purchase.timestamp,
        eventId: purchase.id,
      },
    ])
  })

  it('hands out a copy of the history', async () => {
    const { engine } = await open(freshDatabase())
    play(engine, visitor(), 'page /pricing')
    engine._history_().length = 0
    expect(engine._history_()).toHaveLength(1)
  })
})

describe('deciding', () => {
  it('of two matching rules, the later phase wins, and of equals the first listed', async () => {
    const model: PhasesOption = {
      phases: ['a', 'b', 'c'],
      rules: [
        { id: 'b.first', to: 'b', name: 'go' },
        { id: 'c.first', to: 'c', name: 'go', props: { far: true } },
        { id: 'c.second', to: 'c', name: 'go', props: { far: true } },
      ],
    }
    const { engine } = await open(freshDatabase(), model)
    expect(play(engine, visitor(), 'track go {"far":true}')).toMatchObject({ from: 'a', to: 'c', rule: 'c.first' })
  })

  it('does not take its own phase_change events for touchpoints', async () => {
    const model: PhasesOption = { phases: ['a', 'b'], rules: [{ id: 'b.echo', to: 'b', name: 'phase_change' }] }
    const { engine } = await open(freshDatabase(), model)
    expect(play(engine, visitor(), 'track phase_change')).toBeUndefined()
    expect(engine._phase_).toBe('a')
  })

  it('counts a rule whose when() throws as no match, and throws nothing', async () => {
    const model: PhasesOption = {
      phases: ['a', 'b'],
      rules: [
        {
          id: 'b.broken',
          to: 'b',
          when: () => {
            throw new Error('site bug')
          },
        },
        { id: 'b.fine', to: 'b', name: 'ok' },
      ],
    }
    const { engine } = await open(freshDatabase(), model)
    const who = visitor()
    expect(() => play(engine, who, 'track anything')).not.toThrow()
    expect(engine._phase_).toBe('a')
    expect(play(engine, who, 'track ok')).toMatchObject({ rule: 'b.fine' })
  })

  it('gives when() the facts it counted, this event included', async () => {
    const seen: unknown[] = []
    const model: PhasesOption = {
      phases: ['a', 'b'],
      rules: [{ id: 'b.spy', to: 'b', events: { buy: 1 }, when: (_event, facts) => (seen.push({ ...facts }), false) }],
    }
    const { engine } = await open(freshDatabase(), model)
    const who = visitor()
    play(engine, who, 'page /')
    play(engine, who, 'page /x')
    who.wait(3_600_000)
    who.newSession()
    play(engine, who, 'track buy')
    expect(seen).toEqual([
      { phase: 'a', converted: false, sessions: 2, pageViews: 0, sessionStart: true, away: 3_600_000 + 32 * 60_000, inPhaseFor: 3_600_000 + 33 * 60_000, counts: { buy: 1 } },
    ])
  })
})

describe('reset', () => {
  it('goes back to the first phase with no history, counting afresh', async () => {
    const database = freshDatabase()
    const { engine, storage } = await open(database)
    const who = visitor()
    for (const step of ['page /', 'page /a', 'track purchase', 'new session', 'page /']) play(engine, who, step)
    expect(engine._phase_).toBe('retention')
    engine._reset_()
    expect(engine._phase_).toBe('awareness')
    expect(engine._history_()).toEqual([])
    // Same session, but the session count and the page views start again, and nothing is converted.
    expect(play(engine, who, 'page /b')).toBeUndefined()
    expect(play(engine, who, 'page /c')).toBeUndefined()
    expect(play(engine, who, 'track share')).toBeUndefined()
    expect(play(engine, who, 'page /d')).toMatchObject({ rule: 'consideration.third-page-view' })
    await storage.settled()
    localStorage.clear()
    const reloaded = await open(database)
    expect(play(reloaded.engine, who, 'page /e')).toBeUndefined()
    expect(reloaded.engine._phase_).toBe('consideration')
    expect(reloaded.engine._history_()).toHaveLength(1)
  })
})

describe('persistence', () => {
  it('a new engine over the same stored state goes on where the last one stopped', async () => {
    const database = freshDatabase()
    const who = visitor()
    // No localStorage copy: everything must come through the state slot (IndexedDB).
    const first = await open(database, 'default', { canPersist: false })
    play(first.engine, who, 'page /')
    play(first.engine, who, 'page /about')
    await first.storage.settled()

    const second = await open(database, 'default', { canPersist: false })
    expect(play(second.engine, who, 'page /team')).toMatchObject({ rule: 'consideration.third-page-view' })
    play(second.engine, who, 'track purchase')
    await second.storage.settled()

    const third = await open(database, 'default', { canPersist: false })
    who.newSession()
    expect(play(third.engine, who, 'page /')).toMatchObject({ from: 'decision', to: 'retention', rule: 'retention.returning-customer' })
    expect(third.engine._history_().map((entry) => entry.to)).toEqual(['consideration', 'decision', 'retention'])
    expect(localStorage.length).toBe(0)
  })

  it('is right synchronously at start-up, before IndexedDB has been read', async () => {
    const database = freshDatabase()
    const first = await open(database)
    play(first.engine, visitor(), 'page /checkout')
    await first.storage.settled()

    const reloaded = createPhaseEngine('default', tab(database).ctx)
    expect(reloaded._phase_).toBe('decision')
    expect(reloaded._history_()).toEqual(first.engine._history_())
  })

  it('starts fresh from a state of another model or a corrupt copy', async () => {
    const database = freshDatabase()
    const first = await open(database)
    play(first.engine, visitor(), 'page /checkout')
    await first.storage.settled()
    const other = await open(database, b2b)
    expect(other.engine._phase_).toBe('need')
    expect(play(other.engine, visitor(), 'page /')).toBeUndefined()
    expect(other.engine._phase_).toBe('need')

    localStorage.setItem(MIRROR_KEY, '{"p":')
    const corrupt = createPhaseEngine('default', tab(freshDatabase()).ctx)
    expect(corrupt._phase_).toBe('awareness')
  })
})

describe('consent', () => {
  it('writes nothing outside the state slot unless it may persist, and forget() removes its copy', async () => {
    const database = freshDatabase()
    const { engine, storage } = await open(database, 'default', { canPersist: false })
    const who = visitor()
    play(engine, who, 'page /pricing')
    expect(localStorage.getItem(MIRROR_KEY)).toBeNull()

    storage.setCanPersist(true)
    play(engine, who, 'page /about')
    expect(JSON.parse(localStorage.getItem(MIRROR_KEY)!)).toMatchObject({ p: 'consideration' })

    storage.setCanPersist(false)
    engine._forget_()
    expect(localStorage.getItem(MIRROR_KEY)).toBeNull()
    expect(engine._phase_).toBe('consideration')
    play(engine, who, 'page /cart')
    expect(engine._phase_).toBe('decision')
    expect(localStorage.getItem(MIRROR_KEY)).toBeNull()
  })

  it('the localStorage copy stays small: only phase, conversion or session changes write it', async () => {
    const { engine } = await open(freshDatabase())
    const who = visitor()
    play(engine, who, 'page /')
    const written = localStorage.getItem(MIRROR_KEY)
    for (let i = 0; i < 20; i++) play(engine, who, 'track scroll_depth')
    expect(localStorage.getItem(MIRROR_KEY)).toBe(written)
  })
})

describe('two tabs over one store', () => {
  it('a tab holding an older state does not take the other tab back', async () => {
    const database = freshDatabase()
    const setup = await open(database)
    const who = visitor()
    play(setup.engine, who, 'page /pricing')
    await setup.storage.settled()

    const a = await open(database)
    const b = await open(database)
    play(a.engine, who, 'track purchase')
    expect(a.engine._phase_).toBe('decision')
    // B writes last, from the state it read before A's purchase.
    expect(play(b.engine, who, 'page /blog')).toBeUndefined()
    expect(b.engine._phase_).toBe('decision')
    await Promise.all([a.storage.settled(), b.storage.settled()])

    // A reload that has only IndexedDB still knows the phase and the conversion.
    localStorage.clear()
    const reloaded = await open(database)
    who.newSession()
    expect(play(reloaded.engine, who, 'page /')).toMatchObject({ from: 'decision', to: 'retention' })
  })

  it('a reset in one tab is not undone by another', async () => {
    const database = freshDatabase()
    const a = await open(database)
    const b = await open(database)
    const who = visitor()
    play(a.engine, who, 'page /checkout')
    play(b.engine, who, 'page /')
    expect(b.engine._phase_).toBe('decision')
    a.engine._reset_()
    play(b.engine, who, 'page /about')
    expect(b.engine._phase_).toBe('awareness')
    expect(b.engine._history_()).toEqual([])
    await Promise.all([a.storage.settled(), b.storage.settled()])
    localStorage.clear()
    expect((await open(database)).engine._phase_).toBe('awareness')
  })

  it('a move backwards in one tab is not undone by another', async () => {
    const model: PhasesOption = {
      phases: ['a', 'b'],
      rules: [
        { id: 'b.go', to: 'b', name: 'go' },
        { id: 'a.back', to: 'a', name: 'back', back: true },
      ],
    }
    const database = freshDatabase()
    const a = await open(database, model)
    const b = await open(database, model)
    const who = visitor()
    play(a.engine, who, 'track go')
    play(b.engine, who, 'track other')
    play(a.engine, who, 'track back')
    play(b.engine, who, 'track other')
    expect([a.engine._phase_, b.engine._phase_]).toEqual(['a', 'a'])
  })

  it('tabs with sessions of their own count each session once', async () => {
    const model: PhasesOption = { phases: ['a', 'b'], rules: [{ id: 'b.third-session', to: 'b', sessions: 3 }] }
    const database = freshDatabase()
    const a = await open(database, model)
    const b = await open(database, model)
    const who = visitor()
    const first = who.sessionId
    who.newSession()
    const second = who.sessionId
    for (let i = 0; i < 5; i++) {
      who.useSession(first)
      play(a.engine, who, 'page /')
      who.useSession(second)
      play(b.engine, who, 'page /')
    }
    expect([a.engine._phase_, b.engine._phase_]).toEqual(['a', 'a'])
    who.newSession()
    expect(play(b.engine, who, 'page /')).toMatchObject({ rule: 'b.third-session' })
  })
})

describe('bounds', () => {
  it('keeps the last 8 sessions and the last 32 changes', async () => {
    const model: PhasesOption = {
      phases: ['a', 'b'],
      rules: [
        { id: 'b.go', to: 'b', name: 'go' },
        { id: 'a.back', to: 'a', name: 'back', back: true },
      ],
    }
    const { engine, storage } = await open(freshDatabase(), model)
    const who = visitor()
    for (let i = 0; i < 40; i++) {
      who.newSession()
      play(engine, who, 'track go')
      play(engine, who, 'track back')
    }
    const history = engine._history_()
    expect(history).toHaveLength(32)
    expect(history.at(-1)).toMatchObject({ from: 'b', to: 'a', rule: 'a.back' })
    const stored = storage.ctx._state_<{ s: unknown[]; n: number; h: unknown[] }>('phases').get()!
    expect(stored.s).toHaveLength(8)
    expect(stored.n).toBe(40)
    expect(JSON.stringify(stored).length).toBeLessThan(8000)
  })
})

describe('set-up mistakes throw a clear error', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['an unknown preset', 'b2c', /unknown preset "b2c"/],
    ['no phases', { phases: [], rules: [] }, /`phases` must be a non-empty list/],
    ['a phase twice', { phases: ['a', 'a'], rules: [] }, /distinct names/],
    ['rules that are not a list', { phases: ['a'], rules: {} }, /`rules` must be a list/],
    ['a rule without an id', { phases: ['a', 'b'], rules: [{ to: 'b' }] }, /every rule needs an id of its own, got undefined/],
    ['an id twice', { phases: ['a', 'b'], rules: [{ id: 'x', to: 'b' }, { id: 'x', to: 'b' }] }, /got "x"/],
    ['a rule to an unknown phase', { phases: ['a', 'b'], rules: [{ id: 'c.x', to: 'c' }] }, /rule c.x: `to` must be one of a, b/],
    ['a misspelt condition', { phases: ['a', 'b'], rules: [{ id: 'b.x', to: 'b', paths: '/x' }] }, /rule b.x: unknown condition `paths`/],
    ['extending an unknown preset', { extends: 'retail', rules: [] }, /unknown preset "retail"/],
    ['removing a rule the preset lacks', { extends: 'default', remove: ['consideration.pricing'] }, /cannot remove "consideration.pricing": preset default has no such rule/],
    ['an added rule to an unknown phase', { extends: b2b, rules: [{ id: 'x.y', to: 'decision' }] }, /rule x.y: `to` must be one of need,/],
    ['removing a rule a model object lacks', { extends: b2b, remove: ['consideration.pricing'] }, /cannot remove "consideration.pricing": the model it extends has no such rule/],
    // The b2b preset left the core: its old name says where it went instead of "unknown preset".
    ['the b2b preset by name', 'b2b', /the b2b preset is its own import: import \{ b2b \} from 'journeykit\/b2b' and pass `phases: b2b` \(script tag: load journeykit-b2b\.iife\.js\)/],
    ['extending the b2b preset by name', { extends: 'b2b' }, /import \{ b2b \} from 'journeykit\/b2b'/],
  ]
  it.each(cases)('%s', (_name, option, message) => {
    expect(() => createPhaseEngine(option as PhasesOption, tab(freshDatabase()).ctx)).toThrow(message)
  })

  it('every built-in model is accepted, and no option means the default one', () => {
    const ctx = tab(freshDatabase()).ctx
    expect(createPhaseEngine(undefined, ctx)._phase_).toBe('awareness')
    expect(createPhaseEngine('default', ctx)._phase_).toBe('awareness')
    expect(createPhaseEngine(b2b, ctx)._phase_).toBe('need')
    expect(createPhaseEngine({ extends: b2b }, ctx)._phase_).toBe('need')
    expect(createPhaseEngine(phasePresets.b2b, ctx)._phase_).toBe('need')
    expect(createPhaseEngine({ extends: phasePresets.default }, ctx)._phase_).toBe('awareness')
  })
})
