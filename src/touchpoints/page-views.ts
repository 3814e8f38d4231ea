/**
 * `pageViews()`: a `page_view` on load and on every route change of a single-page app.
 */
import type { Plugin } from '../types'
import { listeners } from './shared'

/** Options for {@link pageViews}. */
export interface PageViewsOptions {
  /**
   * Hash routing: the fragment is part of the route, so `#/pricing` → `#/plans` is a new page
   * view. Off by default, because most fragments are in-page anchors.
   * @default false
   */
  hashRoutes?: boolean
  /**
   * Which changes of the query string alone (`/search?q=a` → `/search?q=b`) are a new page view:
   * - `'push'`: those that add a history entry (`pushState`, a link, back/forward), not a
   *   `replaceState` (apps keep filters and scroll state in the URL that way);
   * - `'all'`: every one; `'none'`: never (only path changes count).
   * @default 'push'
   */
  queryChanges?: 'push' | 'all' | 'none'
}

/** How the URL changed: 0 load or restore (always a view), 1 a new or revisited entry, 2 replaced. */
type Change = 0 | 1 | 2

/**
 * Records a `page_view` (`journey.page()`) when the page loads and whenever the URL of a
 * single-page app changes: `pushState`, `replaceState` that changes the path, back/forward
 * (`popstate`), `hashchange` (with `hashRoutes`) and the Navigation API where the browser has
 * it. One view per distinct URL: a framework calling `pushState` and then `replaceState` for
 * one navigation counts once. A page restored from the back/forward cache counts as a view; a
 * prerendered page counts only once it is shown.
 *
 * @example
 * createJourney({ endpoint: '/collect', touchpoints: [pageViews({ hashRoutes: true })] })
 */
export function pageViews(options: PageViewsOptions = {}): Plugin {
  const { hashRoutes, queryChanges = 'push' } = options
  return {
    name: 'pageViews',
    setup(ctx) {
      const { on, wrap, off } = listeners(ctx, 'pageViews')
      let path: string | undefined
      let query: string | undefined
      const later = new Set<ReturnType<typeof setTimeout>>()
      const view = (change: Change): void => {
        const newPath = location.pathname + (hashRoutes ? location.hash : '')
        const newQuery = location.search
        const pathChanged = newPath !== path
        const queryChanged = newQuery !== query
        path = newPath
        query = newQuery
        if (!change) ctx.page()
        else if (pathChanged || (queryChanged && (queryChanges === 'all' || (queryChanges === 'push' && change < 2)))) {
          // Routers set the new title after changing the URL (after pushState, or in their
          // popstate handler, which runs after currententrychange): record the view one task
          // later, with the URL it had at the change.
          const href = location.href
          const timer = setTimeout(() => {
            later.delete(timer)
            try {
              ctx.page(undefined, href)
            } catch (error) {
              ctx.warn('plugin_failed', `pageViews: ${error}`, error)
            }
          }, 0)
          later.add(timer)
        }
      }
      const navigation = (window as { navigation?: EventTarget }).navigation
      if (navigation) {
        // One event for pushState, replaceState, back/forward and link fragments, without
        // touching `history`. A same-document reload is not a new view.
        on(navigation, 'currententrychange', (event: { navigationType?: string }) => {
          const type = event.navigationType
          if (type !== 'reload') view(type === 'replace' ? 2 : 1)
        })
      } else {
        wrap(history, 'pushState', () => view(1))
        wrap(history, 'replaceState', () => view(2))
        on(window, 'popstate hashchange', () => view(1))
      }
      on(window, 'pageshow', (event: PageTransitionEvent) => event.persisted && view(0))
      if ((document as { prerendering?: boolean }).prerendering) on(document, 'prerenderingchange', () => view(0))
      else view(0)
      return () => {
        off()
        later.forEach(clearTimeout)
      }
    },
  }
}
