/**
 * Many events in one stored text: the IndexedDB queue keeps events in records of up to
 * {@link RECORD_EVENTS} (one `put` for a burst's worth instead of one per event), and the exit
 * journal (queue/journal.ts) keeps a write's events the same way.
 *
 * The text is one line per event, `orderKey + ' ' + json`: JSON text never contains a line break,
 * and an order key never a space.
 */
import type { StoredEvent } from './store'

/**
 * Events per IndexedDB record at most. Bigger records are fewer puts, but a send reads (and a
 * partial delivery rewrites) a whole record: a few batches' worth is the balance.
 */
export const RECORD_EVENTS = 50

export function encodeEvents(events: StoredEvent[]): string {
  return events.map(([key, json]) => key + ' ' + json).join('\n')
}

/** The events of a text written by `encodeEvents`; lines that are not `key json` are skipped. */
export function decodeEvents(text: string): StoredEvent[] {
  const events: StoredEvent[] = []
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ')
    if (space > 0) events.push([line.slice(0, space), line.slice(space + 1)])
  }
  return events
}

/** Sorts by order key (the order events were tracked in), in place. */
export function byOrderKey(events: StoredEvent[]): StoredEvent[] {
  return events.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}
