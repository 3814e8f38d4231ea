/**
 * An edge fake of the TouchpointContext the core hands a touchpoint: it records what the touchpoint
 * tracks (with the URL at that moment, as the core's envelope would), keeps state in a Map, and
 * scrubs URLs with the real privacy rules. Integration tests use the real core instead.
 */
import { vi } from 'vitest'
import { scrubUrl } from '../../src/privacy/url'
import type { JourneyEvent, Touchpoint, TouchpointContext, Props, SessionInfo } from '../../src/types'

export interface Recorded {
  type: 'track' | 'page'
  name: string
  props: Props | undefined
  /** location.href when it was recorded (for a page view: the URL of its change). */
  url: string
  /** For a page view: the title it records (document.title when the touchpoint gave none). */
  title?: string
  /** For a page view: the time of its change (Date.now() when the touchpoint gave none). */
  time?: number
}

export function fakeContext() {
  const recorded: Recorded[] = []
  const store = new Map<string, unknown>()
  const session: SessionInfo = { id: 'session-1', count: 1, startedAt: 0 }
  const ctx: TouchpointContext = {
    track: (name, props) => void recorded.push({ type: 'track', name, props, url: location.href }),
    page: (props, url, time, title) =>
      void recorded.push({ type: 'page', name: 'page_view', props, url: url ?? location.href, time: time ?? Date.now(), title: title ?? document.title }),
    scrubUrl: (url) => scrubUrl(url),
    state: <T>(key: string) => ({ get: () => store.get(key) as T | undefined, set: (value: T | undefined) => void store.set(key, value) }),
    session: () => session,
    warn: vi.fn(),
  }
  return {
    ctx,
    recorded,
    store,
    session,
    /** The props of every recorded event called `name`. */
    props: (name: string) => recorded.filter((event) => event.name === name).map((event) => event.props),
    names: () => recorded.map((event) => event.name),
  }
}

/** Installs `plugin` on a fake context (a fresh one unless given); returns the fake and the teardown. */
export function install(plugin: Touchpoint, fake = fakeContext()) {
  const teardown = plugin.setup?.(fake.ctx) ?? (() => {})
  return { ...fake, plugin, teardown }
}

let counter = 0
/** An event as the core hands it to enrich/onEvent. */
export function event(overrides: Partial<JourneyEvent> = {}): JourneyEvent {
  return {
    id: `event-${++counter}`,
    type: 'track',
    name: 'something',
    props: {},
    timestamp: new Date().toISOString(),
    anonymousId: 'anonymous',
    userId: null,
    sessionId: 'session-1',
    phase: 'awareness',
    context: {
      url: location.href,
      path: location.pathname,
      title: document.title,
      referrer: '',
      channel: null,
      campaign: null,
      locale: 'en',
      screen: { width: 1, height: 1 },
      library: { name: 'journeykit', version: '0.0.0' },
    },
    ...overrides,
  }
}

/** Sets document.referrer (happy-dom keeps it read-only). */
export function setReferrer(referrer: string): void {
  Object.defineProperty(document, 'referrer', { value: referrer, configurable: true })
}
