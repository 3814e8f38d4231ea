// Checks a batch against the wire format in the design (`{ sentAt, events: [...], dropped? }`)
// and against the limits a public collector needs. A collector is the one place that sees what
// every client really sends, so it is strict: a batch with one malformed event is refused
// whole, with an answer that names the field, rather than half-stored. (journeykit drops a
// batch on a 4xx other than 408/413/429 and reports it through `onError`, so a strict collector
// surfaces client bugs instead of hiding them.)

const EVENT_TYPES = new Set(['page', 'track', 'identify'])

/**
 * Longest accepted value of each string field, in characters. journeykit's own limits are
 * lower (event names ≤ 100 characters, an event ≤ 32 KiB); these stop a hostile client from
 * filling the store with megabyte-long ids.
 */
export const FIELD_LIMITS = {
  id: 128,
  name: 200,
  anonymousId: 128,
  sessionId: 128,
  userId: 256,
  phase: 64,
  url: 4096,
  path: 2048,
  title: 1024,
  referrer: 4096,
}

/** Deepest nesting of arrays and objects accepted in a body (journeykit's props are shallow). */
export const MAX_JSON_DEPTH = 32

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)
const isDate = (value) => typeof value === 'string' && value !== '' && value.length <= 40 && !Number.isNaN(Date.parse(value))

/**
 * How deeply arrays and objects nest in a JSON text, stopping as soon as `limit` is passed (so
 * that a hostile body of a million `[` costs one scan, not a parser's stack). Brackets inside
 * strings do not count.
 */
export function jsonDepthExceeds(text, limit = MAX_JSON_DEPTH) {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--
  }
  return false
}

/**
 * Returns `null` when `body` (already parsed JSON) is a valid batch, or a one-line message that
 * names what is wrong, e.g. `events[2].timestamp must be an ISO 8601 date string`.
 */
export function validateBatch(body) {
  if (!isObject(body)) return 'body must be a JSON object like { "sentAt": "…", "events": [ … ] }'
  if (!isDate(body.sentAt)) return 'sentAt must be an ISO 8601 date string'
  if (!Array.isArray(body.events)) return 'events must be an array'
  if ('dropped' in body && !(Number.isSafeInteger(body.dropped) && body.dropped >= 0)) {
    return 'dropped must be a non-negative integer when present'
  }
  for (let i = 0; i < body.events.length; i++) {
    const problem = validateEvent(body.events[i])
    if (problem) return `events[${i}]${problem}`
  }
  return null
}

const tooLong = (field, value) => typeof value === 'string' && value.length > FIELD_LIMITS[field]

/** Returns null for a valid event, or the rest of a message starting with `.field` or ` …`. */
export function validateEvent(event) {
  if (!isObject(event)) return ' must be an object'
  for (const field of ['id', 'name', 'anonymousId', 'sessionId', 'phase']) {
    if (typeof event[field] !== 'string' || event[field] === '') return `.${field} must be a non-empty string`
    if (tooLong(field, event[field])) return `.${field} is longer than ${FIELD_LIMITS[field]} characters`
  }
  if (!EVENT_TYPES.has(event.type)) return '.type must be "page", "track" or "identify"'
  if (!isDate(event.timestamp)) return '.timestamp must be an ISO 8601 date string'
  if (!(event.userId === null || event.userId === undefined || typeof event.userId === 'string')) return '.userId must be a string or null'
  if (tooLong('userId', event.userId)) return `.userId is longer than ${FIELD_LIMITS.userId} characters`
  if (!isObject(event.props)) return '.props must be an object'
  if (!isObject(event.context)) return '.context must be an object'
  for (const field of ['url', 'path']) {
    if (typeof event.context[field] !== 'string') return `.context.${field} must be a string`
  }
  for (const field of ['url', 'path', 'title', 'referrer']) {
    if (tooLong(field, event.context[field])) return `.context.${field} is longer than ${FIELD_LIMITS[field]} characters`
  }
  if (event.name === 'phase_change') {
    const { from, to } = event.props
    if (typeof from !== 'string' || typeof to !== 'string') {
      return '.props of a phase_change event must have string "from" and "to"'
    }
  }
  return null
}
