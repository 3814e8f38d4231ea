/**
 * Opening a journey's queue (src/queue/open.ts): IndexedDB when it can be, memory (reported,
 * never thrown) when it cannot, and what earlier pages journaled on their way out put into the
 * queue first, with the same keys, removed from localStorage only once it is in IndexedDB.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createReporter } from '../../src/errors'
import { createJournal } from '../../src/queue/journal'
import { openQueue } from '../../src/queue/open'
import { queueScope } from '../../src/queue/scope'
import type { StoredEvent } from '../../src/queue/store'
import type { JourneyError } from '../../src/types'
import { failEventWrites, freshIndexedDB, openThrows, readDatabase, removeIndexedDB, restoreStorage } from '../helpers/storage'
import { idle, until } from '../helpers/time'

const scope = queueScope('https://collect.example/e')
const other = queueScope('https://other.example/collect')
const rows = (...names: string[]): StoredEvent[] => names.map((name) => [name, JSON.stringify({ name })])

let errors: JourneyError[]
const open = () => openQueue(scope, 100, createReporter((error) => errors.push(error)))

/** Journal items of `of` in localStorage. */
const journaled = (of = scope) => Object.keys(localStorage).filter((key) => key.startsWith(of._journal_))

/** An earlier page of this journey journaled `events` and `state` on its way out. */
function earlierPageJournaled(events: StoredEvent[], state: Array<[string, unknown]> = [], of = scope) {
  const journal = createJournal(of, 'earlier-page', () => true)
  journal._hold_(events, state)
  expect(journal._save_()).toBe(0)
  return journal
}

beforeEach(() => {
  errors = []
  freshIndexedDB()
  localStorage.clear()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

afterEach(() => {
  vi.restoreAllMocks()
  restoreStorage()
  localStorage.clear()
})

describe('opening', () => {
  test('on IndexedDB: persistent, without a word', async () => {
    const { _storage_: storage } = open()
    await storage._write_(rows('a'), [], 100)
    expect(storage._persistent_).toBe(true)
    expect((await readDatabase())?.queue.map(([key]) => key)).toEqual(['a'])
    expect(errors).toEqual([])
  })

  test('without IndexedDB: memory, reported as storage_unavailable, and the journal holds nothing', async () => {
    removeIndexedDB()
    const { _storage_: storage, _journal_: journal } = open()
    expect(storage._persistent_).toBe(false)
    await storage._write_(rows('a'), [], 100)
    expect((await storage._read_(10))._events_).toEqual(rows('a'))
    expect(errors.map((error) => error.code)).toEqual(['storage_unavailable'])
    // A page on memory journals nothing: its events could never be written by a later page.
    journal._hold_(rows('b'), [])
    expect(journal._save_()).toBe(0)
    expect(journaled()).toEqual([])
  })

  test('IndexedDB.open() throwing: nothing thrown, memory, reported once', async () => {
    openThrows()
    let opened: ReturnType<typeof open> | undefined
    expect(() => (opened = open())).not.toThrow()
    await opened!._storage_._write_(rows('a'), [], 100)
    await opened!._storage_._write_(rows('b'), [], 100)
    expect((await opened!._storage_._read_(10))._events_).toEqual(rows('a', 'b'))
    expect(errors.map((error) => error.code)).toEqual(['storage_unavailable'])
  })

  test("the journal it returns is this journey's, and journals while the storage is IndexedDB", () => {
    const { _journal_: journal } = open()
    journal._hold_(rows('a'), [['anonymousId', 'x']])
    expect(journal._save_()).toBe(0)
    expect(journaled()).toHaveLength(1)
    expect(journaled(other)).toEqual([])
  })
})

describe('what earlier pages journaled', () => {
  test('goes into IndexedDB with the same keys and state, and is then removed from localStorage', async () => {
    earlierPageJournaled(rows('k1', 'k2'), [['anonymousId', 'first-visit']])
    expect(journaled()).toHaveLength(1)
    const { _storage_: storage } = open()
    await until(() => journaled().length === 0, 'the journal removed')
    const stored = await readDatabase()
    expect(stored?.queue.map(([key]) => key)).toEqual(['k1', 'k2'])
    expect(stored?.state).toEqual({ anonymousId: 'first-visit' })
    expect(await storage._readState_()).toEqual([['anonymousId', 'first-visit']])
    expect(errors).toEqual([])
  })

  test('is in the queue for the first read, without waiting for the restore', async () => {
    earlierPageJournaled(rows('k1'))
    const { _storage_: storage } = open()
    await storage._write_(rows('k2'), [], 100)
    expect((await storage._read_(10))._events_).toEqual(rows('k1', 'k2'))
  })

  test('keys the earlier page noted as delivered are deleted, not sent again', async () => {
    const earlier = earlierPageJournaled(rows('k3'))
    const first = open()
    await first._storage_._write_(rows('k1', 'k2'), [], 100)
    await until(() => journaled().length === 0, 'the journal removed')
    earlier._saveDelivered_(['k1'])
    const { _storage_: storage } = open()
    await idle()
    expect((await storage._read_(10))._events_).toEqual(rows('k2', 'k3'))
  })

  test('restored to memory only (no IndexedDB), it stays journaled for a later page', async () => {
    earlierPageJournaled(rows('k1'))
    removeIndexedDB()
    const { _storage_: storage } = open()
    await idle()
    expect((await storage._read_(10))._events_).toEqual(rows('k1'))
    expect(journaled()).toHaveLength(1)
  })

  test('refused for quota, it is kept in memory for this page and stays journaled; the failure is reported', async () => {
    earlierPageJournaled(rows('k1'))
    failEventWrites('quota')
    const { _storage_: storage } = open()
    await idle()
    expect((await storage._read_(10))._events_).toEqual(rows('k1'))
    expect(journaled()).toHaveLength(1)
    expect(errors.map((error) => error.code)).toContain('storage_failed')
  })

  test("another journey's journal is left for that journey", async () => {
    earlierPageJournaled(rows('theirs'), [], other)
    const { _storage_: storage } = open()
    await idle()
    expect((await storage._read_(10))._events_).toEqual([])
    expect(journaled(other)).toHaveLength(1)
  })
})
