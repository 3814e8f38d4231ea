/**
 * The track pipeline's entry, on the page's time: every `track()`, `page()` and `identify()`, the
 * app's or a touchpoint's, is checked against the journey's state (destroyed, consent denied),
 * captured (./capture/capture) and handed to the intake. Nothing here throws into the page.
 */
import type { Capture } from '../capture/capture'
import type { CapturedEvent, Intake } from '../capture/intake'
import type { Reporter } from '../errors'
import type { EventType } from '../types'
import type { Page } from './page'
import type { Startup } from './startup'

/** Records one event; `newUserId` for identify(), `href`, `time` and `title` for a late page view. */
export type Track = (type: EventType, name: unknown, props: unknown, newUserId?: string, href?: string, time?: number, title?: string) => void

/** `capture` makes the event, `intake` keeps it until it is decided, `page` says whether the page is hidden. */
export function createTrack(startup: Startup, capture: Capture, intake: Pick<Intake<CapturedEvent>, '_hand_'>, page: Pick<Page, '_hidden_' | '_keep_'>, report: Reporter): Track {
  let keepScheduled = false
  return (type, name, props, newUserId, href, time, title) => {
    try {
      if (startup._destroyed_) return report._warn_('destroyed', __DEV__ && `"${String(name)}" was tracked after destroy() and ignored`)
      if (startup._consent_ === 'denied') return
      const captured = capture(type, name, props, newUserId, href, time, title)
      if (!captured) return
      intake._hand_(captured)
      // Tracked while or after the page hides (a site's own hide handler): kept like the rest.
      // A microtask still runs before the page goes on unloading, after the handler returns, and
      // keeps a burst of such calls together.
      if (page._hidden_ && !keepScheduled) {
        keepScheduled = true
        queueMicrotask(() => {
          keepScheduled = false
          page._keep_(false)
        })
      }
    } catch (error) {
      report._warn_('internal_error', __DEV__ && 'journeykit failed to record an event', { cause: error })
    }
  }
}
