/**
 * One sender at a time across tabs: Web Locks where present and allowed (a fake LockManager
 * here), taken over from a holder that went silent; a lease in the shared IndexedDB where they
 * are missing (happy-dom has no `navigator.locks`) or refused; nothing for memory.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createSenderLock } from '../../src/queue/lease'
import { queueScope } from '../../src/queue/scope'
import { indexedDBStorage } from '../../src/queue/indexeddb'
import { memoryStorage } from '../../src/queue/memory'
import { fakeLocks, restoreBrowser } from '../helpers/browser'
import { freshIndexedDB, readDatabase, restoreStorage } from '../helpers/storage'
import { advance, idle, useFakeClock } from '../helpers/time'

beforeEach(() => {
  freshIndexedDB()
})

const scope = queueScope('https://collect.example/e')

afterEach(() => {
  vi.useRealTimers()
  restoreBrowser()
  restoreStorage()
})

/** A task that runs until `finish()` is called. */
function gate() {
  let finish!: () => void
  const done = new Promise<void>((resolve) => (finish = resolve))
  let started = false
  return {
    task: async () => {
      started = true
      await done
    },
    finish: () => finish(),
    started: () => started,
  }
}

describe('with Web Locks', () => {
  test('runs the task while holding the lock', async () => {
    const locks = fakeLocks()
    locks.install()
    const lock = createSenderLock(indexedDBStorage(scope), scope._lock_)
    let held = false
    expect(await lock._run_(async (renew) => {
      held = locks.isHeld(scope._lock_)
      expect(await renew()).toBe(true)
    }, false)).toBe(true)
    expect(held).toBe(true)
    expect(locks.isHeld(scope._lock_)).toBe(false)
  })

  test('another tab skips while it is held, or waits for it when asked to', async () => {
    const locks = fakeLocks()
    locks.install()
    const tabA = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const tabB = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const a = gate()
    const runningA = tabA._run_(a.task, false)
    await idle(2)
    expect(a.started()).toBe(true)
    const skipped = vi.fn(async () => {})
    expect(await tabB._run_(skipped, false)).toBe(false)
    expect(skipped).not.toHaveBeenCalled()
    const b = gate()
    const waitingB = tabB._run_(b.task, true)
    await idle(2)
    expect(b.started()).toBe(false)
    a.finish()
    expect(await runningA).toBe(true)
    await idle(2)
    expect(b.started()).toBe(true)
    b.finish()
    expect(await waitingB).toBe(true)
    expect(locks.maxHolders()).toBe(1)
  })

  test('a task that throws releases the lock', async () => {
    const locks = fakeLocks()
    locks.install()
    const lock = createSenderLock(indexedDBStorage(scope), scope._lock_)
    await expect(lock._run_(() => Promise.reject(new Error('task')), false)).rejects.toThrow('task')
    expect(locks.isHeld(scope._lock_)).toBe(false)
    expect(await lock._run_(async () => {}, false)).toBe(true)
  })
})

