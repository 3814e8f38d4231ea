/**
 * The touchpoints' hooks and the site's `beforeSend`, run so that none of them can break capture:
 * each in order, and one that throws is reported (`plugin_failed`) and skipped.
 */
import type { Reporter } from '../errors'
import type { JourneyEvent, JourneyOptions, Touchpoint } from '../types'

/** The hooks of every touchpoint that take no answer. */
export type Hook = 'enrich' | 'onEvent' | 'onHide' | 'reset' | 'beforeTrack'

/** Members written `_name_`: the build shortens them (tsup.config.ts `mangleProps`); not public. */
export interface Hooks {
  /** Runs `task`; if it throws, reports that `what` threw (`what` is passed as `__DEV__ && '…'`). */
  _guard_(task: () => void, what: string | false): void
  /** Calls one hook of every touchpoint, in order; a throwing hook is reported and skipped. */
  _each_(hook: Hook, event?: JourneyEvent): void
  /**
   * Passes an event through every touchpoint's `beforeSend`, then the site's: the event to queue,
   * or null when one of them dropped it.
   */
  _beforeSend_(event: JourneyEvent): JourneyEvent | null
}

/** A beforeSend answer: null drops the event, undefined (a forgotten return) keeps it. */
function keepUnlessNull(answer: JourneyEvent | null | undefined, event: JourneyEvent): JourneyEvent | null {
  return answer === undefined ? event : answer
}

/** The hooks of `plugins` (in the order given) and the site's `beforeSend`, reported to `report`. */
export function createHooks(plugins: readonly Touchpoint[], report: Reporter, siteBeforeSend: JourneyOptions['beforeSend']): Hooks {
  function guard(task: () => void, what: string | false): void {
    try {
      task()
    } catch (error) {
      report._warn_('plugin_failed', __DEV__ && `${what} threw; the event went on without it`, { cause: error })
    }
  }
  return {
    _guard_: guard,
    _each_(hook, event) {
      for (const plugin of plugins) {
        const run = plugin[hook]
        if (run) guard(() => run.call(plugin, event!), __DEV__ && `Touchpoint "${plugin.name}" (${hook})`)
      }
    },
    _beforeSend_(event) {
      let out: JourneyEvent | null = event
      for (const plugin of plugins) {
        // null drops the event; undefined (no return) leaves it as it is.
        if (out && plugin.beforeSend) guard(() => (out = keepUnlessNull(plugin.beforeSend!(out!), out!)), __DEV__ && `Touchpoint "${plugin.name}" (beforeSend)`)
      }
      if (out && siteBeforeSend) guard(() => (out = keepUnlessNull(siteBeforeSend(out!), out!)), __DEV__ && 'beforeSend')
      return out
    },
  }
}
