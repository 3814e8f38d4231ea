/**
 * The names one journey's queue lives under, derived from its endpoint, and defined here only.
 *
 * Events belong to the journey (endpoint) that tracked them: two journeys on one page with
 * different endpoints keep separate queues, sending locks, delivered-keys channels and exit
 * journals, so that no event can reach another journey's endpoint. What describes the visitor
 * (anonymous id, user id, session, phase state) is not scoped: journeys on one site share one
 * visitor.
 *
 * IndexedDB keys of a scope are arrays, `['q', endpoint, orderKey]`: they sort by endpoint, then
 * in tracking order, and they can never be mistaken for the string keys (`'q:<orderKey>'`) of the
 * queue before scopes, which is adopted by the first journey that reads it (see storage.ts).
 */

/** Where one journey's queue lives. */
export interface QueueScope {
  /** The endpoint, resolved to an absolute URL: what every name below derives from. */
  readonly endpoint: string
  /** The Web Lock held while sending. */
  readonly lock: string
  /** The BroadcastChannel on which tabs announce the keys they delivered. */
  readonly channel: string
  /** The prefix of this journey's localStorage journal items (see queue/journal.ts). */
  readonly journal: string
  /** The IndexedDB key of a queued event. */
  queueKey(orderKey: string): IDBValidKey
  /** Every queued event of this journey, as an IndexedDB key range. */
  queueRange(): IDBKeyRange
  /** The IndexedDB key of the count of dropped, not yet reported events. */
  readonly droppedKey: IDBValidKey
  /** The IndexedDB key of the sending lease (where Web Locks are missing). */
  readonly leaseKey: IDBValidKey
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
    endpoint,
    lock: 'journeykit-sender ' + endpoint,
    channel: 'journeykit ' + endpoint,
    journal: JOURNAL_PREFIX + endpoint + ' ',
    queueKey: (orderKey) => ['q', endpoint, orderKey],
    // An array sorts after every string, so `[]` closes the range of this endpoint's keys.
    queueRange: () => IDBKeyRange.bound(['q', endpoint], ['q', endpoint, []]),
    droppedKey: ['d', endpoint],
    leaseKey: ['l', endpoint],
  }
}
