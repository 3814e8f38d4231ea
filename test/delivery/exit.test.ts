/** The exit send (src/delivery/exit.ts): this page's unacknowledged events, within the keep-alive budget. */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { BODY_OVERHEAD } from '../../src/delivery/batch'
import { sendOnExit } from '../../src/delivery/exit'
import { deliveryParts, eventNow, fakeTransport, keysOf } from '../helpers/delivery'
import { useFakeClock } from '../helpers/time'

beforeEach(() => useFakeClock())
afterEach(() => vi.useRealTimers())

async function setup(n: number) {
  const fake = fakeTransport()
  const setup = deliveryParts({ _transport_: fake.transport })
  const events = Array.from({ length: n }, () => eventNow())
  for (const event of events) setup.parts._outbox_._add_(event.id, event)
  await setup.parts._outbox_._write_(Infinity)
  return { ...setup, ...fake, keys: events.map((event) => event.id) }
}

test('sends the unacknowledged events in batches of `limit`; a 2xx seen deletes them', async () => {
  const { config, parts, exits, keys, storage } = await setup(5)
  sendOnExit(config, parts, 2)
  expect(exits.map(keysOf)).toEqual([keys.slice(0, 2), keys.slice(2, 4), keys.slice(4)])
  await vi.advanceTimersByTimeAsync(0)
  expect((await storage._read_(10))._events_).toEqual([])
})

test('skips what is in flight or awaiting deletion; stops where the budget is spent (the rest stays stored)', async () => {
  const { config, parts, exits, keys, setBudget, storage } = await setup(4)
  void parts._settlement_._markInFlight_([keys[0]!], new Promise(() => {}))
  parts._settlement_._settleLater_([keys[1]!], 0)
  // Room for one event: the body around the events, the event and its comma, and a little.
  setBudget(BODY_OVERHEAD + parts._outbox_._unacknowledged_.get(keys[2]!)!.length + 10)
  sendOnExit(config, parts, 20)
  expect(exits.map(keysOf)).toEqual([[keys[2]]])
  await vi.advanceTimersByTimeAsync(0)
  expect((await storage._read_(10))._events_.map(([key]) => key)).toEqual([keys[0], keys[1], keys[3]])
})

test('a late answer after delivery stopped deletes nothing', async () => {
  const { config, parts, storage } = await setup(1)
  sendOnExit(config, parts, 20)
  parts._stopped_ = true
  await vi.advanceTimersByTimeAsync(0)
  expect((await storage._read_(10))._events_).toHaveLength(1)
})
