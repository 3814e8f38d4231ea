/**
 * The page's lifecycle as one set of callbacks: hidden, left, frozen, shown again, back online.
 *
 * Why these events: `visibilitychange` to hidden is the last event a mobile browser reliably
 * fires (the visitor switches apps and the tab may be killed), `pagehide` is the one fired when
 * the page is left, and a frozen page (`freeze`) may be discarded without another event. `pageshow`
 * (back/forward cache) and `online` are when waiting events can go out again.
 */

export interface LifecycleCallbacks {
  /** The page is hidden (`leaving` false) or being left (`leaving` true). */
  hide(leaving: boolean): void
  /** The page was frozen: it may be discarded without another event. */
  freeze(): void
  /** The page is visible again. */
  visible(): void
  /** The page was shown again from the back/forward cache, or the network came back. */
  resume(): void
}

export interface Lifecycle {
  /** Hidden, being left or frozen, as far as the events say. */
  readonly hidden: boolean
  /** Removes the listeners. */
  stop(): void
}

/** Listens to the page's lifecycle events until `stop()`. */
export function watchLifecycle(on: LifecycleCallbacks): Lifecycle {
  let hidden = false
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') {
      hidden = true
      return on.hide(false)
    }
    hidden = false
    on.visible()
  }
  const onPageHide = (): void => {
    hidden = true
    on.hide(true)
  }
  const onFreeze = (): void => on.freeze()
  const onResume = (): void => {
    hidden = document.visibilityState === 'hidden'
    on.resume()
  }
  document.addEventListener('visibilitychange', onVisibility)
  document.addEventListener('freeze', onFreeze)
  addEventListener('pagehide', onPageHide)
  addEventListener('pageshow', onResume)
  addEventListener('online', onResume)
  return {
    get hidden() {
      return hidden
    },
    stop() {
      document.removeEventListener('visibilitychange', onVisibility)
      document.removeEventListener('freeze', onFreeze)
      removeEventListener('pagehide', onPageHide)
      removeEventListener('pageshow', onResume)
      removeEventListener('online', onResume)
    },
  }
}