describe('with Web Locks: a holder that goes silent loses the lock', () => {
  /** A tab that took the lock and then stopped (its script paused): it never renews again. */
  async function stuckHolder() {
    const a = gate()
    let renew!: () => Promise<boolean>
    const lock = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const running = lock._run_(async (r) => {
      renew = r
      await a.task()
    }, false)
    await idle()
    expect(a.started()).toBe(true)
    return { renew: () => renew(), finish: a.finish, running }
  }

  test('another tab takes the lock after one lease period of silence, not before; the old holder learns it lost it', async () => {
    useFakeClock()
    const locks = fakeLocks()
    locks.install()
    const stuck = await stuckHolder()
    const other = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const task = vi.fn(async () => {})
    // The other tab tries once a second, as its sender does after finding the lock taken.
    for (let second = 0; second < 10; second++) {
      expect(await other._run_(task, false)).toBe(false)
      await advance(1000, 250)
    }
    expect(task).not.toHaveBeenCalled()
    await advance(1000, 250)
    expect(await other._run_(task, false)).toBe(true)
    expect(task).toHaveBeenCalledTimes(1)
    // The stopped tab, once it runs again, finds it no longer holds the lock.
    expect(await stuck.renew()).toBe(false)
    stuck.finish()
    expect(await stuck.running).toBe(true)
    expect(locks.isHeld(scope._lock_)).toBe(false)
  })

  test('a holder that keeps renewing keeps the lock however long it sends', async () => {
    useFakeClock()
    const locks = fakeLocks()
    locks.install()
    const tabA = createSenderLock(indexedDBStorage(scope), scope._lock_)
    let keepGoing = true
    const runningA = tabA._run_(async (renew) => {
      while (keepGoing) {
        expect(await renew()).toBe(true)
        await new Promise((resolve) => setTimeout(resolve, 4000))
      }
    }, false)
    await idle()
    const tabB = createSenderLock(indexedDBStorage(scope), scope._lock_)
    for (let second = 0; second < 40; second++) {
      expect(await tabB._run_(async () => {}, false)).toBe(false)
      await advance(1000, 250)
    }
    keepGoing = false
    await advance(4000, 250)
    expect(await runningA).toBe(true)
    expect(await tabB._run_(async () => {}, false)).toBe(true)
    expect(locks.maxHolders()).toBe(1)
  })

  test('flush() waiting for the lock takes it from a silent holder instead of waiting forever', async () => {
    useFakeClock()
    const locks = fakeLocks()
    locks.install()
    const stuck = await stuckHolder()
    const other = createSenderLock(indexedDBStorage(scope), scope._lock_)
    let result: boolean | undefined
    void other._run_(async () => {}, true).then((ran) => (result = ran))
    await advance(9000, 250)
    expect(result).toBeUndefined()
    await advance(2000, 250)
    expect(result).toBe(true)
    stuck.finish()
  })

  test('a holder newly seen is given a whole lease period, however long this tab heard nothing', async () => {
    useFakeClock()
    const locks = fakeLocks()
    locks.install()
    const other = createSenderLock(indexedDBStorage(scope), scope._lock_)
    // The other tab once found the lock taken (and started listening), then a quiet minute.
    const brief = gate()
    const first = createSenderLock(indexedDBStorage(scope), scope._lock_)._run_(brief.task, false)
    await idle()
    expect(await other._run_(async () => {}, false)).toBe(false)
    brief.finish()
    await first
    await advance(60_000, 1000)
    // A new holder takes the lock and stops at once.
    const stuck = await stuckHolder()
    expect(await other._run_(async () => {}, false)).toBe(false)
    await advance(5000, 250)
    expect(await other._run_(async () => {}, false)).toBe(false)
    await advance(6000, 250)
    expect(await other._run_(async () => {}, false)).toBe(true)
    stuck.finish()
  })
})

describe('Web Locks refused (a sandboxed iframe, blocked site data)', () => {
  test('with IndexedDB working, the lease keeps one sender at a time', async () => {
    useFakeClock()
    const locks = fakeLocks({ denied: true })
    locks.install()
    const tabA = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const tabB = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const a = gate()
    const runningA = tabA._run_(a.task, false)
    await idle()
    expect(a.started()).toBe(true)
    expect((await readDatabase())?.lease).toMatchObject({ until: expect.any(Number) })
    expect(await tabB._run_(async () => {}, false)).toBe(false)
    a.finish()
    expect(await runningA).toBe(true)
    expect(await tabB._run_(async () => {}, false)).toBe(true)
    expect((await readDatabase())?.lease).toBeUndefined()
  })

  test('with memory storage there is nothing to share: the task runs at once, without a lock', async () => {
    const locks = fakeLocks({ denied: true })
    locks.install()
    const storage = memoryStorage()
    const lease = vi.spyOn(storage, '_lease_')
    const lock = createSenderLock(storage, scope._lock_)
    expect(await lock._run_(async () => {}, false)).toBe(true)
    expect(await lock._run_(async () => {}, true)).toBe(true)
    expect(lease).not.toHaveBeenCalled()
    expect(locks.requests()).toBe(0)
  })

  test('a task that throws still rejects (it is not mistaken for a refused lock)', async () => {
    const locks = fakeLocks()
    locks.install()
    const lock = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const task = vi.fn(() => Promise.reject(new Error('task')))
    await expect(lock._run_(task, false)).rejects.toThrow('task')
    expect(task).toHaveBeenCalledTimes(1)
    expect((await readDatabase())?.lease).toBeUndefined()
  })
})

