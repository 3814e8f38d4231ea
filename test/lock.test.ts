/**
 * One sender at a time across tabs: Web Locks where present (a fake LockManager here), a lease
 * in the shared IndexedDB where not (happy-dom has no `navigator.locks`), nothing for memory.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createSenderLock } from '../src/lock'
import { queueScope } from '../src/queue/scope'
import { indexedDBStorage, memoryStorage } from '../src/storage'
import { fakeLocks, restoreBrowser } from './helpers/browser'
import { freshIndexedDB, readDatabase, restoreStorage } from './helpers/storage'
import { advance, idle, useFakeClock } from './helpers/time'

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
    const lock = createSenderLock(memoryStorage(), scope.lock)
    let held = false
    expect(await lock.run(async (renew) => {
      held = locks.isHeld(scope.lock)
      expect(await renew()).toBe(true)
    }, false)).toBe(true)
    expect(held).toBe(true)
    expect(locks.isHeld(scope.lock)).toBe(false)
  })

  test('another tab skips while it is held, or waits for it when asked to', async () => {
    const locks = fakeLocks()
    locks.install()
    const tabA = createSenderLock(indexedDBStorage(scope), scope.lock)
    const tabB = createSenderLock(indexedDBStorage(scope), scope.lock)
    const a = gate()
    const runningA = tabA.run(a.task, false)
    await idle(2)
    expect(a.started()).toBe(true)
    const skipped = vi.fn(async () => {})
    expect(await tabB.run(skipped, false)).toBe(false)
    expect(skipped).not.toHaveBeenCalled()
    const b = gate()
    const waitingB = tabB.run(b.task, true)
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
    const lock = createSenderLock(memoryStorage(), scope.lock)
    await expect(lock.run(() => Promise.reject(new Error('task')), false)).rejects.toThrow('task')
    expect(locks.isHeld(scope.lock)).toBe(false)
    expect(await lock.run(async () => {}, false)).toBe(true)
  })
})

describe('without Web Locks: a lease in IndexedDB', () => {
  test('happy-dom has no navigator.locks (the lease is what these tests exercise)', () => {
    expect((navigator as Navigator & { locks?: unknown }).locks ?? undefined).toBeUndefined()
  })

  test('one holder at a time; the other skips, or waits and then runs', async () => {
    useFakeClock()
    const tabA = createSenderLock(indexedDBStorage(scope), scope.lock)
    const tabB = createSenderLock(indexedDBStorage(scope), scope.lock)
    const a = gate()
    const runningA = tabA.run(a.task, false)
    await idle()
    expect(a.started()).toBe(true)
    expect(await tabB.run(async () => {}, false)).toBe(false)
    const b = gate()
    const waitingB = tabB.run(b.task, true)
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
    const crashed = createSenderLock(storage, scope.lock)
    const a = gate()
    void crashed.run(a.task, false) // never finishes, never renews
    await idle()
    expect(a.started()).toBe(true)
    const tabB = createSenderLock(indexedDBStorage(scope), scope.lock)
    const b = gate()
    const waitingB = tabB.run(b.task, true)
    await advance(9500, 250)
    expect(b.started()).toBe(false)
    await advance(1000, 250)
    expect(b.started()).toBe(true)
    b.finish()
    expect(await waitingB).toBe(true)
  })

  test('renew() keeps the lease of a long task alive', async () => {
    useFakeClock()
    const tabA = createSenderLock(indexedDBStorage(scope), scope.lock)
    let keepGoing = true
    const runningA = tabA.run(async (renew) => {
      while (keepGoing) {
        expect(await renew()).toBe(true)
        await new Promise((resolve) => setTimeout(resolve, 5000))
      }
    }, false)
    await idle()
    const tabB = createSenderLock(indexedDBStorage(scope), scope.lock)
    await advance(25_000, 500)
    expect(await tabB.run(async () => {}, false)).toBe(false)
    keepGoing = false
    await advance(5000, 500)
    expect(await runningA).toBe(true)
    expect(await tabB.run(async () => {}, false)).toBe(true)
  })

  test('waiting gives up after one lease period', async () => {
    useFakeClock()
    const tabA = createSenderLock(indexedDBStorage(scope), scope.lock)
    const a = gate()
    let renewA!: () => Promise<boolean>
    void tabA.run(async (renew) => {
      renewA = renew
      await a.task()
    }, false)
    await idle()
    const tabB = createSenderLock(indexedDBStorage(scope), scope.lock)
    let result: boolean | undefined
    void tabB.run(async () => {}, true).then((ran) => (result = ran))
    for (let i = 0; i < 6; i++) {
      await advance(2000, 250)
      await renewA()
    }
    expect(result).toBe(false)
    a.finish()
  })

  test('a task that throws releases the lease', async () => {
    const storage = indexedDBStorage(scope)
    const lock = createSenderLock(storage, scope.lock)
    await expect(lock.run(() => Promise.reject(new Error('task')), false)).rejects.toThrow('task')
    expect((await readDatabase())?.lease).toBeUndefined()
    expect(await createSenderLock(indexedDBStorage(scope), scope.lock).run(async () => {}, false)).toBe(true)
  })
})

describe('memory storage', () => {
  test('has nobody to share with: runs at once, no lease', async () => {
    const storage = memoryStorage()
    const lease = vi.spyOn(storage, 'lease')
    const lock = createSenderLock(storage, scope.lock)
    const a = gate()
    const running = lock.run(a.task, false)
    await Promise.resolve()
    expect(a.started()).toBe(true)
    a.finish()
    expect(await running).toBe(true)
    expect(lease).not.toHaveBeenCalled()
  })
})
