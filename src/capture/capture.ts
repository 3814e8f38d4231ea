/**
 * Capturing: what `track()`, `page()` and `identify()` do at once, on the page's time. The name is
 * checked, the props are cleaned, and the event is stamped with its time and page context; the
 * rest waits in the intake. Mistakes are reported, and the event is dropped.
 */
import { describe, type Reporter } from '../errors'
import type { EventType } from '../types'
import { pageContext } from './context'
import type { CapturedEvent } from './intake'
import { cleanProps, type CleanReport } from './sanitize'

/** The longest event name, in characters. */
const NAME_LIMIT = 255

/**
 * Captures one event: the event to hand to the intake, or undefined when it was dropped (and
 * reported). `href`, `time` and `title` are a touchpoint's when it records a page view late.
 */
export type Capture = (type: EventType, name: unknown, props: unknown, userId?: string, href?: string, time?: number, title?: string) => CapturedEvent | undefined

/** Captures events on this page; `scrub` scrubs URLs, `pageUrl` reads the page's URL. */
export function createCapture(scrub: (url: string) => string, pageUrl: () => string, report: Reporter): Capture {
  return (type, name, props, userId, href, time, title) => {
    if (typeof name !== 'string' || !(name = name.trim()) || (name as string).length > NAME_LIMIT) {
      report._warn_('invalid_name', __DEV__ && `Event names must be non-empty strings of at most ${NAME_LIMIT} characters; got ${describe(name)}. The event was dropped.`)
      return undefined
    }
    const notes: CleanReport = {}
    const cleaned = cleanProps(props, notes)
    if (notes._invalid_) report._warn_('invalid_props', __DEV__ && `${notes._invalid_}; "${name}" was tracked without props`)
    if (notes._cleaned_) report._warn_('props_cleaned', __DEV__ && `Props of "${name}" were cleaned: ${notes._cleaned_}`)
    if (!cleaned) {
      report._warn_('event_too_large', __DEV__ && `"${name}" is larger than 32 KiB and was dropped`)
      return undefined
    }
    return { type, name: name as string, props: cleaned, time: time ?? Date.now(), context: pageContext(scrub, href ?? pageUrl(), title), userId }
  }
}
