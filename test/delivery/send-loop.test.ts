/**
 * One send run (src/delivery/send-loop.ts): stored events oldest first, topped up from memory,
 * full batches at once, partial ones when due, corrupt records deleted, a slow answer not
 * blocking the next batch. Fake transport, memory store, fake clock.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { runSend } from '../../src/delivery/send-loop'
import { createSender } from '../../src/delivery/sender'
import type { SendResult } from '../../src/delivery/transport'
import { deliveryParts, eventNow, fakeTransport, keysOf } from '../helpers/delivery'
import { useFakeClock } from '../helpers/time'

beforeEach(() => useFakeClock())
afterEach(() => vi.useRealTimers())

function setup(answer?: (body: string) => SendResult | Promise<SendResult>, batchSize = 3) {
  const fake = fakeTransport(answer)
  const setup = deliveryParts({ _transport_: fake.transport, _batchSize_: batchSize, _flushInterval_: 5000 })
  const sender = createSender(setup.config, setup.parts)
  const add = (n: number) =>
    Array.from({ length: n }, () => {
      const event = eventNow()
      setup.parts._outbox_._add_(event.id, event)
      return event.id
    })
  const run = (everything = false, renew = async () => true) => runSend(setup.config, setup.parts, sender, renew, everything)
  return { ...setup, ...fake, sender, add, run }
}

test('full batches go at once, oldest first; a partial batch waits until its oldest event is due', async () => {
  const { add, run, bodies, parts, flushes, storage } = setup()
  const stored = add(4)
  await parts._outbox_._write_(Infinity)
  await run()
  expect(bodies.map(keysOf)).toEqual([stored.slice(0, 3)])
  expect(flushes).toEqual([5000])
  expect((await storage._read_(10))._events_.map(([key]) => key)).toEqual([stored[3]])
  await vi.advanceTimersByTimeAsync(5000)
  await run()
  expect(bodies.map(keysOf)).toEqual([stored.slice(0, 3), [stored[3]]])
  expect((await storage._read_(10))._events_).toEqual([])
})

test('everything (flush()) sends a partial batch at once, topped up with unwritten events from memory', async () => {
  const { add, run, bodies, parts, storage } = setup(undefined, 5)
  const stored = add(2)
  await parts._outbox_._write_(Infinity)
  const fresh = add(2)
  await run(true)
  expect(bodies.map(keysOf)).toEqual([[...stored, ...fresh]])
  // Delivered from memory: never written.
  expect((await storage._read_(10))._events_).toEqual([])
  expect(parts._outbox_._unacknowledged_.size).toBe(0)
})

test('a record that is not an event is deleted and reported, never blocking the queue', async () => {
  const { add, run, bodies, storage, errors, parts } = setup()
  await storage._write_([['0000-corrupt', 'not json']], [], 100)
  const stored = add(1)
  await parts._outbox_._write_(Infinity)
  await run(true)
  expect(bodies.map(keysOf)).toEqual([stored])
  expect(errors.map((error) => error.code)).toEqual(['storage_corrupt'])
  expect((await storage._read_(10))._events_).toEqual([])
})

test('a retryable failure ends the run; the events stay stored', async () => {
  const { add, run, bodies, parts, storage } = setup(() => ({ ok: false, retry: true, status: 503 }))
  add(6)
  await parts._outbox_._write_(Infinity)
  await run(true)
  expect(bodies).toHaveLength(1)
  expect((await storage._read_(10))._events_).toHaveLength(6)
})

test('a lost lock or a stop ends the run before the next batch', async () => {
  const { add, run, bodies, parts } = setup()
  add(6)
  await parts._outbox_._write_(Infinity)
  let renewals = 0
  await run(true, async () => ++renewals < 2)
  expect(bodies).toHaveLength(1)
  parts._stopped_ = true
  await run(true)
  expect(bodies).toHaveLength(1)
})

test('an answer slower than 20 s does not hold the next batch back; the run lasts until both are answered', async () => {
  let answerFirst!: (result: SendResult) => void
  const { add, run, bodies, parts, storage } = setup(() =>
    bodies.length === 1 ? new Promise((resolve) => (answerFirst = resolve)) : { ok: true, retry: false, status: 200 },
  )
  add(6)
  await parts._outbox_._write_(Infinity)
  let ended = false
  void run(true).then(() => (ended = true))
  await vi.advanceTimersByTimeAsync(19_999)
  expect(bodies).toHaveLength(1)
  await vi.advanceTimersByTimeAsync(1)
  expect(bodies).toHaveLength(2)
  expect(ended).toBe(false)
  answerFirst({ ok: true, retry: false, status: 200 })
  await vi.advanceTimersByTimeAsync(0)
  expect(ended).toBe(true)
  expect((await storage._read_(10))._events_).toEqual([])
})

test('the lock is renewed every 4 s while a run lasts', async () => {
  const { add, run, parts } = setup(() => new Promise((resolve) => setTimeout(() => resolve({ ok: true, retry: false, status: 200 }), 9000)))
  add(3)
  await parts._outbox_._write_(Infinity)
  const renew = vi.fn(async () => true)
  const running = run(true, renew)
  const before = renew.mock.calls.length
  await vi.advanceTimersByTimeAsync(8000)
  expect(renew.mock.calls.length - before).toBe(2)
  await vi.advanceTimersByTimeAsync(1000)
  await running
})
