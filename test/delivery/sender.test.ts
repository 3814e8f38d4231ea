/** One batch sent and its answer acted on (src/delivery/sender.ts), over a fake transport. */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { createSender } from '../../src/delivery/sender'
import type { SendResult } from '../../src/delivery/transport'
import type { StoredEvent } from '../../src/queue/store'
import { deliveryParts, eventNow, fakeTransport } from '../helpers/delivery'
import { useFakeClock } from '../helpers/time'

beforeEach(() => useFakeClock())
afterEach(() => vi.useRealTimers())

async function setup(answers: Array<Partial<SendResult>>, n = 4) {
  const fake = fakeTransport(() => ({ ok: false, retry: false, status: 200, ...answers.shift() }))
  const setup = deliveryParts({ _transport_: fake.transport, _batchSize_: 4 })
  const events = Array.from({ length: n }, () => eventNow())
  for (const event of events) setup.parts._outbox_._add_(event.id, event)
  await setup.parts._outbox_._write_(Infinity)
  const rows: StoredEvent[] = (await setup.storage._read_(100))._events_
  return { ...setup, ...fake, rows, sender: createSender(setup.config, setup.parts) }
}

test('delivered: grouped for deletion, backoff reset; the dropped count is reported once', async () => {
  const { sender, rows, parts, bodies } = await setup([{ ok: true }])
  expect(sender._unreported_(3)).toBe(3)
  const sending = sender._send_(rows, 3)
  expect(sender._unreported_(3)).toBe(0)
  expect(parts._settlement_._taken_(rows[0]![0])).toBe(true)
  await sending
  expect(JSON.parse(bodies[0]!)).toMatchObject({ dropped: 3 })
  expect(parts._settlement_._settled_.size).toBe(4)
  expect(sender._unreported_(3)).toBe(0)
})

test('413 halves the batch size; nothing is deleted', async () => {
  const { sender, rows, parts } = await setup([{ tooLarge: true, status: 413 }, { tooLarge: true, status: 413 }])
  await sender._send_(rows, 0)
  expect(sender._limit_).toBe(2)
  await sender._send_(rows.slice(0, 2), 0)
  expect(sender._limit_).toBe(1)
  expect(parts._settlement_._settled_.size).toBe(0)
})

test('a retryable failure backs off and brings the flush to then; what was sent unwritten is written now', async () => {
  const { sender, parts, flushes, errors, storage } = await setup([{ retry: true, status: 503 }], 0)
  const event = eventNow()
  parts._outbox_._add_(event.id, event)
  const rows = parts._outbox_._take_(10)
  const result = await sender._send_(rows, 2)
  expect(result.retry).toBe(true)
  expect(flushes).toEqual([1000])
  expect(errors.map((error) => error.code)).toEqual(['delivery_failed'])
  expect(sender._unreported_(2)).toBe(2)
  await vi.advanceTimersByTimeAsync(1)
  expect((await storage._read_(10))._events_.map(([key]) => key)).toEqual([event.id])
})

test('refused for good: dropped (deleted) and reported', async () => {
  const { sender, rows, parts, errors } = await setup([{ status: 400 }])
  await sender._send_(rows, 0)
  expect(parts._settlement_._settled_.size).toBe(4)
  expect(errors.map((error) => error.code)).toEqual(['delivery_rejected'])
})

test('stopped meanwhile: the answer changes nothing', async () => {
  const { sender, rows, parts, errors } = await setup([{ status: 400 }])
  const sending = sender._send_(rows, 0)
  parts._stopped_ = true
  await sending
  expect(parts._settlement_._settled_.size).toBe(0)
  expect(errors).toEqual([])
})
