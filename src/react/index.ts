/**
 * `journeykit/react`: the journey in React components. A provider, `useJourney()`, `usePhase()`
 * (re-renders on phase changes, SSR- and hydration-safe), `usePageView()` for apps that record
 * page views from their router, and route templates from a React Router data router.
 *
 * The journey itself is created by the app, once, outside components (see the README's React
 * section): a component that creates it would run again on every remount.
 */
import { createContext, createElement, useContext, useEffect, useLayoutEffect, useSyncExternalStore, type ReactNode } from 'react'
import { setRouteSource } from '../touchpoints/page-views'
import type { AnyEvents, EventMap, Journey, Props } from '../types'

const JourneyContext = createContext<Journey | undefined>(undefined)

// A layout effect runs in the commit that renders the first route, before the page view of that
// route is recorded (on its title change, observed a microtask later). The server has none.
const useCommitEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect

/** What {@link JourneyProvider} takes. */
export interface JourneyProviderProps {
  /** The journey, from `createJourney()` at module level (it is inert during server rendering). */
  journey: Journey<any, any>
  /**
   * A React Router data router (`createBrowserRouter(…)`): page views then carry `props.route`,
   * the matched route template (`/products/:id`).
   */
  router?: RouteMatches
  children?: ReactNode
}

/** The part of a React Router data router (`createBrowserRouter`) the provider reads. */
export interface RouteMatches {
  state: { matches: Array<{ route: { path?: string } }> }
}

/**
 * The route template of React Router matches: the paths of the matched routes joined, e.g.
 * `[{ path: '/' }, { path: 'products/:id' }]` → `/products/:id`; `undefined` when none has a path.
 */
export function routeTemplate(matches: RouteMatches['state']['matches']): string | undefined {
  let template = ''
  for (const { route } of matches) {
    if (route.path) template = route.path[0] === '/' ? route.path : `${template.replace(/\/$/, '')}/${route.path}`
  }
  return template || undefined
}

/**
 * Makes the journey available to `useJourney()` and `usePhase()` below it.
 * @example
 * const journey = createJourney({ endpoint: '/collect', touchpoints: defaults() })
 * createRoot(root).render(<JourneyProvider journey={journey} router={router}><RouterProvider router={router} /></JourneyProvider>)
 */
export function JourneyProvider({ journey, router, children }: JourneyProviderProps): ReactNode {
  useCommitEffect(() => {
    if (!router) return
    setRouteSource(() => routeTemplate(router.state.matches))
    return () => setRouteSource(undefined)
  }, [router])
  return createElement(JourneyContext.Provider, { value: journey }, children)
}

/**
 * The journey of the nearest {@link JourneyProvider}. Type it with the app's event catalogue:
 * `useJourney<Events>()`. Throws when there is no provider (a set-up mistake).
 */
export function useJourney<Events extends EventMap<Events> = AnyEvents, Phase extends string = string>(): Journey<Events, Phase> {
  const journey = useContext(JourneyContext)
  if (!journey) throw new Error('[journeykit] useJourney() needs a <JourneyProvider journey={…}> above it')
  return journey as unknown as Journey<Events, Phase>
}

const unknownOnServer = (): undefined => undefined

/**
 * The visitor's journey phase; the component re-renders when it changes (also once the stored
 * state is read). `undefined` while rendering on the server and during hydration, so the server's
 * HTML never disagrees with the client's.
 */
export function usePhase<Phase extends string = string>(): Phase | undefined {
  const journey = useJourney<AnyEvents, Phase>()
  return useSyncExternalStore(
    (changed) => {
      let live = true
      void journey.ready.then(() => live && changed())
      const off = journey.on('phase', changed)
      return () => {
        live = false
        off()
      }
    },
    () => journey.phase,
    unknownOnServer,
  )
}

/**
 * Records a page view whenever `key` changes, after the new route has rendered (so with its
 * title): for apps that leave `pageViews()` out and drive page views from their router.
 * @example
 * const { pathname, search } = useLocation()
 * usePageView(pathname + search)
 */
export function usePageView(key: string, props?: Props): void {
  const journey = useJourney()
  useEffect(() => {
    journey.page(props)
    // Only a new key is a new view: props that are a new object each render are not.
  }, [journey, key])
}
