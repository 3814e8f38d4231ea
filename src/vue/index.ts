/**
 * `journeykit/vue`: the journey in Vue components. A plugin for `app.use` (which also gives page
 * views the route template when it is handed the router), `useJourney()` and `usePhase()`.
 *
 * The journey itself is created by the app, once, outside components (see the README's Vue
 * section).
 */
import { getCurrentInstance, getCurrentScope, inject, onMounted, onScopeDispose, shallowRef, type App, type InjectionKey, type Ref } from 'vue'
import { setRouteSource } from '../touchpoints/page-views'
import type { AnyEvents, EventMap, Journey } from '../types'

const JOURNEY: InjectionKey<Journey> = Symbol('journeykit')

/** The part of a vue-router router the plugin reads. */
export interface RouterLike {
  currentRoute: { value: { matched: Array<{ path: string }> } }
}

/** What the plugin takes. */
export interface JourneyPluginOptions {
  /** The journey, from `createJourney()` at module level (it is inert during server rendering). */
  journey: Journey<any, any>
  /** The vue-router router: page views then carry `props.route`, the matched route's path template (`/products/:id`). */
  router?: RouterLike
}

/**
 * The plugin: `app.use(journeyPlugin, { journey, router })`. Provides the journey to
 * `useJourney()` and `usePhase()` (and as `$journey` in templates).
 */
export const journeyPlugin = {
  install(app: App, { journey, router }: JourneyPluginOptions): void {
    app.provide(JOURNEY, journey)
    app.config.globalProperties.$journey = journey
    if (router) {
      setRouteSource(() => {
        const { matched } = router.currentRoute.value
        return matched.length ? matched[matched.length - 1]!.path : undefined
      })
      app.onUnmount?.(() => setRouteSource(undefined))
    }
  },
}

/**
 * The journey the plugin provides. Type it with the app's event catalogue: `useJourney<Events>()`.
 * Throws when the plugin is not installed (a set-up mistake).
 */
export function useJourney<Events extends EventMap<Events> = AnyEvents, Phase extends string = string>(): Journey<Events, Phase> {
  const journey = inject(JOURNEY, undefined)
  if (!journey) throw new Error('[journeykit] useJourney() needs app.use(journeyPlugin, { journey })')
  return journey as unknown as Journey<Events, Phase>
}

/**
 * The visitor's journey phase as a ref that follows phase changes (and the stored state once it
 * is read). In a component it is `undefined` until mounted, so server-rendered HTML and hydration
 * agree.
 */
export function usePhase<Phase extends string = string>(): Readonly<Ref<Phase | undefined>> {
  const journey = useJourney<AnyEvents, Phase>()
  const phase = shallowRef<Phase | undefined>()
  const read = (): void => {
    phase.value = journey.phase
  }
  const off = journey.on('phase', read)
  let live = true
  void journey.ready.then(() => live && phase.value !== undefined && read())
  if (getCurrentScope()) onScopeDispose(() => {
    live = false
    off()
  })
  if (getCurrentInstance()) onMounted(read)
  else read()
  return phase
}

declare module 'vue' {
  interface ComponentCustomProperties {
    /** The journey `journeyPlugin` installed. */
    $journey: Journey
  }
}
