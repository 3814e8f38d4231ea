/**
 * What the tabs of a site tell each other: the keys one delivered, so that the others do not send
 * them again on exit, and that visitor state was stored, so that side-by-side windows keep one
 * identity and session. The visitor's state is the site's, not one endpoint's: its channel
 * (queue/scope.ts) is not scoped.
 */
import { STATE_CHANNEL } from '../queue/scope'
import { createDeadline, monotonic } from './deadline'

/**
 * State changes that are not urgent (the session's last activity, written with every event) are
 * announced to other tabs at most this often: a BroadcastChannel message costs the page about as
 * much as an IndexedDB transaction. A tab that comes into view reads the state anyway.
 */
export const TELL_EVERY = 30_000

export interface TabChannel {
  /** Listens (again); nothing happens where BroadcastChannel is missing or not allowed. */
  _open_(): void
  /**
   * Stops listening: an open channel keeps a page out of the back/forward cache. State news
   * still waiting is told first.
   */
  _close_(): void
  /** Tells the other tabs that these keys are delivered. */
  _tellDelivered_(keys: string[]): void
  /** Tells the other tabs that state was stored: now if `urgent`, else within {@link TELL_EVERY} of the last time. */
  _tellStateStored_(urgent: boolean): void
}

/**
 * The channels of the journey whose delivered keys are announced on `name` (queue/scope.ts):
 * `delivered` hears of the keys other tabs delivered, `stateChanged` that they stored state
 * changes (identity, session), which this page should then read.
 */
export function createTabChannel(name: string, delivered: (keys: string[]) => void, stateChanged?: () => void): TabChannel {
  let channel: BroadcastChannel | undefined
  let stateChannel: BroadcastChannel | undefined
  let toldAt = -Infinity
  const later = createDeadline(() => tellStateStored(true))

  function tellStateStored(urgent: boolean): void {
    const wait = urgent ? 0 : toldAt + TELL_EVERY - monotonic()
    if (wait > 0) return later._at_(wait)
    later._cancel_()
    toldAt = monotonic()
    stateChannel?.postMessage({ state: true })
  }

  function close(): void {
    // What was still to be told is told now: the page is hidden or stops.
    if (later._due_) tellStateStored(true)
    channel?.close()
    stateChannel?.close()
    channel = stateChannel = undefined
  }

  return {
    _open_() {
      if (channel || typeof BroadcastChannel === 'undefined') return
      try {
        channel = new BroadcastChannel(name)
        stateChannel = new BroadcastChannel(STATE_CHANNEL)
      } catch {
        // Not allowed here: other tabs' deliveries and state are then seen when this one comes back into view.
        return close()
      }
      channel.onmessage = (message: MessageEvent<{ delivered?: string[] }>) => delivered(message.data?.delivered ?? [])
      stateChannel.onmessage = () => stateChanged?.()
    },
    _close_: close,
    _tellDelivered_(keys) {
      channel?.postMessage({ delivered: keys })
    },
    _tellStateStored_: tellStateStored,
  }
}
