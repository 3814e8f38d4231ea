/**
 * The exit journal (src/queue/journal.ts) on a fake localStorage: what is held until its
 * IndexedDB write commits, journaled synchronously on the way out, recovered by the next load.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createJournal, forgetJournals, JOURNAL_BUDGET, recoverJournal } from '../../src/queue/journal'
import { JOURNAL_PREFIX, queueScope } from '../../src/queue/scope'
import type { StoredEvent } from '../../src/queue/store'

const scope = queueScope('https://collect.example/e')
const other = queueScope('https://other.example/collect')
const rows = (...names: string[]): StoredEvent[] => names.map((name) => [`${name}.1`, JSON.stringify({ id: name, name })])

/** A localStorage whose calls can be made to fail (happy-dom's cannot be spied on: it is a Proxy). */
class FakeStorage implements Storage {
  items = new Map<string, string>()
  fail: { setItem?: (key: string) => boolean; key?: boolean } = {}
  get length() {
    return this.items.size
  }
  key(index: number) {
    if (this.fail.key) throw new DOMException('denied', 'SecurityError')
    return [...this.items.keys()][index] ?? null
  }
  getItem(key: string) {
    return this.items.get(key) ?? null
  }
  setItem(key: string, value: string) {
    if (this.fail.setItem?.(key)) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    this.items.set(key, String(value))
  }
  removeItem(key: string) {
    this.items.delete(key)
  }
  clear() {
    this.items.clear()
  }
}

let storage: FakeStorage
const items = () => [...storage.items.keys()].filter((key) => key.startsWith(JOURNAL_PREFIX)).sort()

beforeEach(() => {
  storage = new FakeStorage()
  vi.stubGlobal('localStorage', storage)
})
afterEach(() => vi.unstubAllGlobals())

describe('createJournal', () => {
  test('holds a write until it commits; save() journals what is held, once', () => {
    const journal = createJournal(scope, 'page-1', () => true)
    const writtenA = journal._hold_(rows('a', 'b'), [['anonymousId', 'v']])
    journal._hold_(rows('c'), [])
    expect(items()).toEqual([])
    expect(journal._save_()).toBe(0)
    expect(items()).toEqual([scope._journal_ + 'page-1.0', scope._journal_ + 'page-1.1'])
    // Nothing new held: nothing written again.
    storage.fail.setItem = () => true
    expect(journal._save_()).toBe(0)
    // The first write committed: its item goes at once.
    writtenA()
    expect(items()).toEqual([scope._journal_ + 'page-1.1'])
  })

  test('a write that committed before the page hid is never journaled', () => {
    const journal = createJournal(scope, 'page-1', () => true)
    journal._hold_(rows('a'), [])()
    expect(journal._save_()).toBe(0)
    expect(items()).toEqual([])
  })

  test('holds nothing while the storage is memory, and keeps a write that ended in memory', () => {
    let durable = false
    const journal = createJournal(scope, 'page-1', () => durable)
    journal._hold_(rows('never-storable'), [])
    durable = true
    const written = journal._hold_(rows('switched'), [])
    durable = false // IndexedDB failed during that write: it ended in memory
    written()
    journal._save_()
    expect(recoverJournal(scope)?._events_).toEqual(rows('switched'))
  })

  test('a full localStorage: what did not fit is counted, the rest is journaled', () => {
    const journal = createJournal(scope, 'page-1', () => true)
    journal._hold_(rows('fits'), [])
    journal._hold_(rows('too', 'much'), [])
    let calls = 0
    storage.fail.setItem = () => ++calls > 1
    expect(journal._save_()).toBe(2)
    expect(recoverJournal(scope)?._events_).toEqual(rows('fits'))
  })

  test(`never takes more than ${JOURNAL_BUDGET} characters; space freed by committed writes is reused`, () => {
    const journal = createJournal(scope, 'page-1', () => true)
    const big = (name: string): StoredEvent[] => [[`${name}.1`, JSON.stringify({ id: name, pad: 'x'.repeat(JOURNAL_BUDGET / 2 + 10) })]]
    const first = journal._hold_(big('first'), [])
    journal._hold_(big('second'), [])
    expect(journal._save_()).toBe(1)
    first()
    expect(journal._save_()).toBe(0)
    expect(recoverJournal(scope)?._events_.map(([key]) => key)).toEqual(['second.1'])
  })

  test('localStorage throwing (blocked site data): nothing thrown, everything counted as not journaled', () => {
    storage.fail.setItem = () => true
    const journal = createJournal(scope, 'page-1', () => true)
    journal._hold_(rows('a', 'b'), [])
    expect(() => journal._save_()).not.toThrow()
    expect(journal._save_()).toBe(2)
  })
})

