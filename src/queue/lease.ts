/**
 * One sender at a time across the tabs of a site, so that tabs sharing the stored queue do not
 * send the same events twice; and never a sender that keeps that right while it makes no progress.
 *
 * - Memory storage is this page's own: nothing to share, so no lock at all.
 * - Web Locks where the browser has them and allows them (the browser releases them when the
 *   holder's tab dies). A holder that lives on but stops (its script paused or hung) would keep
 *   the lock forever, so a holder says it is alive on a BroadcastChannel each time it renews, and
 *   a tab that has seen the same holder for a lease period without hearing from it takes the lock
 *   over (`steal`). The old holder learns it lost the lock, and stops at its next renewal.
 * - Where Web Locks are missing (plain-http sites other than localhost) or refused (sandboxed
 *   iframes, blocked site data: `request()` rejects), a lease in the shared storage: taken and
 *   renewed atomically, it expires by itself when its holder stops renewing.
 */
import type { QueueStorage } from './store'
import { uuidv7 } from '../event/id'

/** How long a sender may go without renewing before another tab takes over. */
const LEASE_MS = 10_000
const LEASE_POLL_MS = 250

/** Deadlines within one tab: a clock that a step of the wall clock (NTP, a VM restore) does not move. */
const monotonic = (): number => performance.now()

export interface SenderLock {
  /**
   * Runs `task` while holding the lock. With `wait`, waits for the lock (for a live holder to
   * finish; up to one lease for the storage fallback); without, skips when another tab holds it.
   * `renew` must be called between steps of a long task and at least every few seconds: it keeps
   * a lease alive, or says that a Web Lock's holder is alive; it resolves false once the lock was
   * lost (the task must stop). Resolves true when the task ran.
   */
  _run_(task: (renew: () => Promise<boolean>) => Promise<void>, wait: boolean): Promise<boolean>
  /**
   * Stops listening to other senders (the page is being left: an open channel can keep it out of
   * the back/forward cache). The next run listens again.
   */
  _close_(): void
}

/** `name`: the Web Lock's name, one per journey's queue (queue/scope.ts); the lease lives in `storage`, which is scoped too. */
export function createSenderLock(storage: QueueStorage, name: string): SenderLock {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  /** Web Locks are there and have not been refused. */
  let webLocks = !!locks && typeof locks.request === 'function'
  const owner = uuidv7()
  let channel: BroadcastChannel | undefined
  /** When a holder last said it is alive, or this tab started listening. */
  let heardAt = 0
  /** The holder seen when the lock was last unavailable, and since when it has been seen. */
  let holder: string | undefined
  let holderSince: number | undefined

  function listen(): void {
    if (channel || typeof BroadcastChannel === 'undefined') return
    try {
      channel = new BroadcastChannel(name)
    } catch {
      // Not allowed here: the lock still works, a stuck holder is just not taken over.
      return
    }
    heardAt = monotonic()
    channel.onmessage = () => (heardAt = monotonic())
  }

  async function withLease(task: Parameters<SenderLock['_run_']>[0], wait: boolean): Promise<boolean> {
    const renew = () => storage._lease_(owner, Date.now() + LEASE_MS)
    let held = await renew()
    // Up to a little past one lease: a holder that died mid-send has let it expire by then.
    for (let waited = 0; !held && wait && waited < LEASE_MS + 2 * LEASE_POLL_MS; waited += LEASE_POLL_MS) {
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS))
      held = await renew()
    }
    if (!held) return false
    try {
      await task(renew)
      return true
    } finally {
      await storage._lease_(owner, 0).catch(() => {})
    }
  }

  /**
   * Whether the tab holding the lock is stuck: the same holder (by client id) for a whole lease
   * period without a word from it. A holder seen for the first time gets a whole period.
   */
  async function holderIsStuck(): Promise<boolean> {
    const now = monotonic()
    const current = await Promise.resolve()
      .then(() => locks!.query())
      .then(
        (state) => state.held?.find((held) => held.name === name)?.clientId,
        () => undefined,
      )
    if (holderSince === undefined || current !== holder) {
      holder = current
      holderSince = now
    }
    return !!channel && now - Math.max(heardAt, holderSince) > LEASE_MS
  }

  function withWebLock(task: Parameters<SenderLock['_run_']>[0], wait: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      let entered = false
      let lost = false
      let running: Promise<void>
      const inLine = new AbortController()
      const renew = (): Promise<boolean> => {
        if (!lost) channel?.postMessage(0)
        return Promise.resolve(!lost)
      }
      const granted = (lock: Lock | null): Promise<void> | undefined => {
        if (!lock) return
        entered = true
        holderSince = undefined
        void renew()
        running = task(renew)
        return running.catch(() => {})
      }
      // The run ends with the task, also when the lock was taken over meanwhile.
      const ended = (): void => resolve(running.then(() => true))
      const attempt = (options: LockOptions): void => {
        listen()
        new Promise((requested) => requested(locks!.request(name, options, granted))).then(
          () => (entered ? ended() : void unavailable()),
          () => {
            if (entered) {
              // Another tab took the lock from this one (it found it silent).
              lost = true
              ended()
            } else if (!inLine.signal.aborted) {
              // Refused (a sandboxed iframe, blocked site data): the lease, or no lock for memory.
              webLocks = false
              resolve(run(task, wait))
            }
          },
        )
      }
      const unavailable = async (): Promise<void> => {
        if (await holderIsStuck()) return attempt({ steal: true })
        if (!wait) return resolve(false)
        // Wait in line, keeping an eye on the holder meanwhile.
        attempt({ signal: inLine.signal })
        const watch = async (): Promise<void> => {
          if (entered) return
          if (!(await holderIsStuck())) return void setTimeout(watch, LEASE_POLL_MS)
          if (entered) return
          inLine.abort()
          attempt({ steal: true })
        }
        setTimeout(watch, LEASE_POLL_MS)
      }
      attempt({ ifAvailable: true })
    })
  }

  function run(task: Parameters<SenderLock['_run_']>[0], wait: boolean): Promise<boolean> {
    // Memory storage (also after a fallback to it) is this page's own: nobody to share with.
    if (!storage._persistent_) return task(() => Promise.resolve(true)).then(() => true)
    return webLocks ? withWebLock(task, wait) : withLease(task, wait)
  }

  return {
    _run_: run,
    _close_() {
      channel?.close()
      channel = undefined
    },
  }
}
