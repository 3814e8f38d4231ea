/**
 * The exit journal: what is not yet durably in IndexedDB when the page is hidden, left or frozen
 * is kept by something that completes synchronously, a localStorage write.
 *
 * Why: an IndexedDB write is asynchronous. A page that navigates away (or is closed, or frozen
 * and discarded) right after tracking has handed its last events to a transaction that the
 * browser may abort with the document, and the exit send carries at most ~60 kB and is lost when
 * the endpoint fails at that moment. So every write is *held* here from the moment it is handed
 * to IndexedDB until its transaction commits; on the way out, `_save_()` copies what is held into
 * localStorage items; the next page load (any tab, same endpoint) `recoverJournal()`s them into
 * IndexedDB with the same ids and order keys, and removes them once that write committed. An
 * event that did reach IndexedDB (or the endpoint) as well is stored again under the same key:
 * at worst a re-delivery with the same id, never a second id.
 *
 * Cost: nothing per event while the page is visible. On the way out, one `setItem` per held
 * write (none when everything is written, the usual case), ~1 ms per 100 kB. Items are removed
 * as soon as the write commits, so a page that lives on leaves nothing behind. A journal never
 * takes more than {@link JOURNAL_BUDGET} characters of the origin's ~5 M (localStorage is shared
 * with the site); what does not fit is reported.
 *
 * Consent: the journal is written and read only by a journey that may store (consent granted),
 * and `forgetJournals()` removes every journal when consent is denied.
 *
 * An item: its key is `scope._journal_ + pageId + '.' + n` (page ids are UUIDv7, so keys sort in
 * the order pages were created); its value is the JSON of the state changes on the first line
 * (`[name, value]`, or `[name]` for a value deleted: JSON has no undefined), then one line per
 * event, `orderKey + ' ' + json` (JSON text never contains a line break, and an order key no space).
 * A note of delivered keys (see `_saveDelivered_`) is the item `scope._journal_ + pageId + '.d'`, its
 * value `'!'` and the keys, separated by spaces.
 */
import { decodeEvents, encodeEvents } from './records'
import { JOURNAL_PREFIX, type QueueScope } from './scope'
import type { StateChange, StoredEvent } from './store'

/** Characters (UTF-16 units, what localStorage counts) one page's journal may take at most. */
export const JOURNAL_BUDGET = 2_000_000

/**
 * What the outbox and delivery ask of the journal. Its members are written `_name_` (as are
 * `Recovered`'s and `Held`'s): the build shortens such names; none is stored or public.
 */
export interface Journal {
  /**
   * Holds a write handed to IndexedDB; call the function returned once its transaction has
   * committed (a failed write stays held, for the next page load to store).
   */
  _hold_(events: StoredEvent[], state: StateChange[]): () => void
  /**
   * Synchronously journals everything held and not yet journaled. Returns how many events could
   * not be journaled (localStorage missing, blocked or full, or the budget spent).
   */
  _save_(): number
  /**
   * Synchronously notes keys the endpoint has (or refused for good) whose deletion may not
   * commit before the page is gone: the next page load deletes them instead of sending them
   * again. At most one note per page; a later call replaces it.
   */
  _saveDelivered_(keys: string[]): void
}

/** What earlier pages journaled for one endpoint. */
export interface Recovered {
  /** Events journaled and not noted as delivered. */
  _events_: StoredEvent[]
  /** Keys noted as delivered: to delete from the queue. */
  _delivered_: string[]
  /** State changes, oldest page first (a later page's value wins); undefined for a value deleted. */
  _state_: StateChange[]
  /** Removes the recovered items: call once they are stored. */
  _remove_(): void
}

/** localStorage, or undefined where it is missing or access throws (sandboxed, blocked site data). */
function local(): Storage | undefined {
  try {
    // Where it is not defined at all, the ReferenceError lands in the catch below too.
    return localStorage || undefined
  } catch {
    return undefined
  }
}

function keysStartingWith(storage: Storage, prefix: string): string[] {
  const keys: string[] = []
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i)
    if (key?.startsWith(prefix)) keys.push(key)
  }
  return keys.sort()
}

function removeItems(keys: string[]): void {
  const storage = local()
  try {
    for (const key of keys) storage?.removeItem(key)
  } catch {
    // Nothing to do: a journal left behind is stored again on the next load, with the same ids.
  }
}

