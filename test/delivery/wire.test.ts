/** Events as they go on the wire (src/delivery/wire.ts): journeykit's JSON. */
import { expect, test } from 'vitest'
import { createWire, isEventJson } from '../../src/delivery/wire'
import { createReporter } from '../../src/errors'
import type { JourneyError, JourneyEvent } from '../../src/types'

const event = (props: Record<string, unknown> = {}) => ({ id: 'id-1', type: 'track', name: 'signup', props }) as unknown as JourneyEvent

function wire() {
  const errors: JourneyError[] = []
  return { wire: createWire(createReporter((error) => errors.push(error))), codes: () => errors.map((error) => error.code) }
}

test('stores an event as its JSON; drops (and reports) one that cannot be serialized or is over 32 KiB', () => {
  const { wire: plain, codes } = wire()
  expect(plain._encode_(event({ plan: 'pro' }))).toBe(JSON.stringify(event({ plan: 'pro' })))
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  expect(plain._encode_(event(cyclic))).toBeUndefined()
  expect(plain._encode_(event({ text: 'x'.repeat(33_000) }))).toBeUndefined()
  expect(codes()).toEqual(['invalid_props', 'event_too_large'])
})

test("journeykit's body: sentAt, the events as stored, and dropped only when there were some", () => {
  const { wire: plain } = wire()
  const body = JSON.parse(plain._body_([['k1', '{"a":1}'], ['k2', '{"b":2}']], 0))
  expect(body).toEqual({ sentAt: expect.any(String), events: [{ a: 1 }, { b: 2 }] })
  expect(new Date(body.sentAt).toISOString()).toBe(body.sentAt)
  expect(JSON.parse(plain._body_([], 3))).toMatchObject({ events: [], dropped: 3 })
})

test('only the JSON of an event counts as a stored event', () => {
  expect(isEventJson(JSON.stringify({ id: 'x', type: 'track', name: 'n' }))).toBe(true)
  for (const bad of ['{"id":"x","type":"track"}', '{not json', '"text"', 42, null, '{"id":1,"type":"t","name":"n"}']) expect(isEventJson(bad)).toBe(false)
})
