/**
 * Opening a journey's queue: its storage (IndexedDB, falling back to memory), this page's exit
 * journal, and what earlier pages journaled on their way out, put into the queue first.
 */
import type { Reporter } from '../errors'
import { uuidv7 } from '../event/id'
import { createJournal, recoverJournal, type Journal } from './journal'
import { resilientStorage } from './resilient'
import type { QueueScope } from './scope'
import type { QueueStorage } from './store'

export interface OpenedQueue {
  _storage_: QueueStorage
  _journal_: Journal
}

/**
 * Opens the queue of `scope`. What earlier pages journaled goes into it before anything else
 * (same ids), and before the state is read, so that a first visit's identity, journaled, is the
 * one read back. Problems are reported, never thrown.
 */
export function openQueue(scope: QueueScope, maxQueueSize: number, report: Reporter): OpenedQueue {
  const storage = resilientStorage(
    scope,
    (error) => report._warn_('storage_unavailable', __DEV__ && 'IndexedDB is unavailable: events are kept in memory for this page only', { cause: error }),
    (error) =>
      report._warn_('storage_failed', __DEV__ && 'Events could not be stored (is the site\'s storage full?): new ones are kept in memory meanwhile', {
        cause: error,
      }),
  )
  const journal = createJournal(scope, uuidv7(), () => storage._persistent_)
  const recovered = recoverJournal(scope)
  if (recovered) {
    storage
      ._restore_(recovered._events_, recovered._state_, maxQueueSize, recovered._delivered_)
      // Removed only once in IndexedDB: restored to memory, they would be lost with this page.
      .then(({ _durable_ }) => _durable_ && recovered._remove_(), (error: unknown) => report._warn_('storage_failed', __DEV__ && 'Storing the events journaled by an earlier page failed', { cause: error }))
  }
  return { _storage_: storage, _journal_: journal }
}
