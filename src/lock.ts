/**
 * One sender at a time across the tabs of a site, so that tabs sharing the stored queue do not
 * send the same events twice.
 *
 * Web Locks where the browser has them (released by the browser if the holder's tab dies). They
 * are missing on plain-http sites other than localhost (secure contexts only), so there a lease in
 * the shared storage stands in: taken and renewed atomically, it expires by itself when its holder
 * is gone.
 */
import type { QueueStorage } from './storage'
import { uuidv7 } from './event'

const LEASE_MS = 10_000
const LEASE_POLL_MS = 250

export interface SenderLock {
  /**
   * Runs `task` while holding the lock. With `wait`, waits for the lock (up to one lease for the
   * storage fallback); without, skips when another tab holds it. `renew` must be called between
   * steps of a long task (it keeps a lease alive; Web Locks need nothing). Resolves true when the
   * task ran.
   */
  run(task: (renew: () => Promise<boolean>) => Promise<void>, wait: boolean): Promise<boolean>
}

/** `name`: the Web Lock's name, one per journey's queue (queue/scope.ts); the lease lives in `storage`, which is scoped too. */
export function createSenderLock(storage: QueueStorage, name: string): SenderLock {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  if (locks && typeof locks.request === 'function') {
    const always = () => Promise.resolve(true)
    return {
      run: (task, wait) =>
        locks.request(name, { ifAvailable: !wait }, (lock) => (lock ? task(always).then(() => true) : false)) as Promise<boolean>,
    }
  }
  const owner = uuidv7()
  return {
    async run(task, wait) {
      // Memory storage is this page's own: nobody to share with.
      if (!storage.persistent) return task(() => Promise.resolve(true)).then(() => true)
      const renew = () => storage.lease(owner, Date.now() + LEASE_MS)
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
        await storage.lease(owner, 0).catch(() => {})
      }
    },
  }
}
