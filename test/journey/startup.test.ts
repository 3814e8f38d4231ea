/**
 * Start-up under consent: what opens, starts, stops and is forgotten for each answer of the
 * visitor. The edges are faked (a fresh in-memory IndexedDB, a fetch that records), and so are the
 * journey's other parts (slots, intake); storage and delivery are the real ones.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createReporter } from '../../src/errors'
import { createStartup, type StartupParts } from '../../src/journey/startup'
import { resolveOptions } from '../../src/options'
import type { ConsentState } from '../../src/types'
import { fakeFetch, type FakeFetch } from '../helpers/fetch'
import { freshIndexedDB, restoreStorage } from '../helpers/storage'
import { fakeSlots } from './fakes'

const ENDPOINT = 'https://collect.example/startup'
let fetch: FakeFetch

beforeEach(() => {
  freshIndexedDB()
  fetch = fakeFetch()
  fetch.install()
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  restoreStorage()
})

function make(consent: ConsentState, hydrated = true) {
  const slots = fakeSlots(hydrated)
  const parts = {
    _busy_: vi.fn(() => false),
    _departing_: vi.fn(() => false),
    _process_: vi.fn(),
    _clear_: vi.fn(),
  } satisfies StartupParts
  const startup = createStartup(resolveOptions({ endpoint: ENDPOINT, flushInterval: 0 }), createReporter(), slots, consent, parts)
  return { startup, parts: { process: parts._process_, clear: parts._clear_ }, slots }
}

describe('begin', () => {
  it('granted: opens storage, reads the state and starts delivery; decides what waits once the state is read', () => {
    const { startup, parts, slots } = make('granted')
    expect(startup._storage_).toBeUndefined() // nothing before begin(): the touchpoints are installed first
    startup._begin_()
    expect(startup._storage_).toBeDefined()
    expect(startup._delivery_).toBeDefined()
    expect(slots._hydrate_).toHaveBeenCalledTimes(1)
    expect(parts.process).toHaveBeenCalledTimes(1)
    expect(startup._granted_()).toBe(true)
    startup._stop_()
  })

  it('granted before the state is read: nothing is decided yet (the read will)', () => {
    const { startup, parts } = make('granted', false)
    startup._begin_()
    expect(parts.process).not.toHaveBeenCalled()
    startup._stop_()
  })

  it('pending: opens nothing, and ready waits for the answer', async () => {
    const { startup, parts, slots } = make('pending')
    startup._begin_()
    expect(startup._storage_).toBeUndefined()
    expect(startup._delivery_).toBeUndefined()
    expect(slots._hydrate_).not.toHaveBeenCalled()
    expect(parts.clear).not.toHaveBeenCalled()
    const settled = vi.fn()
    void startup._ready_.then(settled)
    await Promise.resolve()
    expect(settled).not.toHaveBeenCalled()
  })

  it('denied: forgets what waits and resolves ready, opening nothing', async () => {
    const { startup, parts } = make('denied')
    startup._begin_()
    expect(parts.clear).toHaveBeenCalledTimes(1)
    expect(startup._storage_).toBeUndefined()
    await expect(startup._ready_).resolves.toBeUndefined()
  })
})

describe('answer', () => {
  it('pending → granted starts; granted → pending stops delivery and keeps storage', () => {
    const { startup } = make('pending')
    startup._begin_()
    expect(startup._answer_('granted')).toBe(false)
    const delivery = startup._delivery_!
    const stop = vi.spyOn(delivery, '_stop_')
    expect(startup._answer_('pending')).toBe(false)
    expect(stop).toHaveBeenCalledWith(false)
    expect(startup._delivery_).toBeUndefined()
    expect(startup._storage_).toBeDefined()
    expect(startup._consent_).toBe('pending')
    // Granted again: the storage open is kept, a new delivery starts.
    expect(startup._answer_("granted")).toBe(false)
    expect(startup._delivery_).toBeDefined()
    expect(startup._delivery_).not.toBe(delivery)
    startup._stop_()
  })

  it('denied: stops delivery discarding what is pending, forgets everything, and says so once', () => {
    const { startup, parts } = make('granted')
    startup._begin_()
    const stop = vi.spyOn(startup._delivery_!, '_stop_')
    expect(startup._answer_('denied')).toBe(true)
    expect(stop).toHaveBeenCalledWith(true)
    expect(parts.clear).toHaveBeenCalledTimes(1)
    expect(startup._storage_).toBeUndefined()
    expect(startup._delivery_).toBeUndefined()
    // Denied twice: nothing left to forget, nobody to tell.
    expect(startup._answer_('denied')).toBe(false)
    expect(parts.clear).toHaveBeenCalledTimes(1)
  })
})

describe('stop', () => {
  it('stops delivery, writing what is pending (no discard)', () => {
    const { startup } = make('granted')
    startup._begin_()
    const stop = vi.spyOn(startup._delivery_!, '_stop_')
    startup._stop_()
    expect(stop).toHaveBeenCalledWith()
    expect(startup._delivery_).toBeUndefined()
  })
})

describe('read', () => {
  it('resolves ready', async () => {
    const { startup } = make('pending')
    startup._read_()
    await expect(startup._ready_).resolves.toBeUndefined()
  })
})
