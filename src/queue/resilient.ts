/**
 * IndexedDB when it works, this page's memory when it does not: the queue storage a journey uses.
 */
import { indexedDBStorage } from './indexeddb'
import { memoryStorage } from './memory'
import { byOrderKey } from './records'
import type { QueueScope } from './scope'
import type { QueueStorage } from './store'

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
  /** One call of the storage interface, made on whichever store serves it. */
  type Call<T> = (storage: QueueStorage) => Promise<T>

  /** Runs `call` on IndexedDB with one retry on a new connection; undefined when there is none. */
  const onDatabase = <T>(call: Call<T>): Promise<T> | undefined => {
    const attempt = database
    if (!attempt) return undefined
    return call(attempt).catch((error: unknown) => {
      if (!database) throw error
      if (database === attempt) database = indexedDBStorage(scope)
      return call(database)
    })
  }

  /** IndexedDB is unusable: memory for good, said once. */
  const abandon = (error: unknown): void => {
    if (!database) return
    database = undefined
    onFallback(error)
  }

  /**
   * A call that stores something (write, restore, lease): IndexedDB, else memory. Under a full
   * quota it fails while reads and deletes still work, so they go on using IndexedDB; any other
   * failure means IndexedDB is unusable.
   */
  const write = <T>(call: Call<T>): Promise<T> =>
    (onDatabase(call) ?? call(memory)).catch((error: unknown) => {
      if ((error as DOMException | null)?.name !== 'QuotaExceededError') abandon(error)
      else if (database) onWriteFailed(error)
      return call(memory)
    })

  /** A read or delete: IndexedDB and memory (which holds what could not be written), or memory alone for good. */
  const both = <T>(call: Call<T>, merge: (stored: T) => Promise<T>): Promise<T> => {
    const stored = onDatabase(call)
    if (!stored) return call(memory)
    return stored.then(merge, (error: unknown) => {
      abandon(error)
      return call(memory)
    })
  }

  return {
    get _persistent_() {
      return !!database
    },
    _write_: (...args) => write((storage) => storage._write_(...args)),
    _restore_: (...args) => write((storage) => storage._restore_(...args)),
    _lease_: (...args) => write((storage) => storage._lease_(...args)),
    _read_: (limit) =>
      both((storage) => storage._read_(limit), async (stored) => {
        const kept = await memory._read_(limit)
        // Order keys sort in tracking order, in both stores.
        return { _events_: byOrderKey([...stored._events_, ...kept._events_]).slice(0, limit), _dropped_: stored._dropped_ + kept._dropped_ }
      }),
    async _remove_(keys, reported = 0) {
      // The dropped count reported was the sum of both stores': memory's share first.
      const inMemory = Math.min(reported, (await memory._read_(0))._dropped_)
      await memory._remove_(keys, inMemory)
      return both((storage) => storage._remove_(keys, reported - inMemory), async () => {})
    },
    _readState_: () =>
      // What memory holds could not be written: newer than what is stored.
      both((storage) => storage._readState_(), async (stored) => [...new Map([...stored, ...(await memory._readState_())])]),
    _destroy_() {
      // The database goes even when this page fell back to memory: earlier pages stored there.
      const stored = database ?? (typeof indexedDB !== 'undefined' && indexedDB ? indexedDBStorage(scope) : undefined)
      database = undefined
      // A failed deletion rejects: the caller reports it.
      return Promise.all([memory._destroy_(), stored?._destroy_()]).then(() => {})
    },
  }
}
