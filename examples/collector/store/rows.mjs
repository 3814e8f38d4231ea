// One stored event is one row of the `events` table. This file owns that table's shape (the same
// in DuckDB and PostgreSQL) and the mapping from a wire-format event to a row, including the
// clock clamps that keep a device's broken clock from poisoning every query.

/** Column names of `events`, in the order rows are written. `seq` (arrival order) is filled by the database. */
export const COLUMNS = [
  'id', 'anonymous_id', 'session_id', 'user_id', 'type', 'name', 'phase',
  'ts', 'server_ts', 'received_at', 'sent_at',
  'path', 'url', 'title', 'referrer',
  'channel', 'campaign_source', 'campaign_medium', 'campaign_name',
  'ft_channel', 'ft_campaign_source', 'ft_campaign_medium', 'ft_campaign_name',
  'device', 'from_phase', 'to_phase', 'rule',
  'props', 'context',
]

/** Columns that hold integers (milliseconds since the epoch); every other one is text. */
export const INTEGER_COLUMNS = new Set(['ts', 'server_ts', 'received_at', 'sent_at'])

/** `CREATE` statements for both databases (both understand this subset of SQL). */
export const SCHEMA = [
  `CREATE SEQUENCE IF NOT EXISTS events_seq`,
  `CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL DEFAULT nextval('events_seq'),
    ${COLUMNS.slice(1).map((c) => `${c} ${INTEGER_COLUMNS.has(c) ? 'BIGINT NOT NULL' : 'TEXT'}`).join(',\n    ')}
  )`,
  // One row per visitor, derived from their events (store/visitors.mjs keeps it up to date in
  // the transaction that stores the events): how they arrived and whether they converted.
  `CREATE TABLE IF NOT EXISTS visitors (
    anonymous_id TEXT PRIMARY KEY,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    events BIGINT NOT NULL,
    channel TEXT,
    campaign_name TEXT,
    campaign_source TEXT,
    campaign_medium TEXT,
    landing TEXT,
    device TEXT,
    conversion TEXT,
    converted_ts BIGINT
  )`,
  // When each visitor first entered each phase.
  `CREATE TABLE IF NOT EXISTS visitor_phases (
    anonymous_id TEXT NOT NULL,
    phase TEXT NOT NULL,
    entered BIGINT NOT NULL,
    PRIMARY KEY (anonymous_id, phase)
  )`,
  // A client's report that its queue overflowed, once per batch (a retried batch repeats it).
  `CREATE TABLE IF NOT EXISTS drops (
    batch_key TEXT PRIMARY KEY,
    anonymous_id TEXT,
    dropped BIGINT NOT NULL,
    received_at BIGINT NOT NULL
  )`,
]

const DAY = 86_400_000

/**
 * The oldest an event may be when it arrives, by the device's own clock: journeykit keeps
 * unsent events in IndexedDB across visits, so a week-old event is normal; a year-old one is a
 * broken clock. Older timestamps are clamped to this age.
 */
export const MAX_EVENT_AGE_MS = 366 * DAY

const text = (value) => (typeof value === 'string' ? value : null)
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The row for one validated event of a batch. `receivedAt` is the collector's clock (ms),
 * `device` the request's device class.
 *
 * Clock handling: `ts` is the device's timestamp, clamped into [sentAt − MAX_EVENT_AGE, sentAt]
 * (an event cannot have happened on the device after the device sent it); `server_ts` is that
 * shifted by the device's clock skew (receivedAt − sentAt), so it is never in the collector's
 * future. `clamped` says whether the timestamp had to be moved.
 */
export function toRow(event, { sentAt, receivedAt, device }) {
  const sent = Date.parse(sentAt)
  const original = Date.parse(event.timestamp)
  const ts = Math.min(sent, Math.max(sent - MAX_EVENT_AGE_MS, original))
  const skew = receivedAt - sent
  const context = event.context
  const campaign = isObject(context.campaign) ? context.campaign : {}
  const first = isObject(context.firstTouch) ? context.firstTouch : {}
  const firstCampaign = isObject(first.campaign) ? first.campaign : {}
  const props = event.props
  const change = event.name === 'phase_change'
  return {
    clamped: ts !== original,
    row: {
      id: event.id,
      anonymous_id: event.anonymousId,
      session_id: event.sessionId,
      user_id: text(event.userId),
      type: event.type,
      name: event.name,
      phase: event.phase,
      ts,
      server_ts: ts + skew,
      received_at: receivedAt,
      sent_at: sent,
      path: text(context.path),
      url: text(context.url),
      title: text(context.title),
      referrer: text(context.referrer),
      channel: text(context.channel),
      campaign_source: text(campaign.source),
      campaign_medium: text(campaign.medium),
      campaign_name: text(campaign.name),
      ft_channel: text(first.channel),
      ft_campaign_source: text(firstCampaign.source),
      ft_campaign_medium: text(firstCampaign.medium),
      ft_campaign_name: text(firstCampaign.name),
      device,
      from_phase: change ? text(props.from) : null,
      to_phase: change ? text(props.to) : null,
      rule: change ? text(props.rule) : null,
      props: JSON.stringify(props),
      context: JSON.stringify(context),
    },
  }
}

/** The wire-format event a row was made from (for the visitor map and NDJSON export). */
export function fromRow(row) {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    props: JSON.parse(row.props),
    timestamp: new Date(Number(row.ts)).toISOString(),
    anonymousId: row.anonymous_id,
    userId: row.user_id,
    sessionId: row.session_id,
    phase: row.phase,
    context: JSON.parse(row.context),
  }
}

/**
 * The device class from a request's User-Agent: `mobile`, `tablet`, `desktop`, or `bot`.
 * Coarse on purpose (the map filters on it); the User-Agent itself is not stored.
 */
export function deviceOf(userAgent = '') {
  if (/bot\b|crawler|spider/i.test(userAgent)) return 'bot'
  if (/ipad|tablet|kindle|silk|(android(?!.*mobile))/i.test(userAgent)) return 'tablet'
  if (/mobi|iphone|ipod|android.*mobile|windows phone/i.test(userAgent)) return 'mobile'
  return 'desktop'
}
