/** Events as they go on the wire (src/delivery/wire.ts): journeykit's JSON. */
import { expect, test } from 'vitest'
import { encodeEvent, isEventJson, requestBody } from '../../src/delivery/wire'
import { createReporter } from '../../src/errors'
import type { JourneyError, JourneyEvent } from '../../src/types'

const event = (props: Record<string, unknown> = {}) => ({ id: 'id-1', type: 'track', name: 'signup', props }) as unknown as JourneyEvent

function wire() {
  const errors: JourneyError[] = []
  const report = createReporter((error) => errors.push(error))
  return { encode: (journeyEvent: JourneyEvent) => encodeEvent(journeyEvent, report), codes: () => errors.map((error) => error.code) }
}

test('stores an event as its JSON; drops (and reports) one that cannot be serialized or is over 32 KiB', () => {
  const { encode, codes } = wire()
  expect(encode(event({ plan: 'pro' }))).toBe(JSON.stringify(event({ plan: 'pro' })))
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  expect(encode(event(cyclic))).toBeUndefined()
  expect(encode(event({ text: 'x'.repeat(33_000) }))).toBeUndefined()
  expect(codes()).toEqual(['invalid_props', 'event_too_large'])
})

test("journeykit's body: sentAt, the events as stored, and dropped only when there were some", () => {
  const body = JSON.parse(requestBody([['k1', '{"a":1}'], ['k2', '{"b":2}']], 0))
  expect(body).toEqual({ sentAt: expect.any(String), events: [{ a: 1 }, { b: 2 }] })
  expect(new Date(body.sentAt).toISOString()).toBe(body.sentAt)
  expect(JSON.parse(requestBody([], 3))).toMatchObject({ events: [], dropped: 3 })
})

test('only the JSON of an event counts as a stored event', () => {
  expect(isEventJson(JSON.stringify({ id: 'x', type: 'track', name: 'n' }))).toBe(true)
  for (const bad of ['{"id":"x","type":"track"}', '{not json', '"text"', 42, null, '{"id":1,"type":"t","name":"n"}']) expect(isEventJson(bad)).toBe(false)
})
