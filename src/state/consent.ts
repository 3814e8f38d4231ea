/**
 * Consent: the state a journey starts in (the privacy signals can turn a default yes into a no),
 * and deleting everything stored about the visitor when consent is denied.
 */
import type { Reporter } from '../errors'
import { forgetVisitorId } from '../instances'
import { forgetJournals } from '../queue/journal'
import type { QueueStorage } from '../queue/store'
import type { ConsentState, JourneyOptions } from '../types'

/** Global Privacy Control or Do Not Track (in any of the spellings browsers used) is on. */
export function hasPrivacySignal(): boolean {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean; msDoNotTrack?: string }
  const win = window as Window & { doNotTrack?: string }
  return nav.globalPrivacyControl === true || nav.doNotTrack === '1' || win.doNotTrack === '1' || nav.msDoNotTrack === '1'
}

/**
 * The consent a journey starts with. A privacy signal turns the default 'granted' into 'denied'.
 * 'pending' stays pending: nothing is written or sent anyway, and the visitor's own answer,
 * consent('granted'), is what counts.
 */
export function initialConsent(configured: ConsentState, privacySignals: JourneyOptions['privacySignals'], report: Reporter): ConsentState {
  if (configured === 'granted' && privacySignals === 'respect' && hasPrivacySignal()) {
    // (The production build logs the code, as it does for warnings.)
    report._debug_(__DEV__ ? 'Global Privacy Control or Do Not Track is on: nothing is recorded until consent("granted")' : 'privacy_signal')
    return 'denied'
  }
  return configured
}

/**
 * Deletes what is stored about the visitor: the page's visitor id, what pages journaled on their
 * way out (for every endpoint), and the queue's storage, `storage` if this page opened it.
 */
export function forgetStored(storage: QueueStorage | undefined, report: Reporter): void {
  forgetVisitorId()
  forgetJournals()
  if (storage) {
    storage._destroy_().catch((error: unknown) => report._warn_('storage_failed', __DEV__ && 'Deleting stored events failed', { cause: error }))
  } else {
    // Never opened on this page: delete the database earlier pages may have left, without
    // opening (and so creating) it.
    try {
      indexedDB?.deleteDatabase('journeykit')
    } catch {
      // No IndexedDB: nothing stored.
    }
  }
}
