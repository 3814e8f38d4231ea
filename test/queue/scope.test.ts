/**
 * The names a journey's queue lives under (src/queue/scope.ts): every name derived from the
 * endpoint, record keys that say which events a record holds, and key ranges that take this
 * journey's records only, never another endpoint's, the state, or the queue stored before scopes.
 */
import { describe, expect, test } from 'vitest'
import { JOURNAL_PREFIX, queueScope, STATE_CHANNEL } from '../../src/queue/scope'

const ENDPOINT = 'https://collect.example/e'
const scope = queueScope(ENDPOINT)
const other = queueScope('https://collect.example/e2')

describe('names', () => {
  test('the lock, channel and journal prefix name the endpoint', () => {
    expect(scope._endpoint_).toBe(ENDPOINT)
    expect(scope._lock_).toBe('journeykit-sender ' + ENDPOINT)
    expect(scope._channel_).toBe('journeykit ' + ENDPOINT)
    expect(scope._journal_).toBe(JOURNAL_PREFIX + ENDPOINT + ' ')
    expect(scope._droppedKey_).toEqual(['d', ENDPOINT])
    expect(scope._leaseKey_).toEqual(['l', ENDPOINT])
  })

  test('two endpoints share no name; one endpoint always gets the same ones', () => {
    for (const name of ['_lock_', '_channel_', '_journal_'] as const) expect(other[name]).not.toBe(scope[name])
    expect(queueScope(ENDPOINT)._lock_).toBe(scope._lock_)
    // A journal prefix is not the start of another endpoint's, though the endpoints are.
    expect(other._journal_.startsWith(scope._journal_)).toBe(false)
  })

  test("the state channel and the journal prefix are the site's, whatever the endpoint", () => {
    // Tabs still running an older version listen on this name: changing it splits the visitor.
    expect(STATE_CHANNEL).toBe('journeykit state')
    expect(scope._journal_.startsWith(JOURNAL_PREFIX) && other._journal_.startsWith(JOURNAL_PREFIX)).toBe(true)
  })
})

describe('record keys', () => {
  test('name the endpoint, the first and last order key and the count', () => {
    expect(scope._recordKey_([['k1', '{}'], ['k2', '{}'], ['k5', '{}']])).toEqual(['q', ENDPOINT, 'k1', 'k5', 3])
    expect(scope._recordKey_([['k7', '{}']])).toEqual(['q', ENDPOINT, 'k7', 'k7', 1])
  })

  test('sort by endpoint, then in tracking order', () => {
    const keys = [scope._recordKey_([['k5', ''], ['k6', '']]), other._recordKey_([['k0', '']]), scope._recordKey_([['k1', ''], ['k4', '']])]
    keys.sort((a, b) => indexedDB.cmp(a, b))
    expect(keys).toEqual([
      ['q', ENDPOINT, 'k1', 'k4', 2],
      ['q', ENDPOINT, 'k5', 'k6', 2],
      ['q', other._endpoint_, 'k0', 'k0', 1],
    ])
  })
})

describe('_queueRange_', () => {
  test("holds this endpoint's records and the previous version's one-event keys, nothing else", () => {
    const range = scope._queueRange_()
    expect(range.includes(scope._recordKey_([['k1', ''], ['k9', '']]))).toBe(true)
    expect(range.includes(['q', ENDPOINT, 'k1'])).toBe(true) // the previous version's
    expect(range.includes(other._recordKey_([['k1', '']]))).toBe(false)
    expect(range.includes(scope._droppedKey_)).toBe(false)
    expect(range.includes(scope._leaseKey_)).toBe(false)
    expect(range.includes('q:k1')).toBe(false) // the queue before scopes
    expect(range.includes('s:anonymousId')).toBe(false)
  })

  test('upTo: only the records whose first event is not newer than that order key', () => {
    const range = scope._queueRange_('k5')
    expect(range.includes(scope._recordKey_([['k1', ''], ['k9', '']]))).toBe(true)
    expect(range.includes(scope._recordKey_([['k5', ''], ['k9', '']]))).toBe(true)
    expect(range.includes(['q', ENDPOINT, 'k5'])).toBe(true)
    expect(range.includes(scope._recordKey_([['k6', '']]))).toBe(false)
    expect(range.includes(other._recordKey_([['k1', '']]))).toBe(false)
  })
})
