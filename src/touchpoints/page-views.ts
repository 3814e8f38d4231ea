/**
 * `pageViews()`: a `page_view` on load and on every route change of a single-page app.
 */
import type { Touchpoint, TouchpointContext, StateSlot } from '../types'
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
 * How long a page view waits for its title at most. Routers set the title after the URL: React
 * Router 7 renders in a transition (measured 9–94 ms later), Astro and SvelteKit fetch the new
 * page first. Umami's tracker waits the same 300 ms.
 */
export const TITLE_WAIT_MS = 300

/** Where {@link pageViews} reads the route template from (set by the framework bindings' router helpers). */
let routeOf: (() => string | undefined) | undefined

/**
 * Makes every page view carry `props.route`, the route template the router matched
 * (`/products/:id`), as `route()` returns it when the view is recorded. The React and Vue
 * bindings set this from the router they are given; `undefined` clears it.
 */
export function setRouteSource(route: (() => string | undefined) | undefined): void {
  routeOf = route
}

/**
 * Records a `page_view` (`journey.page()`) when the page loads and whenever the URL of a
 * single-page app changes: `pushState`, `replaceState` that changes the path, back/forward
 * (`popstate`), `hashchange` (with `hashRoutes`) and the Navigation API where the browser has
 * it. One view per distinct URL: a framework calling `pushState` and then `replaceState` for
 * one navigation counts once. A page restored from the back/forward cache counts as a view; a
 * prerendered page counts only once it is shown.
 *
 * Titles: a view keeps the URL and time of its change and takes the page title once it has
 * settled: when `document.title` changes, after {@link TITLE_WAIT_MS} ms, when the app tracks an
 * event (the view keeps its place before it), or when the page is hidden, whichever comes first. When the next route change comes before the title changed, the
 * view's title is empty rather than the previous page's.
 *
 * @example
 * createJourney({ endpoint: '/collect', touchpoints: [pageViews({ hashRoutes: true })] })
 */
export function pageViews(options: PageViewsOptions = {}): Touchpoint {
  const { hashRoutes, queryChanges = 'push' } = options
  /** The view waiting for its title; recorded by `settle`. */
  let pending: { href: string; time: number; title: string; timer: ReturnType<typeof setTimeout>; load?: boolean } | undefined
  let ctx: TouchpointContext
  /** The page load (`performance.timeOrigin`) whose first view was recorded: a successor journey does not record it again. */
  let loads: StateSlot<number>
  /** Records the waiting view; `cut` when the next change came first (the title is not this page's then, unless it changed). */
  const settle = (cut?: boolean): void => {
    const view = pending
    if (!view) return
    pending = undefined
    clearTimeout(view.timer)
    const title = document.title
    try {
      if (view.load) loads.set(performance.timeOrigin)
      const route = routeOf?.()
      ctx.page(route ? { route } : undefined, view.href, view.time, cut && title === view.title ? '' : title)
    } catch (error) {
      ctx.warn('plugin_failed', `pageViews: ${error}`, error)
    }
  }
  return {
    name: 'pageViews',
    setup(context) {
      ctx = context
      loads = ctx.state('pageViews.load')
      // Read before the stored state is: only a journey destroyed in this task (React StrictMode,
      // hot reload), whose state this one continues, can have recorded this page load's view.
      const continued = loads.get() === performance.timeOrigin
      const { on, wrap, off } = listeners(ctx, 'pageViews')
      let path: string | undefined
      let query: string | undefined
      const wait = (load?: boolean): void => {
        settle(true)
        pending = { href: location.href, time: Date.now(), title: document.title, timer: setTimeout(settle, TITLE_WAIT_MS), load }
      }
      const view = (change: Change): void => {
        const newPath = location.pathname + (hashRoutes ? location.hash : '')
        const newQuery = location.search
        const pathChanged = newPath !== path
        const queryChanged = newQuery !== query
        path = newPath
        query = newQuery
        if (!change || pathChanged || (queryChanged && (queryChanges === 'all' || (queryChanges === 'push' && change < 2)))) wait()
      }
      // A title set by `document.title = …` or a <title> element a framework swaps is a change
      // in <head>; the view takes it as soon as it differs from the title at the URL change.
      const head = document.head
      const titles = head && typeof MutationObserver === 'function'
        ? new MutationObserver(() => pending && document.title !== pending.title && settle())
        : undefined
      titles?.observe(head!, { childList: true, subtree: true, characterData: true })
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
      // A page restored from the back/forward cache, or a prerendered page shown, has its title.
      const shown = (): void => {
        view(0)
        settle()
      }
      on(window, 'pageshow', (event: PageTransitionEvent) => event.persisted && shown())
      if ((document as { prerendering?: boolean }).prerendering) on(document, 'prerenderingchange', shown)
      else {
        view(0)
        if (continued) {
          clearTimeout(pending!.timer)
          pending = undefined
        } else pending!.load = true
      }
      return () => {
        off()
        titles?.disconnect()
        // A view still waiting for its title is dropped with the journey: a successor created in
        // the same task (React StrictMode, hot reload) records it instead, once.
        if (pending) clearTimeout(pending.timer)
        pending = undefined
      }
    },
    // Hidden or leaving: the title is what it is; the view goes out with the last send.
    onHide: () => settle(),
    // The app tracks on the new page: the page is there, and its view comes first.
    beforeTrack: () => settle(),
  }
}
