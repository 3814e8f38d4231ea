/**
 * The page around the journey: its URL, where a navigation leads, and its lifecycle. When the page
 * hides, is left or frozen, what was tracked is kept at once: the page may be gone before any
 * timer fires.
 */
import { watchPageUrl } from '../capture/context'
import { watchDestination } from '../page/destination'
import { watchLifecycle } from '../page/lifecycle'
import type { Intake } from '../capture/intake'
import type { Hooks } from '../enrich/hooks'
import type { Slots } from '../state/slots'
import type { Startup } from './startup'

/** Members written `_name_`: the build shortens them (tsup.config.ts `mangleProps`); not public. */
export interface Page {
  /** The page's URL (cheap: see watchPageUrl). */
  _url_(): string
  /** Hidden, being left or frozen. */
  readonly _hidden_: boolean
  /** The page is being left for a page of its own origin. */
  _departing_(): boolean
  /**
   * Everything tracked so far is decided, handed to IndexedDB, journaled synchronously where that
   * write has not committed yet, and sent within the keep-alive budget.
   */
  _keep_(leaving: boolean): void
  /** Removes every listener. */
  _stop_(): void
}

/**
 * Watches the page until `stop()`. `intake._process_(true)` decides what waits, `hooks._each_('onHide')`
 * lets the touchpoints record their last events.
 */
export function watchPage(startup: Startup, slots: Slots, intake: Pick<Intake<unknown>, '_process_'>, hooks: Pick<Hooks, '_each_'>): Page {
  const navigation = (window as { navigation?: EventTarget }).navigation
  const url = watchPageUrl(navigation)
  const destination = watchDestination(navigation)

  function keep(leaving: boolean): void {
    if (!startup._granted_() || !startup._delivery_) return
    // Storage not read yet (a page left within milliseconds of loading): decide with what is known
    // rather than lose the events; stored identity still wins once it is read.
    slots._decideEarly_()
    intake._process_(true)
    // (Read again: a hook deciding those events may have withdrawn consent meanwhile.)
    startup._delivery_?._exit_(leaving)
  }

  const lifecycle = watchLifecycle({
    // Hidden or leaving: touchpoints record their last events first, then all is kept and sent.
    _hide_(leaving) {
      hooks._each_('onHide')
      keep(leaving)
    },
    _freeze_: () => keep(false),
    _visible_() {
      destination._stayed_()
      slots._refresh_()
      startup._delivery_?._resume_()
    },
    _resume_() {
      destination._stayed_()
      startup._delivery_?._resume_()
    },
  })

  return {
    _url_: url._read_,
    get _hidden_() {
      return lifecycle._hidden_
    },
    _departing_: destination._sameOrigin_,
    _keep_: keep,
    _stop_() {
      lifecycle._stop_()
      url._stop_()
      destination._stop_()
    },
  }
}
