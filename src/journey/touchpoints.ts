/**
 * The touchpoint host: what a touchpoint sees of the journey (its `TouchpointContext`), installing
 * every touchpoint, and removing them again. The core never knows a touchpoint by name: it only
 * calls the hooks of the interface (./types `Touchpoint`).
 */
import type { Hooks } from '../enrich/hooks'
import type { Identity } from '../enrich/identity'
import type { Reporter } from '../errors'
import type { Slots } from '../state/slots'
import type { Touchpoint, TouchpointContext } from '../types'
import type { Track } from './track'

/**
 * What a touchpoint sees of the journey: `track` records through the track pipeline, `scrub`
 * scrubs URLs, `slots` and `identity` hold the state and the session.
 */
export function touchpointContext(track: Track, scrub: (url: string) => string, slots: Pick<Slots, '_slot_'>, identity: Identity, report: Reporter): TouchpointContext {
  return {
    track: (name, props) => track('track', name, props),
    // A touchpoint's own arguments are checked: a wrong type is left out, never recorded.
    page: (props, href, time, title) =>
      track('page', 'page_view', props, undefined, typeof href === 'string' ? href : undefined, typeof time === 'number' ? time : undefined, typeof title === 'string' ? title : undefined),
    scrubUrl: scrub,
    state: slots._slot_,
    // The stored session, or the one an event now would start; without its internals.
    session: () => {
      const { id, count, startedAt } = identity._storedSession_() ?? identity.session(Date.now())
      return { id, count, startedAt }
    },
    warn: (kind, message, cause) => report._warn_(kind, message, cause === undefined ? undefined : { cause }),
  }
}

/** Installs `plugins` (each guarded: one that throws is reported and skipped); returns their teardown. */
export function installTouchpoints(plugins: readonly Touchpoint[], context: TouchpointContext, { _guard_: guard }: Pick<Hooks, '_guard_'>): () => void {
  const teardowns: Array<() => void> = []
  for (const plugin of plugins) {
    guard(() => {
      const teardown = plugin.setup?.(context)
      if (typeof teardown === 'function') teardowns.push(teardown)
    }, __DEV__ && `Touchpoint "${plugin.name}" (setup)`)
  }
  // Last installed, first removed: touchpoints wrapping the same method unwind cleanly.
  return () => {
    for (const teardown of teardowns.reverse()) guard(teardown, __DEV__ && 'A touchpoint teardown')
  }
}