describe('without Web Locks: a lease in IndexedDB', () => {
  test('happy-dom has no navigator.locks (the lease is what these tests exercise)', () => {
    expect((navigator as Navigator & { locks?: unknown }).locks ?? undefined).toBeUndefined()
  })

  test('one holder at a time; the other skips, or waits and then runs', async () => {
    useFakeClock()
    const tabA = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const tabB = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const a = gate()
    const runningA = tabA._run_(a.task, false)
    await idle()
    expect(a.started()).toBe(true)
    expect(await tabB._run_(async () => {}, false)).toBe(false)
    const b = gate()
    const waitingB = tabB._run_(b.task, true)
    await advance(1000)
    expect(b.started()).toBe(false)
    a.finish()
    expect(await runningA).toBe(true)
    await advance(300)
    expect(b.started()).toBe(true)
    b.finish()
    expect(await waitingB).toBe(true)
    // Released when done.
    expect((await readDatabase())?.lease).toBeUndefined()
  })

  test('a holder that vanished (crashed tab) loses the lease when it expires', async () => {
    useFakeClock()
    const storage = indexedDBStorage(scope)
    const crashed = createSenderLock(storage, scope._lock_)
    const a = gate()
    void crashed._run_(a.task, false) // never finishes, never renews
    await idle()
    expect(a.started()).toBe(true)
    const tabB = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const b = gate()
    const waitingB = tabB._run_(b.task, true)
    await advance(9500, 250)
    expect(b.started()).toBe(false)
    await advance(1000, 250)
    expect(b.started()).toBe(true)
    b.finish()
    expect(await waitingB).toBe(true)
  })

  test('renew() keeps the lease of a long task alive', async () => {
    useFakeClock()
    const tabA = createSenderLock(indexedDBStorage(scope), scope._lock_)
    let keepGoing = true
    const runningA = tabA._run_(async (renew) => {
      while (keepGoing) {
        expect(await renew()).toBe(true)
        await new Promise((resolve) => setTimeout(resolve, 5000))
      }
    }, false)
    await idle()
    const tabB = createSenderLock(indexedDBStorage(scope), scope._lock_)
    await advance(25_000, 500)
    expect(await tabB._run_(async () => {}, false)).toBe(false)
    keepGoing = false
    await advance(5000, 500)
    expect(await runningA).toBe(true)
    expect(await tabB._run_(async () => {}, false)).toBe(true)
  })

  test('waiting gives up after one lease period', async () => {
    useFakeClock()
    const tabA = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const a = gate()
    let renewA!: () => Promise<boolean>
    void tabA._run_(async (renew) => {
      renewA = renew
      await a.task()
    }, false)
    await idle()
    const tabB = createSenderLock(indexedDBStorage(scope), scope._lock_)
    let result: boolean | undefined
    void tabB._run_(async () => {}, true).then((ran) => (result = ran))
    for (let i = 0; i < 6; i++) {
      await advance(2000, 250)
      await renewA()
    }
    expect(result).toBe(false)
    a.finish()
  })

  test('a holder that vanished just before the wall clock stepped back an hour does not keep the lease for that hour', async () => {
    useFakeClock()
    const crashed = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const a = gate()
    void crashed._run_(a.task, false) // never finishes, never renews
    await idle()
    expect(a.started()).toBe(true)
    vi.setSystemTime(Date.now() - 3_600_000)
    const tabB = createSenderLock(indexedDBStorage(scope), scope._lock_)
    const b = gate()
    const waitingB = tabB._run_(b.task, true)
    await advance(11_000, 250)
    expect(b.started()).toBe(true)
    b.finish()
    expect(await waitingB).toBe(true)
  })

  test('a task that throws releases the lease', async () => {
    const storage = indexedDBStorage(scope)
    const lock = createSenderLock(storage, scope._lock_)
    await expect(lock._run_(() => Promise.reject(new Error('task')), false)).rejects.toThrow('task')
    expect((await readDatabase())?.lease).toBeUndefined()
    expect(await createSenderLock(indexedDBStorage(scope), scope._lock_)._run_(async () => {}, false)).toBe(true)
  })
})

describe('memory storage', () => {
  test('has nobody to share with: runs at once, no lease and no Web Lock', async () => {
    const locks = fakeLocks()
    locks.install()
    const other = gate()
    void createSenderLock(indexedDBStorage(scope), scope._lock_)._run_(other.task, false) // another tab holds the Web Lock
    const storage = memoryStorage()
    const lease = vi.spyOn(storage, '_lease_')
    const lock = createSenderLock(storage, scope._lock_)
    const a = gate()
    const running = lock._run_(a.task, false)
    await Promise.resolve()
    expect(a.started()).toBe(true)
    a.finish()
    expect(await running).toBe(true)
    expect(lease).not.toHaveBeenCalled()
    other.finish()
  })
})
