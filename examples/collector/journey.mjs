// Turns stored event records into what the journey map shows: one summary per visitor (for the
// list) and, for one visitor, the ordered touchpoints with the phase lane each one belongs in.
// Pure functions over plain data, so they are easy to test and to reuse (e.g. in a JSON API).

/** The phase presets of journeykit, in order. A visitor whose phases all fit one gets its lanes. */
export const PRESETS = {
  default: ['awareness', 'consideration', 'decision', 'retention', 'advocacy'],
  b2b: ['need', 'research', 'evaluation', 'negotiation', 'onboarding', 'retention', 'expansion', 'advocacy'],
}

/** Event names the default model treats as a conversion (they mark the visitor converted). */
export const CONVERSIONS = ['purchase', 'order_completed', 'signup', 'subscribe']

/**
 * Automatic touchpoints that fire often and say little on their own: drawn as small dots with
 * no label so that they do not crowd out the steps of the journey.
 */
export const MINOR = ['scroll_depth', 'engagement', 'web_vital']

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Events in the order they happened on the device. journeykit gives a `phase_change` the
 * timestamp of the touchpoint that caused it and sends it just before that touchpoint: on a tie
 * it goes first (whatever order the batches arrived in), then the order received decides.
 */
export function chronological(records) {
  const first = (record) => (record.event.name === 'phase_change' ? 0 : 1)
  return records
    .map((record, n) => ({ record, n, t: Date.parse(record.event.timestamp) }))
    .sort((a, b) => a.t - b.t || first(a.record) - first(b.record) || a.n - b.n)
    .map(({ record }) => record)
}

/**
 * When the event happened by the collector's clock: the device timestamp shifted by the gap
 * between the device's `sentAt` and the time the batch arrived (the design's clock-skew
 * correction; it counts network latency as skew, which is fine at this scale).
 */
export function serverTime(record) {
  const device = Date.parse(record.event.timestamp)
  const skew = Date.parse(record.receivedAt) - Date.parse(record.sentAt)
  return Number.isFinite(skew) ? device + skew : device
}

/**
 * The channel and campaign that first brought the visitor. journeykit's campaign touchpoint
 * puts its first-touch attribution on every event as `context.firstTouch`; without it, the
 * channel and campaign of the visitor's earliest event that has one stand in.
 */
export function firstTouch(ordered) {
  for (const { event } of ordered) {
    const touch = event.context.firstTouch
    if (isObject(touch) && (touch.channel || touch.campaign)) {
      return { channel: str(touch.channel), campaign: isObject(touch.campaign) ? touch.campaign : undefined }
    }
  }
  for (const { event } of ordered) {
    const { channel, campaign } = event.context
    if (channel || isObject(campaign)) return { channel: str(channel), campaign: isObject(campaign) ? campaign : undefined }
  }
  return { channel: undefined, campaign: undefined }
}

const str = (value) => (typeof value === 'string' && value !== '' ? value : undefined)

/** The first conversion event, or undefined. */
export function conversionOf(ordered, conversions = CONVERSIONS) {
  return ordered.find(({ event }) => event.type === 'track' && conversions.includes(event.name))?.event
}

/** The summary row of one visitor. `records` are theirs, in any order. */
export function summarize(anonymousId, records, { conversions = CONVERSIONS, dropped = 0 } = {}) {
  const ordered = chronological(records)
  const last = ordered[ordered.length - 1]?.event
  const conversion = conversionOf(ordered, conversions)
  const userId = [...ordered].reverse().find(({ event }) => event.userId)?.event.userId ?? null
  return {
    anonymousId,
    userId,
    ...firstTouch(ordered),
    phase: last?.phase,
    converted: Boolean(conversion),
    conversion: conversion ? { name: conversion.name, timestamp: conversion.timestamp } : undefined,
    firstSeen: ordered[0] ? new Date(serverTime(ordered[0])).toISOString() : undefined,
    // A loop, not `Math.max(...)`: a spread of ~126,000 arguments overflows the stack.
    lastSeen: records.length ? new Date(records.reduce((latest, record) => Math.max(latest, serverTime(record)), -Infinity)).toISOString() : undefined,
    events: records.length,
    sessions: new Set(records.map(({ event }) => event.sessionId)).size,
    dropped,
  }
}

/**
 * The lanes for a visitor: the phases of a preset when every phase the visitor was in belongs
 * to it (so the map also shows the phases still ahead), otherwise the phases seen, in the
 * order the visitor first reached them.
 */
export function lanesFor(ordered) {
  const seen = []
  const see = (phase) => {
    if (typeof phase === 'string' && phase && !seen.includes(phase)) seen.push(phase)
  }
  for (const { event } of ordered) {
    if (event.name === 'phase_change') {
      see(event.props.from)
      see(event.props.to)
    }
    see(event.phase)
  }
  for (const preset of Object.values(PRESETS)) {
    if (seen.every((phase) => preset.includes(phase))) return preset
  }
  return seen
}

/**
 * One visitor's journey: the summary, the lanes and one step per event, in the order they
 * happened. A step says which lane it goes in (the phase the event carried), what kind of
 * marker it is, and whether it starts a new session.
 */
export function journeyOf(anonymousId, records, options = {}) {
  const conversions = options.conversions ?? CONVERSIONS
  const ordered = chronological(records)
  const lanes = lanesFor(ordered)
  const conversion = conversionOf(ordered, conversions)
  let session = 0
  let previous
  const steps = ordered.map(({ event }) => {
    const newSession = event.sessionId !== previous?.sessionId
    if (newSession) session++
    const gapMs = previous ? Date.parse(event.timestamp) - Date.parse(previous.timestamp) : 0
    previous = event
    const step = {
      id: event.id,
      type: event.type,
      name: event.name,
      lane: event.phase,
      time: event.timestamp,
      path: event.context.path,
      props: event.props,
      session,
      newSession,
      gapMs,
      kind: 'event',
      label: event.name,
    }
    if (event.type === 'page') {
      step.kind = 'page'
      step.label = event.context.path || event.name
    } else if (event.type === 'identify') {
      step.kind = 'identify'
      step.label = 'identify'
    } else if (event.name === 'phase_change') {
      step.kind = 'phase'
      step.from = event.props.from
      step.to = event.props.to
      step.rule = typeof event.props.rule === 'string' ? event.props.rule : undefined
      step.label = `${event.props.from} → ${event.props.to}`
    } else if (event === conversion) {
      step.kind = 'conversion'
    } else if (MINOR.includes(event.name)) {
      step.kind = 'minor'
    }
    return step
  })
  return {
    summary: summarize(anonymousId, records, { conversions, dropped: options.dropped ?? 0 }),
    lanes,
    steps,
  }
}
