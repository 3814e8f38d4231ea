/**
 * The parts of delivery wired as createDelivery wires them, over faked edges: the memory store,
 * a transport whose answers the test gives, and a lock that is always free.
 */
import { createBackoff } from '../../src/delivery/backoff'
import { createDeadline } from '../../src/delivery/deadline'
import { createSettlement } from '../../src/delivery/settlement'
import type { SendResult, Transport } from '../../src/delivery/transport'
import type { DeliveryConfig, DeliveryParts } from '../../src/delivery/types'
import { encodeEvent } from '../../src/delivery/wire'
import { createReporter } from '../../src/errors'
import { memoryStorage } from '../../src/queue/memory'
import { createOutbox } from '../../src/queue/outbox'
import type { JourneyError, JourneyEvent } from '../../src/types'

/** A transport that records each body and answers with `answer` (200 by default). */
export function fakeTransport(answer: (body: string) => SendResult | Promise<SendResult> = () => ({ ok: true, retry: false, status: 200 })) {
  const bodies: string[] = []
  const exits: string[] = []
  let budget = 60_000
  const transport: Transport = {
    send: async (body) => (bodies.push(body), answer(body)),
    sendOnExit(body) {
      if (body.length > budget) return undefined
      exits.push(body)
      budget -= body.length
      return Promise.resolve(answer(body))
    },
    budgetLeft: () => budget,
  }
  return { transport, bodies, exits, setBudget: (bytes: number) => (budget = bytes) }
}

/** The keys of the events in a journeykit body. */
export const keysOf = (body: string): string[] => (JSON.parse(body) as { events: JourneyEvent[] }).events.map((event) => event.id)

export function deliveryParts(options: Partial<DeliveryConfig> = {}) {
  const errors: JourneyError[] = []
  const storage = options._storage_ ?? memoryStorage()
  const config: DeliveryConfig = {
    _batchSize_: 20,
    _flushInterval_: 5000,
    _maxQueueSize_: 10_000,
    _storage_: storage,
    _transport_: fakeTransport().transport,
    _lock_: { _run_: async (task) => (await task(async () => true), true), _close_() {} },
    _report_: createReporter((error) => errors.push(error)),
    _channel_: 'journeykit test',
    _takeStateChanges_: () => [],
    ...options,
  }
  const delivered: string[][] = []
  const outbox = createOutbox(config, (event) => encodeEvent(event, config._report_), () => {})
  const flushes: number[] = []
  const parts: DeliveryParts = {
    _outbox_: outbox,
    _settlement_: createSettlement(storage, outbox, (keys) => delivered.push(keys)),
    _backoff_: createBackoff(() => 0.5),
    _flushTimer_: { ...createDeadline(() => {}), _at_: (delay) => void flushes.push(delay) },
    _stopped_: false,
  }
  return { config, parts, storage, errors, delivered, flushes }
}

let made = 0
/** An event whose id (and order key) is stamped with the (fake) clock's time, as the library's ids are. */
export function eventNow(name = 'e'): JourneyEvent {
  const hex = Date.now().toString(16).padStart(12, '0')
  const count = (++made).toString(16).padStart(15, '0')
  const id = `${hex.slice(0, 8)}-${hex.slice(8)}-7${count.slice(0, 3)}-8${count.slice(3, 6)}-${count.slice(6)}000`
  return { id, type: 'track', name, props: {} } as unknown as JourneyEvent
}