function encode(events: StoredEvent[], state: StateChange[]): string {
  // A deletion as `[name]`: JSON.stringify would turn undefined into null, a value.
  const changes = state.length ? JSON.stringify(state.map(([name, value]) => (value === undefined ? [name] : [name, value]))) : ''
  return changes + '\n' + encodeEvents(events)
}

interface Held {
  _events_: StoredEvent[]
  _state_: StateChange[]
  /** The item it was journaled to; undefined while not journaled. */
  _item_?: string
  /** Characters journaled. */
  _size_?: number
}

/**
 * The journal of one page's journey sending to `scope`; `pageId` is unique to the page.
 * `durable()` says whether the queue's storage is IndexedDB: a page whose storage is memory
 * holds nothing (its events could never be written), and a write that ended in memory because
 * IndexedDB failed meanwhile stays held.
 */
export function createJournal(scope: QueueScope, pageId: string, durable: () => boolean): Journal {
  const held = new Set<Held>()
  let items = 0
  let spent = 0
  return {
    _hold_(events, state) {
      if ((!events.length && !state.length) || !durable()) return () => {}
      const entry: Held = { _events_: events, _state_: state }
      held.add(entry)
      return () => {
        if (!durable()) return
        held.delete(entry)
        if (entry._item_) removeItems([entry._item_])
        spent -= entry._size_ ?? 0
      }
    },
    _save_() {
      const storage = local()
      let unsaved = 0
      for (const entry of held) {
        if (entry._item_) continue
        const text = encode(entry._events_, entry._state_)
        const key = scope._journal_ + pageId + '.' + items++
        if (storage && spent + text.length <= JOURNAL_BUDGET) {
          try {
            storage.setItem(key, text)
            spent += entry._size_ = text.length
            entry._item_ = key
            continue
          } catch {
            // Blocked or full (QuotaExceededError): counted below, like a missing storage or a
            // spent budget.
          }
        }
        // The write may still commit, and the exit send may still deliver: the caller reports
        // what was not journaled.
        unsaved += entry._events_.length
      }
      return unsaved
    },
    _saveDelivered_(keys) {
      const key = scope._journal_ + pageId + '.d'
      const text = '!' + keys.join(' ')
      try {
        // Small (about 40 characters a key), and worth a duplicate avoided: outside the budget.
        local()?.setItem(key, text)
      } catch {
        // Full or blocked: the next page sends them again, with the same ids.
      }
    },
  }
}

/**
 * Reads what earlier pages journaled for `scope` (synchronously); undefined when there is none.
 * Lines that do not parse are skipped: the queue's own check drops records that are not events.
 */
export function recoverJournal(scope: QueueScope): Recovered | undefined {
  const storage = local()
  if (!storage) return undefined
  try {
    const keys = keysStartingWith(storage, scope._journal_)
    if (!keys.length) return undefined
    const events: StoredEvent[] = []
    const delivered = new Set<string>()
    const state = new Map<string, unknown>()
    for (const key of keys) {
      const text = storage.getItem(key) ?? ''
      if (text[0] === '!') {
        for (const orderKey of text.slice(1).split(' ')) if (orderKey) delivered.add(orderKey)
        continue
      }
      const changes = text.split('\n', 1)[0]!
      try {
        for (const change of changes ? (JSON.parse(changes) as Array<[string, unknown?]>) : []) {
          if (typeof change[0] === 'string') state.set(change[0], change.length > 1 ? change[1] : undefined)
        }
      } catch {
        // A tampered first line: the events still count.
      }
      // (Without a line break, no events: the slice is empty.)
      for (const event of decodeEvents(text.slice(changes.length + 1))) events.push(event)
    }
    return { _events_: events.filter(([orderKey]) => !delivered.has(orderKey)), _delivered_: [...delivered], _state_: [...state], _remove_: () => removeItems(keys) }
  } catch {
    return undefined
  }
}

/** Removes the journals of every endpoint (consent denied). Never throws. */
export function forgetJournals(): void {
  const storage = local()
  try {
    if (storage) removeItems(keysStartingWith(storage, JOURNAL_PREFIX))
  } catch {
    // Blocked storage holds no journal.
  }
}
