/**
 * The page's lifecycle as one set of callbacks: hidden, left, frozen, shown again, back online.
 *
 * Why these events: `visibilitychange` to hidden is the last event a mobile browser reliably
 * fires (the visitor switches apps and the tab may be killed), `pagehide` is the one fired when
 * the page is left, and a frozen page (`freeze`) may be discarded without another event. `pageshow`
 * (back/forward cache) and `online` are when waiting events can go out again.
 */
import { listen } from './listen'

/** Members written `_name_`: the build shortens them (tsup.config.ts `mangleProps`); not public. */
export interface LifecycleCallbacks {
  /** The page is hidden (`leaving` false) or being left (`leaving` true). */
  _hide_(leaving: boolean): void
  /** The page was frozen: it may be discarded without another event. */
  _freeze_(): void
  /** The page is visible again. */
  _visible_(): void
  /** The page was shown again from the back/forward cache, or the network came back. */
  _resume_(): void
}

export interface Lifecycle {
  /** Hidden, being left or frozen, as far as the events say. */
  readonly _hidden_: boolean
  /** Removes the listeners. */
  _stop_(): void
}

/** Listens to the page's lifecycle events until `stop()`. */
export function watchLifecycle(on: LifecycleCallbacks): Lifecycle {
  let hidden = false
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') {
      hidden = true
      return on._hide_(false)
    }
    hidden = false
    on._visible_()
  }
  const onPageHide = (): void => {
    hidden = true
    on._hide_(true)
  }
  const onResume = (): void => {
    hidden = document.visibilityState === 'hidden'
    on._resume_()
  }
  const stopDocument = listen(document, { visibilitychange: onVisibility, freeze: () => on._freeze_() })
  const stopWindow = listen(window, { pagehide: onPageHide, pageshow: onResume, online: onResume })
  return {
    get _hidden_() {
      return hidden
    },
    _stop_() {
      stopDocument()
      stopWindow()
    },
  }
}
