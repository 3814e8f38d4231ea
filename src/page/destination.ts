/**
 * Where the page is going when it is left, as far as the browser says beforehand.
 *
 * Why: the exit send's answer never reaches a page that is gone, so what it delivered stays
 * stored and the next page sends it again: every event tracked right before a navigation would
 * arrive twice. When the page is left for another page of the same origin, that page reads the
 * same queue and journal and sends them once, so the exit send is left out (delivery/index.ts).
 *
 * The Navigation API announces every navigation of the page (links, forms, `location`, reloads,
 * back and forward) with its destination, before the page is unloaded. Where it is missing, or
 * the visitor typed an address or closed the tab, nothing is known and the exit send goes.
 */
import { listen } from './listen'

/** A navigation announced longer ago than this is not the one unloading the page (a slow server is given that long). */
const ANNOUNCED_WITHIN = 30_000

interface NavigateEvent extends Event {
  destination?: { url?: string }
  downloadRequest?: string | null
  hashChange?: boolean
}

/** Members written `_name_`: the build shortens them (tsup.config.ts `mangleProps`); not public. */
export interface Destination {
  /** The page is being left for a page of its own origin. */
  _sameOrigin_(): boolean
  /** The page is shown again (back/forward cache, or a navigation that did not happen). */
  _stayed_(): void
  _stop_(): void
}

export function watchDestination(navigation: EventTarget | undefined): Destination {
  let announcedAt = -Infinity
  const onNavigate = (event: Event): void => {
    const { destination, downloadRequest, hashChange } = event as NavigateEvent
    try {
      const sameOrigin = !downloadRequest && !hashChange && new URL(destination!.url!).origin === location.origin
      announcedAt = sameOrigin ? performance.now() : -Infinity
    } catch {
      announcedAt = -Infinity
    }
  }
  // A navigation within the document (a route change) commits without unloading it, and one
  // that failed did not happen: neither is a departure.
  const stayed = (): void => {
    announcedAt = -Infinity
  }
  return {
    _sameOrigin_: () => performance.now() - announcedAt < ANNOUNCED_WITHIN,
    _stayed_: stayed,
    _stop_: listen(navigation, { navigate: onNavigate, currententrychange: stayed, navigateerror: stayed }),
  }
}
