/**
 * What the queue's storage promises, whichever backend keeps it (IndexedDB, or this page's
 * memory when IndexedDB cannot be used): the interface delivery and the sender lock work against.
 */

/** A stored event: its order key and its JSON. */
export type StoredEvent = [key: string, json: string]

/** A state value: its name and value (undefined: deleted). */
export type StateChange = [name: string, value: unknown]

/**
 * What a write did: how many of the oldest events it trimmed, and whether it reached IndexedDB.
 * (Written `_name_`: the build shortens such names; a `Written` is never stored.)
 */
export interface Written {
  _trimmed_: number
  /** false when it ended in memory (no IndexedDB, or a write refused for quota). */
  _durable_: boolean
}

/** What a read found: the oldest events, and how many events were dropped and not yet reported. */
export interface QueueRead {
  _events_: StoredEvent[]
  _dropped_: number
}

/**
 * (Members written `_name_`: the build shortens such names. The interface never leaves the
 * build; what it stores keeps its own names, see queue/indexeddb.ts.)
 */
export interface QueueStorage {
  /** false for the memory store. */
  readonly _persistent_: boolean
  /**
   * Stores events and state changes in one transaction, then trims the queue to `maxEvents` by
   * deleting the oldest. The number trimmed (plus `alsoDropped`, events lost before they could be
   * stored) is added to the stored `dropped` count in the same transaction, so that tabs never
   * overwrite each other's count. Resolves with how many were trimmed and whether the write is
   * durable (in IndexedDB).
   */
  _write_(events: StoredEvent[], state: StateChange[], maxEvents: number, alsoDropped?: number): Promise<Written>
  /**
   * Stores what an earlier page journaled on its way out (queue/journal.ts): like `_write_`, except
   * that an event already stored (its write committed after all) is not stored twice. The
   * journaled state overwrites what is stored (it was changed after the page's last committed
   * write), and an undefined value deletes. `delivered` are keys the journaling page knew
   * delivered: deleted in the same transaction.
   */
  _restore_(events: StoredEvent[], state: StateChange[], maxEvents: number, delivered?: string[]): Promise<Written>
  /** The oldest `limit` stored events, and how many events were dropped and not yet reported. */
  _read_(limit: number): Promise<QueueRead>
  /** Deletes delivered (or rejected) events; `reported` dropped events went with them. */
  _remove_(keys: string[], reported?: number): Promise<void>
  /** Every state value. */
  _readState_(): Promise<StateChange[]>
  /**
   * Takes (or renews) the sending lease for `owner` until `until` when it is free, expired or
   * already `owner`'s; `until` 0 releases it. Used only where Web Locks are missing.
   */
  _lease_(owner: string, until: number): Promise<boolean>
  /** Deletes everything, of every journey (consent denied). */
  _destroy_(): Promise<void>
}
