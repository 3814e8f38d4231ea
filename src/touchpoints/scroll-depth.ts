/**
 * `scrollDepth()`: how far down each page the visitor scrolled, as milestones.
 */
import type { Touchpoint } from '../types'
import { listeners } from './shared'

/** Options for {@link scrollDepth}. */
export interface ScrollDepthOptions {
  /**
   * The milestones, in percent of the page's height.
   * @default [25, 50, 75, 90, 100]
   */
  milestones?: number[]
}

/**
 * Records `scroll_depth` `{ depth }` the first time the bottom of the viewport passes each
 * milestone (25, 50, 75, 90 and 100 % of the page by default), once per page view: a new
 * `page_view` starts the count again. A jump past several milestones records each of them, so
 * counting the events of one milestone counts the views that reached it. Only the window's own
 * scrolling counts; a page that fits the screen records nothing.
 *
 * @example
 * createJourney({ endpoint: '/collect', touchpoints: [pageViews(), scrollDepth({ milestones: [50, 100] })] })
 */
export function scrollDepth(options: ScrollDepthOptions = {}): Touchpoint {
  const milestones = [...(options.milestones || [25, 50, 75, 90, 100])].sort((a, b) => a - b)
  /** Index of the next milestone to reach on this page view. */
  let next = 0
  return {
    name: 'scrollDepth',
    setup(ctx) {
      const { on, off } = listeners(ctx, 'scrollDepth')
      on(
        window,
        'scroll',
        () => {
          const height = document.documentElement.scrollHeight
          // One pixel of slack: zoomed pages stop a fraction short of the very bottom.
          const depth = ((scrollY + innerHeight + 1) / height) * 100
          while (next < milestones.length && depth >= milestones[next]!) ctx.track('scroll_depth', { depth: milestones[next++] })
        },
        { passive: true },
      )
      return off
    },
    onEvent(event) {
      if (event.type === 'page') next = 0
    },
  }
}
