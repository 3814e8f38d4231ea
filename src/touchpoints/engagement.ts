/**
 * `engagement()`: how long the visitor actually engaged with each page.
 */
import type { Touchpoint, TouchpointContext } from '../types'
import { listeners, scrubbedUrl } from './shared'

/** Options for {@link engagement}. */
export interface EngagementOptions {
  /**
   * Milliseconds without a click, key, scroll, touch or pointer move after which the visitor
   * no longer counts as engaged (until the next one).
   * @default 30000
   */
  idleAfter?: number
}

/**
 * Records `engagement` `{ engagedMs, path }`: the time the page was visible and the visitor
 * active on it (a click, key, scroll, touch or pointer move within `idleAfter`), sent when the
 * page is hidden or left and when a route change starts the next page view. `path` is the page
 * the time belongs to (on a route change the event's own context already shows the next page).
 * Less than a second is not sent; one page view may send several events (one per time it was
 * hidden): add them up per page view.
 *
 * @example
 * createJourney({ endpoint: '/collect', touchpoints: [pageViews(), engagement({ idleAfter: 15000 })] })
 */
export function engagement(options: EngagementOptions = {}): Touchpoint {
  const { idleAfter = 30000 } = options
  let ctx: TouchpointContext
  /** Engaged milliseconds not yet sent. */
  let engaged = 0
  /** Start of the current engaged stretch, 0 while idle or hidden. */
  let since = 0
  /** The last interaction. */
  let last = 0
  /** The path of the current page view, once its page event was seen. */
  let path: string | undefined

  /** Adds the engaged time up to `now` to the total. */
  const settle = (now: number): void => {
    if (since) {
      const end = Math.min(now, last + idleAfter)
      engaged += end - since
      since = end < now ? 0 : now
    }
  }
  const send = (): void => {
    settle(Date.now())
    if (engaged >= 1000) {
      ctx.track('engagement', { engagedMs: Math.round(engaged), path: path ?? scrubbedUrl(ctx, location.href).pathname })
      engaged = 0
    }
  }

  return {
    name: 'engagement',
    setup(context) {
      ctx = context
      const { on, off } = listeners(ctx, 'engagement')
      const active = (): void => {
        const now = Date.now()
        settle(now)
        if (document.visibilityState === 'visible') since = last = now
        else since = 0
      }
      on(window, 'pointerdown pointermove keydown scroll wheel touchstart', active, { capture: true, passive: true })
      on(document, 'visibilitychange', active)
      active()
      return () => {
        off()
        since = 0
      }
    },
    onEvent(event) {
      if (event.type !== 'page') return
      if (path !== undefined) send()
      path = event.context.path
    },
    onHide: send,
  }
}
