/** What happens to events once sent (src/delivery/settlement.ts): in flight, then deleted in groups. */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { SendResult } from '../../src/delivery/transport'
import { deliveryParts, eventNow } from '../helpers/delivery'
import { useFakeClock } from '../helpers/time'

beforeEach(() => useFakeClock())
afterEach(() => vi.useRealTimers())

const ok: SendResult = { ok: true, retry: false, status: 200 }

async function stored(n: number) {
  const setup = deliveryParts()
  const events = Array.from({ length: n }, () => eventNow())
  for (const event of events) setup.parts._outbox_._add_(event.id, event)
  await setup.parts._outbox_._write_(Infinity)
  return { ...setup, keys: events.map((event) => event.id) }
}

test('keys are taken while in flight, and free again once answered', async () => {
  const { parts } = await stored(0)
  const settlement = parts._settlement_
  let answer!: (result: SendResult) => void
  const request = settlement._markInFlight_(['a', 'b'], new Promise((resolve) => (answer = resolve)))
  expect(settlement._taken_('a')).toBe(true)
  expect(settlement._inFlight_.size).toBe(2)
  answer(ok)
  expect(await request).toBe(ok)
  expect(settlement._taken_('a')).toBe(false)
})

test('delivered batches are deleted together after ten, with the dropped count they reported, and the other tabs are told', async () => {
  const { parts, storage, keys, delivered } = await stored(10)
  const settlement = parts._settlement_
  for (const key of keys.slice(0, 9)) expect(settlement._settleLater_([key], 1)).toBeUndefined()
  expect(settlement._taken_(keys[0]!)).toBe(true)
  expect(settlement._settledDropped_).toBe(9)
  expect((await storage._read_(100))._events_).toHaveLength(10)
  await settlement._settleLater_([keys[9]!], 1)
  expect((await storage._read_(100))._events_).toEqual([])
  expect(delivered).toEqual([keys])
  expect(settlement._settled_.size).toBe(0)
  expect(settlement._settledDropped_).toBe(0)
  expect(parts._outbox_._unacknowledged_.size).toBe(0)
})

test('settleNow deletes the group so far; a failed deletion frees the keys to be sent again', async () => {
  const { parts, storage, keys } = await stored(2)
  const settlement = parts._settlement_
  settlement._settleLater_([keys[0]!], 0)
  await settlement._settleNow_()
  expect((await storage._read_(100))._events_.map(([key]) => key)).toEqual([keys[1]])
  storage._remove_ = () => Promise.reject(new Error('disk'))
  settlement._settleLater_([keys[1]!], 0)
  await expect(settlement._settleNow_()).rejects.toThrow('disk')
  expect(settlement._taken_(keys[1]!)).toBe(false)
})

test('an event sent from memory and never written has nothing to delete: only acknowledged', async () => {
  const { parts, storage } = await stored(0)
  const event = eventNow()
  parts._outbox_._add_(event.id, event)
  parts._outbox_._take_(10)
  const remove = vi.spyOn(storage, '_remove_')
  parts._settlement_._settleLater_([event.id], 0)
  await parts._settlement_._settleNow_()
  expect(remove).not.toHaveBeenCalled()
  expect(parts._outbox_._unwritten_.size).toBe(0)
  expect(parts._outbox_._unacknowledged_.size).toBe(0)
})
