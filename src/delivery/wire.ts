/**
 * Events as they go on the wire: journeykit's own JSON, checked once when an event is queued and
 * stored as it is sent. (A wire format such as the Segment spec's re-encodes the request body in
 * its transport, formats/types.ts: the core carries no format code.)
 */
import { MAX_EVENT_BYTES } from '../capture/sanitize'
import type { Reporter } from '../errors'
import type { StoredEvent } from '../queue/store'
import type { JourneyEvent } from '../types'
import { byteLength } from './transport'

/** A stored record is sent only if it is the JSON of an event (not another version's or tampered). */
export function isEventJson(json: unknown): json is string {
  if (typeof json !== 'string' || json[0] !== '{') return false
  try {
    const event = JSON.parse(json) as Partial<JourneyEvent> | null
    return typeof event?.id === 'string' && typeof event.type === 'string' && typeof event.name === 'string'
  } catch {
    return false
  }
}

/**
 * The JSON to store for an event, checked once when it is queued so that a bad event can never
 * fail later at send time; undefined (reported) when it cannot be sent at all.
 */
export function encodeEvent(journeyEvent: JourneyEvent, report: Reporter): string | undefined {
  let json: string
  try {
    json = JSON.stringify(journeyEvent)
  } catch (error) {
    // Props were cleaned at track(); only a beforeSend hook can put something unserializable here.
    report._warn_('invalid_props', __DEV__ && `Event "${journeyEvent.name}" could not be serialized and was dropped`, { cause: error })
    return undefined
  }
  if (byteLength(json) > MAX_EVENT_BYTES) {
    report._warn_('event_too_large', __DEV__ && `Event "${journeyEvent.name}" is larger than 32 KiB and was dropped`)
    return undefined
  }
  return json
}

/** The request body of stored events: journeykit's JSON. */
export function requestBody(rows: StoredEvent[], dropped: number): string {
  return '{"sentAt":"' + new Date().toISOString() + '","events":[' + rows.map((row) => row[1]).join(',') + ']' + (dropped ? ',"dropped":' + dropped : '') + '}'
}
