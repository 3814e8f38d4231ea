/**
 * Helpers the touchpoints share: listeners that never throw into the page and remember how to
 * remove themselves, method wrappers that can be undone, and the "is this host ours" test.
 * Internal: not exported from the package.
 */
import type { TouchpointContext } from '../types'

/** What {@link listeners} returns to a touchpoint's `setup`. */
export interface Listeners {
  /** Adds `handler` for each space-separated event type; it is removed by `off()`. */
  on(target: EventTarget, types: string, handler: (event: any) => void, options?: AddEventListenerOptions | boolean): void
  /** Runs `owner[key]` as before, then `after(this)`; `off()` undoes it. */
  wrap(owner: any, key: string, after: (self: any) => void): void
  /** Removes everything added so far: the touchpoint's teardown. */
  off(): void
}

/**
 * The bookkeeping every touchpoint needs: what it adds to the page is removed by one `off()`,
 * and nothing it runs from a page event can throw into the host page (a broken touchpoint is
 * reported through `ctx.warn` as `plugin_failed` and the page goes on).
 */
export function listeners(ctx: TouchpointContext, name: string): Listeners {
  const undo: Array<() => void> = []
  const safe =
    (fn: (arg: any) => void) =>
    (arg: unknown): void => {
      try {
        fn(arg)
      } catch (error) {
        ctx.warn('plugin_failed', `${name}: ${error}`)
      }
    }
  return {
    on(target, types, handler, options = true) {
      const guarded = safe(handler)
      for (const type of types.split(' ')) {
        target.addEventListener(type, guarded, options)
        undo.push(() => target.removeEventListener(type, guarded, options))
      }
    },
    wrap(owner, key, after) {
      const original = owner[key]
      const report = safe(after)
      let live = true
      const wrapped = function (this: unknown) {
        // The page's own call runs first and may throw as it always did; ours never does.
        const result = original.apply(this, arguments)
        if (live) report(this)
        return result
      }
      owner[key] = wrapped
      // Another script may have wrapped the method after us: then ours stays in its chain, inert.
      undo.push(() => {
        live = false
        if (owner[key] === wrapped) owner[key] = original
      })
    },
    off: () => undo.splice(0).forEach((remove) => remove()),
  }
}

/**
 * Whether `host` is this site: the page's own host, or one of `hosts` or a subdomain of one.
 * Links and referrers from these hosts are internal (not outbound, not a new touch).
 */
export function isInternal(host: string, hosts: string[] = []): boolean {
  return host === location.hostname || hosts.some((own) => host === own || host.endsWith('.' + own))
}

/** The scrubbed URL of `url` taken apart; an empty URL (scrubbed to nothing) when it cannot be. */
export function scrubbedUrl(ctx: TouchpointContext, url: string): URL {
  try {
    return new URL(ctx.scrubUrl(url))
  } catch {
    return new URL('about:blank')
  }
}
