/**
 * IndexedDB when it works, this page's memory when it does not: the queue storage a journey uses.
 */
import { indexedDBStorage } from './indexeddb'
import { memoryStorage } from './memory'
import { byOrderKey } from './records'
import type { QueueScope } from './scope'
import type { QueueStorage, StateChange, StoredEvent } from './store'

/** Calls that store something: under a full quota they fail while reads and deletes still work. */
type WriteCall = 'write' | 'restore' | 'lease'
type ReadCall = 'read' | 'remove' | 'readState'

/**
 * IndexedDB when it works; otherwise memory, said once. A failed call gets one retry on a freshly
 * opened connection (WebKit drops connections of background tabs; Firefox can wedge after a quota
 * error until reopened).
 *
 * What fails after that decides what happens:
 * - a write refused for quota (a full origin: QuotaExceededError) is served from memory, so its
 *   events are not lost, and IndexedDB stays in use: what is already stored is still read, sent
 *   and deleted, and the next write tries IndexedDB again (delivering frees space). Reads merge
 *   both stores. `onWriteFailed` is told (every time: the reporter says it once).
 * - anything else (opening fails or never settles, a read or delete fails, a write aborts for
 *   another reason): IndexedDB is unusable, this page switches to memory for good and
 *   `onFallback` is told, once.
 */
export function resilientStorage(
  scope: QueueScope,
  onFallback: (error: unknown) => void,
  onWriteFailed: (error: unknown) => void = onFallback,
): QueueStorage {
  const memory = memoryStorage()
  // Undefined once IndexedDB is unusable, and after destroy() (consent denied): then nothing may
  // open the database again, not even the answer of a request that was on its way (each checks
  // it is still there), and every call is served by the emptied memory store.
  let database: QueueStorage | undefined
  try {
    if (typeof indexedDB !== 'undefined' && indexedDB) database = indexedDBStorage(scope)
    else onFallback(new Error((__DEV__ && 'IndexedDB is not available') || 'no IndexedDB'))
  } catch (error) {
    onFallback(error)
  }
  type Answer = Promise<any>
  const call = (storage: QueueStorage, method: WriteCall | ReadCall, args: unknown[]): Answer =>
    (storage[method] as (...a: unknown[]) => Answer)(...args)

  /** Runs `method` on IndexedDB with one retry on a new connection; undefined when there is none. */
  const onDatabase = (method: WriteCall | ReadCall, args: unknown[]): Answer | undefined => {
    const attempt = database
    if (!attempt) return undefined
    return call(attempt, method, args).catch((error: unknown) => {
      if (!database) throw error
      if (database === attempt) database = indexedDBStorage(scope)
      return call(database, method, args)
    })
  }

  /** IndexedDB is unusable: memory for good, said once. */
  const abandon = (error: unknown): void => {
    if (!database) return
    database = undefined
    onFallback(error)
  }

  /**
   * A write: IndexedDB, else memory. A full origin leaves reads and deletes working, so they go
   * on using IndexedDB; any other failure means IndexedDB is unusable.
   */
  const write = (method: WriteCall, args: unknown[]): Answer =>
    (onDatabase(method, args) ?? call(memory, method, args)).catch((error: unknown) => {
      if ((error as DOMException | null)?.name !== 'QuotaExceededError') abandon(error)
      else if (database) onWriteFailed(error)
      return call(memory, method, args)
    })

  /** A read or delete: IndexedDB and memory (which holds what could not be written), or memory alone for good. */
  const both = (method: ReadCall, args: unknown[], merge: (stored: any) => Answer): Answer => {
    const stored = onDatabase(method, args)
    if (!stored) return call(memory, method, args)
    return stored.then(merge, (error: unknown) => {
      abandon(error)
      return call(memory, method, args)
    })
  }

  return {
    get persistent() {
      return !!database
    },
    write: (...args) => write('write', args),
    restore: (...args) => write('restore', args),
    lease: (...args) => write('lease', args),
    read: (limit) =>
      both('read', [limit], async (stored: { events: StoredEvent[]; dropped: number }) => {
        const kept = await memory.read(limit)
        // Order keys sort in tracking order, in both stores.
        return { events: byOrderKey([...stored.events, ...kept.events]).slice(0, limit), dropped: stored.dropped + kept.dropped }
      }),
    async remove(keys, reported = 0) {
      // The dropped count reported was the sum of both stores': memory's share first.
      const inMemory = Math.min(reported, (await memory.read(0)).dropped)
      await memory.remove(keys, inMemory)
      return both('remove', [keys, reported - inMemory], async () => {})
    },
    readState: () =>
      // What memory holds could not be written: newer than what is stored.
      both('readState', [], async (stored: StateChange[]) => [...new Map([...stored, ...(await memory.readState())])]),
    destroy() {
      // The database goes even when this page fell back to memory: earlier pages stored there.
      const stored = database ?? (typeof indexedDB !== 'undefined' && indexedDB ? indexedDBStorage(scope) : undefined)
      database = undefined
      // A failed deletion rejects: the caller reports it.
      return Promise.all([memory.destroy(), stored?.destroy()]).then(() => {})
    },
  }
}
