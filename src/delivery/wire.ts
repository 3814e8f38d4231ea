/**
 * Events as they go on the wire: journeykit's own JSON, or a wire format's (formats/types.ts).
 * Events are stored as journeykit's JSON and encoded each time they are sent.
 */
import { MAX_EVENT_BYTES } from '../capture/sanitize'
import type { Reporter } from '../errors'
import type { WireFormat } from '../formats/types'
import type { StoredEvent } from '../queue/store'
import type { JourneyEvent } from '../types'
import { byteLength } from './transport'

export interface Wire {
  /**
   * The JSON to store for an event, checked once when it is queued so that a bad event can never
   * fail later at send time; undefined (reported) when it cannot be sent at all.
   */
  _encode_(event: JourneyEvent): string | undefined
  /** A stored event as it goes on the wire; undefined when the format cannot send it. */
  _event_(json: string): string | undefined
  /** The request body of events already in the wire's form (see `_event_`). */
  _body_(rows: StoredEvent[], dropped: number): string
}

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

/** journeykit's JSON, or `format`'s when one is given. */
export function createWire(format: WireFormat | undefined, report: Reporter): Wire {
  const event = (json: string): string | undefined => {
    if (!format) return json
    try {
      return format.event(json, report.warn)
    } catch (error) {
      // An event the format cannot read (a beforeSend answer it does not expect, a tampered
      // record): not sendable, reported, and never blocking the events behind it.
      report.warn('internal_error', __DEV__ && 'The wire format could not encode an event; it was left out', { cause: error })
      return undefined
    }
  }
  return {
    _encode_(journeyEvent) {
      let json: string
      try {
        json = JSON.stringify(journeyEvent)
      } catch (error) {
        // Props were cleaned at track(); only a beforeSend hook can put something unserializable here.
        report.warn('invalid_props', __DEV__ && `Event "${journeyEvent.name}" could not be serialized and was dropped`, { cause: error })
        return undefined
      }
      if (byteLength(json) > MAX_EVENT_BYTES || !event(json)) {
        report.warn('event_too_large', __DEV__ && `Event "${journeyEvent.name}" is larger than 32 KiB and was dropped`)
        return undefined
      }
      return json
    },
    _event_: event,
    _body_(rows, dropped) {
      const events = rows.map((row) => row[1])
      const sentAt = new Date().toISOString()
      return format
        ? format.batch(events, sentAt, dropped)
        : '{"sentAt":"' + sentAt + '","events":[' + events.join(',') + ']' + (dropped ? ',"dropped":' + dropped : '') + '}'
    },
  }
}