describe('recoverJournal', () => {
  test("reads every page's journal of this endpoint, in page order, and removes them when told", () => {
    const older = createJournal(scope, '0001', () => true)
    older._hold_(rows('a'), [['session', 'old'], ['anonymousId', 'v']])
    older._save_()
    const newer = createJournal(scope, '0002', () => true)
    newer._hold_(rows('b', 'c'), [['session', 'new']])
    newer._save_()
    const elsewhere = createJournal(other, '0003', () => true)
    elsewhere._hold_(rows('not-ours'), [])
    elsewhere._save_()

    const recovered = recoverJournal(scope)!
    expect(recovered._events_).toEqual(rows('a', 'b', 'c'))
    // The later page's value wins.
    expect(new Map(recovered._state_)).toEqual(new Map([['session', 'new'], ['anonymousId', 'v']]))
    recovered._remove_()
    expect(recoverJournal(scope)).toBeUndefined()
    expect(recoverJournal(other)?._events_).toEqual(rows('not-ours'))
  })

  test('keys noted as delivered are recovered for deletion and left out of the events to store', () => {
    const page = createJournal(scope, '0001', () => true)
    page._hold_(rows('sent', 'unsent'), [])
    page._save_()
    page._saveDelivered_(['sent.1', 'stored-earlier.1'])
    // A later note of the same page replaces the first.
    page._saveDelivered_(['sent.1', 'stored-earlier.1', 'another.1'])
    const recovered = recoverJournal(scope)!
    expect(recovered._events_).toEqual(rows('unsent'))
    expect(recovered._delivered_.sort()).toEqual(['another.1', 'sent.1', 'stored-earlier.1'])
    recovered._remove_()
    expect(items()).toEqual([])
  })

  test('a note of delivered keys that cannot be saved (full localStorage) throws nothing', () => {
    storage.fail.setItem = () => true
    expect(() => createJournal(scope, '0001', () => true)._saveDelivered_(['k.1'])).not.toThrow()
    expect(recoverJournal(scope)).toBeUndefined()
  })

  test('event JSON survives as it was (line breaks in strings are escaped in JSON)', () => {
    const journal = createJournal(scope, 'p', () => true)
    const json = JSON.stringify({ id: 'x', name: 'a b\nc', props: { text: 'line\r\nbreak \u2028 sep' } })
    journal._hold_([['x.1', json]], [])
    journal._save_()
    expect(recoverJournal(scope)?._events_).toEqual([['x.1', json]])
  })

  test('a tampered item does not throw: lines without a key are skipped, a broken state line ignored', () => {
    storage.setItem(scope._journal_ + 'p.0', '{not json\nno-space-here\nk.1 {"id":"k"}\n\n')
    const recovered = recoverJournal(scope)!
    expect(recovered._events_).toEqual([['k.1', '{"id":"k"}']])
    expect(recovered._state_).toEqual([])
  })

  test('no journal: undefined; localStorage throwing: undefined', () => {
    expect(recoverJournal(scope)).toBeUndefined()
    storage.setItem(scope._journal_ + 'p.0', '\nk.1 {}')
    storage.fail.key = true
    expect(recoverJournal(scope)).toBeUndefined()
  })
})

test("forgetJournals removes every endpoint's journal and nothing else", () => {
  storage.setItem('site-own', 'keep me')
  storage.setItem('journeykit:phases', 'not a journal')
  for (const s of [scope, other]) {
    const journal = createJournal(s, 'p', () => true)
    journal._hold_(rows('a'), [])
    journal._save_()
  }
  forgetJournals()
  expect([...storage.items.keys()].sort()).toEqual(['journeykit:phases', 'site-own'])
})
