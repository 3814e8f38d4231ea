/**
 * Test helpers for the phase engine: real events built the way the core builds them, scripted
 * journeys, and a state store over (fake) IndexedDB that behaves like the core's: values read
 * once before the first event, written behind, last writer wins per key.
 */
import { createStore, entries, set } from 'idb-keyval'
import type { JourneyEvent, Props, StateSlot } from '../../src/types'
import type { PhaseChange, PhaseEngine, PhaseEngineContext } from '../../src/phases'

const MINUTE = 60_000
const UNITS: Record<string, number> = { m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE }

let uniqueId = 0

/** A visitor's clock and session: every event is a minute after the previous one. */
export function visitor(start = '2026-03-02T09:00:00.000Z') {
  let time = Date.parse(start)
  let session = `s${++uniqueId}`
  return {
    event(type: JourneyEvent['type'], name: string, { path = '/', props = {} as Props } = {}): JourneyEvent {
      time += MINUTE
      return {
        id: `e${++uniqueId}`,
        type,
        name,
        props,
        timestamp: new Date(time).toISOString(),
        anonymousId: 'a1',
        userId: null,
        sessionId: session,
        phase: '',
        context: {
          url: 'https://shop.example' + path,
          path,
          title: '',
          referrer: '',
          channel: null,
          campaign: null,
          locale: 'en',
          screen: { width: 1280, height: 800 },
          library: { name: 'journeykit', version: '0.0.0' },
        },
      }
    },
    /** Starts a new session after the default 30-minute timeout. */
    newSession(id = `s${++uniqueId}`) {
      time += 31 * MINUTE
      session = id
    },
    /** Switches to a session id seen before (another tab's). */
    useSession(id: string) {
      session = id
    },
    wait(ms: number) {
      time += ms
    },
    get sessionId() {
      return session
    },
  }
}

export type Visitor = ReturnType<typeof visitor>

/**
 * Plays one step of a scripted journey:
 * - `page /pricing` a page view of that path
 * - `track purchase` or `track form_submit {"formId":"contact"}` a track event, props as JSON
 * - `identify` an identify event
 * - `new session` the next events belong to a new session (31 minutes later)
 * - `wait 15d` time passes (`m`, `h`, `d`)
 * Returns the change the engine decided, if the step was an event.
 */
export function play(engine: PhaseEngine, who: Visitor, step: string): PhaseChange | undefined {
  const [verb, what = '', ...rest] = step.split(' ')
  if (step === 'new session') return void who.newSession()
  if (verb === 'wait') return void who.wait(Number(what.slice(0, -1)) * UNITS[what.slice(-1)]!)
  if (verb === 'page') return engine._decide_(who.event('page', 'page_view', { path: what }))
  if (verb === 'identify') return engine._decide_(who.event('identify', 'identify'))
  if (verb === 'track') return engine._decide_(who.event('track', what, { props: rest.length ? JSON.parse(rest.join(' ')) : {} }))
  throw new Error(`unknown step: ${step}`)
}

/**
 * A tab's view of the stored state, like the core's: `ctx.state(key)` slots served from memory,
 * filled by `load()` from IndexedDB and written behind on every `set` (last writer wins per key).
 */
export function tab(database: string, { canPersist = true } = {}) {
  const store = createStore(database, 'state')
  const values = new Map<string, unknown>()
  const writes: Array<Promise<void>> = []
  let persist = canPersist
  const ctx: PhaseEngineContext = {
    _state_: <T>(key: string): StateSlot<T> => ({
      get: () => values.get(key) as T | undefined,
      set(value) {
        values.set(key, value)
        writes.push(set(key, value, store))
      },
    }),
    _canPersist_: () => persist,
  }
  return {
    ctx,
    /** Reads every stored value, as the core does before the first event. */
    async load() {
      for (const [key, value] of await entries(store)) values.set(String(key), value)
    },
    /** Resolves when every write so far has landed. */
    settled: () => Promise.all(writes).then(() => {}),
    setCanPersist(value: boolean) {
      persist = value
    },
  }
}

/** A database name no other test uses. */
export const freshDatabase = (): string => `journeykit-test-${++uniqueId}`
