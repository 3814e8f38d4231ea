/**
 * The page context every event carries: where the visitor is, scrubbed, and which library sent it.
 */
import { listen } from '../page/listen'
import { scrubText } from '../privacy/text'
import type { EventContext } from '../types'

/** Which library made the event, in every event's context. */
export const LIBRARY = { name: 'journeykit', version: __VERSION__ } as const

let cachedHref = ''
let cachedTitle = ''
let cachedScrub: unknown
let cachedContext: EventContext | undefined

/**
 * The page context at this moment, with the URL, referrer and title scrubbed by the privacy rules
 * (`scrub` is the URL scrubber with the site's `redactParams`). Scrubbing costs a few
 * microseconds, so the context is reused until the URL or the title changes (an SPA route change,
 * a new title); the referrer does not change within a document.
 */
export function pageContext(scrub: (url: string) => string, href = location.href, title = document.title): EventContext {
  if (href !== cachedHref || title !== cachedTitle || scrub !== cachedScrub || !cachedContext) {
    const url = scrub(href)
    // The path of the scrubbed URL, never the raw one: a URL scrubbed to nothing has no path.
    let path = ''
    try {
      path = new URL(url).pathname
    } catch {
      // not a URL after scrubbing
    }
    cachedHref = href
    cachedTitle = title
    cachedScrub = scrub
    cachedContext = {
      url,
      path,
      title: scrubText(title, scrub),
      referrer: scrub(document.referrer),
      locale: navigator.language || '',
      screen: { width: screen.width, height: screen.height },
      // Every field of the envelope is present, null when unknown (design.md): these two are
      // filled in by the campaign() touchpoint when it is installed.
      channel: null,
      campaign: null,
      library: LIBRARY,
    }
  }
  return cachedContext
}

/** The page's URL, read cheaply (members written `_name_`: the build shortens them). */
export interface PageUrl {
  /** `location.href`, or the copy read after the last change of this document's URL. */
  _read_(): string
  _stop_(): void
}

/**
 * Reading location.href costs about half of a track() call in Chromium. Where the Navigation API
 * (`navigation`) tells us synchronously of every change of this document's URL (pushState,
 * replaceState, back/forward, fragments), the URL is read again only after one; elsewhere, every
 * time.
 */
export function watchPageUrl(navigation: EventTarget | undefined): PageUrl {
  let known: string | undefined
  const onChange = (): void => {
    known = undefined
  }
  return {
    _read_: () => (navigation ? (known ??= location.href) : location.href),
    _stop_: listen(navigation, { currententrychange: onChange }),
  }
}
