/** One request's batch (src/delivery/batch.ts), shared by the send loop and the exit send. */
import { expect, test } from 'vitest'
import { BODY_OVERHEAD, createBatch } from '../../src/delivery/batch'

const json = (bytes: number) => `"${'x'.repeat(bytes - 2)}"`

test('takes events until the count is reached, in order', () => {
  const batch = createBatch(2, 60_000)
  expect(batch._add_('a', json(10))).toBe(true)
  expect(batch._full_).toBe(false)
  expect(batch._add_('b', json(10))).toBe(true)
  expect(batch._full_).toBe(true)
  expect(batch._add_('c', json(10))).toBe(false)
  expect(batch._rows_.map(([key]) => key)).toEqual(['a', 'b'])
})

test('counts the body around the events, a comma per event, and UTF-8 bytes', () => {
  // Exactly full: the overhead, then two events of 10 bytes and their commas.
  const exact = createBatch(100, BODY_OVERHEAD + 22)
  expect(exact._add_('a', json(10))).toBe(true)
  expect(exact._add_('b', json(10))).toBe(true)
  expect(exact._add_('c', '1')).toBe(false)
  expect(exact._full_).toBe(true)
  // "é" is two bytes on the wire.
  const utf8 = createBatch(100, BODY_OVERHEAD + 4)
  expect(utf8._add_('a', '"é"')).toBe(false)
})

test('an event that does not fit is refused even into an empty batch (the exit budget is a hard limit)', () => {
  const batch = createBatch(20, BODY_OVERHEAD + 5)
  expect(batch._add_('big', json(100))).toBe(false)
  expect(batch._rows_).toEqual([])
  expect(batch._full_).toBe(true)
})
