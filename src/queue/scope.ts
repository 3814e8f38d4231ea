/**
 * The names one journey's queue lives under, derived from its endpoint, and defined here only.
 *
 * Events belong to the journey (endpoint) that tracked them: two journeys on one page with
 * different endpoints keep separate queues, sending locks, delivered-keys channels and exit
 * journals, so that no event can reach another journey's endpoint. What describes the visitor
 * (anonymous id, user id, session, phase state) is not scoped: journeys on one site share one
 * visitor.
 *
 * IndexedDB keys of a scope are arrays. A record of queued events (queue/records.ts) is
 * `['q', endpoint, firstOrderKey, lastOrderKey, count]`: records sort by endpoint, then in
 * tracking order, and the key alone says which events a record may hold and how many, so that
 * trimming and deleting read only the records concerned. The previous version kept one event per
 * record, `['q', endpoint, orderKey]`: such records are still read, and rewritten as records
 * when touched. Neither can be mistaken for the string keys (`'q:<orderKey>'`) of the queue
 * before scopes, which is adopted by the first journey that reads it (see queue/indexeddb.ts).
 */

/**
 * Where one journey's queue lives. Its members are written `_name_`: the build shortens such
 * names (tsup.config.ts `mangleProps`); none is stored or public (the names they hold are).
 */
export interface QueueScope {
  /** The endpoint, resolved to an absolute URL: what every name below derives from. */
  readonly _endpoint_: string
  /** The Web Lock held while sending. */
  readonly _lock_: string
  /** The BroadcastChannel on which tabs announce the keys they delivered. */
  readonly _channel_: string
  /** The prefix of this journey's localStorage journal items (see queue/journal.ts). */
  readonly _journal_: string
  /** The IndexedDB key of a record holding `events` (sorted by order key, at least one). */
  _recordKey_(events: ReadonlyArray<readonly [string, string]>): IDBValidKey
  /**
   * Every record of this journey's queue, as an IndexedDB key range; with `upTo`, only the
   * records whose first event is not newer than that order key.
   */
  _queueRange_(upTo?: string): IDBKeyRange
  /** The IndexedDB key of the count of dropped, not yet reported events. */
  readonly _droppedKey_: IDBValidKey
  /** The IndexedDB key of the sending lease (where Web Locks are missing). */
  readonly _leaseKey_: IDBValidKey
}

/** The BroadcastChannel on which tabs say they stored visitor state: one for the site, as the state is. */
export const STATE_CHANNEL = 'journeykit state'

/** The prefix of every journal item, whatever the endpoint (consent denied removes them all). */
export const JOURNAL_PREFIX = 'journeykit:journal '

/**
 * The names of the queue of the journey sending to `endpoint` (already resolved: resolved URLs
 * contain no spaces, so a space safely ends the endpoint in the names below).
 */
export function queueScope(endpoint: string): QueueScope {
  return {
    _endpoint_: endpoint,
    _lock_: 'journeykit-sender ' + endpoint,
    _channel_: 'journeykit ' + endpoint,
    _journal_: JOURNAL_PREFIX + endpoint + ' ',
    _recordKey_: (events) => ['q', endpoint, events[0]![0], events[events.length - 1]![0], events.length],
    // An array sorts after every string, so `[]` closes a range of keys: in place of `upTo`, every
    // first order key.
    _queueRange_: (upTo) => IDBKeyRange.bound(['q', endpoint], ['q', endpoint, upTo ?? [], []]),
    _droppedKey_: ['d', endpoint],
    _leaseKey_: ['l', endpoint],
  }
}
