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

export interface TabChannelConfig {
  /** This journey's channel of delivered keys (queue/scope.ts). */
  name: string
  /** Another tab delivered these keys. */
  delivered(keys: string[]): void
  /** Another tab stored state changes (identity, session): this page should read them. */
  stateChanged?(): void
}

export interface TabChannel {
  /** Listens (again); nothing happens where BroadcastChannel is missing or not allowed. */
  open(): void
  /**
   * Stops listening: an open channel keeps a page out of the back/forward cache. State news
   * still waiting is told first.
   */
  close(): void
  /** Tells the other tabs that these keys are delivered. */
  tellDelivered(keys: string[]): void
  /** Tells the other tabs that state was stored: now if `urgent`, else within {@link TELL_EVERY} of the last time. */
  tellStateStored(urgent: boolean): void
}

export function createTabChannel(config: TabChannelConfig): TabChannel {
  let channel: BroadcastChannel | undefined
  let stateChannel: BroadcastChannel | undefined
  let toldAt = -Infinity
  const later = createDeadline(() => tellStateStored(true))

  function tellStateStored(urgent: boolean): void {
    const wait = urgent ? 0 : toldAt + TELL_EVERY - monotonic()
    if (wait > 0) return later.at(wait)
    later.cancel()
    toldAt = monotonic()
    stateChannel?.postMessage({ state: true })
  }

  function close(): void {
    // What was still to be told is told now: the page is hidden or stops.
    if (later.due) tellStateStored(true)
    channel?.close()
    stateChannel?.close()
    channel = stateChannel = undefined
  }

  return {
    open() {
      if (channel || typeof BroadcastChannel === 'undefined') return
      try {
        channel = new BroadcastChannel(config.name)
        stateChannel = new BroadcastChannel(STATE_CHANNEL)
      } catch {
        // Not allowed here: other tabs' deliveries and state are then seen when this one comes back into view.
        return close()
      }
      channel.onmessage = (message: MessageEvent<{ delivered?: string[] }>) => config.delivered(message.data?.delivered ?? [])
      stateChannel.onmessage = () => config.stateChanged?.()
    },
    close,
    tellDelivered(keys) {
      channel?.postMessage({ delivered: keys })
    },
    tellStateStored,
  }
}
