/**
 * Many events in one stored text (src/queue/records.ts): one `orderKey json` line per event,
 * read back as written, and lines that are not events skipped.
 */
import { describe, expect, test } from 'vitest'
import { byOrderKey, decodeEvents, encodeEvents, RECORD_EVENTS } from '../../src/queue/records'
import type { StoredEvent } from '../../src/queue/store'

const event = (key: string, body: unknown = { name: key }): StoredEvent => [key, JSON.stringify(body)]

describe('encodeEvents and decodeEvents', () => {
  test('one line per event, the order key, a space and the JSON', () => {
    expect(encodeEvents([event('k1'), event('k2')])).toBe('k1 {"name":"k1"}\nk2 {"name":"k2"}')
    expect(encodeEvents([])).toBe('')
  })

  test('read back exactly as written, in the order written, whatever the JSON holds', () => {
    const events = [
      event('0192-a.1', { text: 'spaces and\nline breaks', nested: { a: [1, 2] } }),
      event('0192-a.0', 'a string'),
      event('0192-b.1', null),
      event('0192-c.1', { unicode: 'Grüße 👋', quote: '"' }),
    ]
    expect(decodeEvents(encodeEvents(events))).toEqual(events)
  })

  test('a burst of a record’s worth survives the round trip', () => {
    const events = Array.from({ length: RECORD_EVENTS }, (_, i) => event(`k${String(i).padStart(4, '0')}`))
    expect(decodeEvents(encodeEvents(events))).toEqual(events)
  })

  test('lines that are not `key json` (empty, no space, starting with a space) are skipped', () => {
    expect(decodeEvents('k1 {"a":1}\n\nnospace\n leading-space\nk2 {"b":2}')).toEqual([
      ['k1', '{"a":1}'],
      ['k2', '{"b":2}'],
    ])
    expect(decodeEvents('')).toEqual([])
  })
})

describe('byOrderKey', () => {
  test('sorts in place by order key, as tracked', () => {
    const events = [event('k3'), event('k1'), event('k10'), event('k2')]
    const sorted = byOrderKey(events)
    expect(sorted).toBe(events)
    // Order keys compare as strings: they are made to sort that way.
    expect(sorted.map(([key]) => key)).toEqual(['k1', 'k10', 'k2', 'k3'])
  })

  test("a phase change's key (.0) sorts right before the event that caused it (.1)", () => {
    expect(byOrderKey([event('0192-b.0'), event('0192-a.1'), event('0192-b.1'), event('0192-a.0')]).map(([key]) => key)).toEqual([
      '0192-a.0',
      '0192-a.1',
      '0192-b.0',
      '0192-b.1',
    ])
  })
})
