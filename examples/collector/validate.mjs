// Checks a batch against the wire format in the design (`{ sentAt, events: [...], dropped? }`).
// A collector is the one place that sees what every client really sends, so it is strict: a
// batch with one malformed event is refused whole, with an answer that names the field, rather
// than half-stored. (journeykit drops a batch on a 4xx other than 408/429 and reports it
// through `onError`, so a strict collector surfaces client bugs instead of hiding them.)

const EVENT_TYPES = new Set(['page', 'track', 'identify'])

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)
const isDate = (value) => typeof value === 'string' && value !== '' && !Number.isNaN(Date.parse(value))

/**
 * Returns `null` when `body` (already parsed JSON) is a valid batch, or a one-line message that
 * names what is wrong, e.g. `events[2].timestamp must be an ISO 8601 date string`.
 */
export function validateBatch(body) {
  if (!isObject(body)) return 'body must be a JSON object like { "sentAt": "…", "events": [ … ] }'
  if (!isDate(body.sentAt)) return 'sentAt must be an ISO 8601 date string'
  if (!Array.isArray(body.events)) return 'events must be an array'
  if ('dropped' in body && !(Number.isInteger(body.dropped) && body.dropped >= 0)) {
    return 'dropped must be a non-negative integer when present'
  }
  for (let i = 0; i < body.events.length; i++) {
    const problem = validateEvent(body.events[i])
    if (problem) return `events[${i}]${problem}`
  }
  return null
}

/** Returns null for a valid event, or the rest of a message starting with `.field` or ` …`. */
function validateEvent(event) {
  if (!isObject(event)) return ' must be an object'
  for (const field of ['id', 'name', 'anonymousId', 'sessionId', 'phase']) {
    if (typeof event[field] !== 'string' || event[field] === '') return `.${field} must be a non-empty string`
  }
  if (!EVENT_TYPES.has(event.type)) return '.type must be "page", "track" or "identify"'
  if (!isDate(event.timestamp)) return '.timestamp must be an ISO 8601 date string'
  if (!(event.userId === null || typeof event.userId === 'string')) return '.userId must be a string or null'
  if (!isObject(event.props)) return '.props must be an object'
  if (!isObject(event.context)) return '.context must be an object'
  for (const field of ['url', 'path']) {
    if (typeof event.context[field] !== 'string') return `.context.${field} must be a string`
  }
  if (event.name === 'phase_change') {
    const { from, to } = event.props
    if (typeof from !== 'string' || typeof to !== 'string') {
      return '.props of a phase_change event must have string "from" and "to"'
    }
  }
  return null
}
