// The journey map's questions as SQL, run in the database (DuckDB or PostgreSQL: the statements
// use only what both understand). Nothing here loads every event into memory; every answer is
// an aggregate or a bounded list.
//
// The unit of analysis is the visitor (anonymous id), with the per-visitor facts kept in the
// `visitors` and `visitor_phases` tables (store/visitors.mjs). A period selects the visitors who
// arrived in it (their first event) and follows each of them through all their events: a
// cohort, so that "which channel brings customers" counts a purchase made a week after the
// newsletter click. The filters (channel, campaign, landing page, device) apply to how the
// visitor arrived.

/** Automatic touchpoints too frequent to rank among a phase's touchpoints. */
const MINOR = ['scroll_depth', 'engagement', 'web_vital', 'phase_change']

/** The label of a visitor whose events carry no channel (journeykit without `campaign()`). */
export const UNKNOWN_CHANNEL = '(unknown)'

/** Collects query parameters as `$1`, `$2`, … (the placeholder syntax of both databases). */
function params() {
  const values = []
  const $ = (value) => `$${values.push(value)}`
  const list = (items) => items.map($).join(', ')
  return { values, $, list }
}

/**
 * The common part of every map query: `v`, one row of the `visitors` table (store/visitors.mjs)
 * per visitor who arrived in the period and passes the filters, and `ev`, all their events
 * (only the columns the queries read).
 */
function visitorsCte(p, { from, to, channel, campaign, landing, device, visitor } = {}) {
  const where = []
  if (visitor) where.push(`anonymous_id = ${p.$(visitor)}`)
  else where.push(`first_seen >= ${p.$(from ?? -8.64e15)}`, `first_seen < ${p.$(to ?? 8.64e15)}`)
  if (channel) where.push(`COALESCE(channel, ${p.$(UNKNOWN_CHANNEL)}) = ${p.$(channel)}`)
  if (campaign) where.push(`campaign_name = ${p.$(campaign)}`)
  if (landing) where.push(`landing = ${p.$(landing)}`)
  if (device) where.push(`device = ${p.$(device)}`)
  return `
v AS (
  SELECT anonymous_id, first_seen, last_seen, events, COALESCE(channel, ${p.$(UNKNOWN_CHANNEL)}) AS channel,
    campaign_name, campaign_source, campaign_medium, landing, device, conversion, converted_ts
  FROM visitors WHERE ${where.join(' AND ')}
),
ev AS (
  SELECT e.anonymous_id, e.seq, e.type, e.name, e.phase, e.ts, e.path, e.to_phase, e.rule
  FROM events e JOIN v ON v.anonymous_id = e.anonymous_id
)`
}

/** `ph(phase, idx)`, `entries` (when each visitor first entered each phase), `steps` (with the next phase entered) and `furthest`. */
function phasesCte(p, phases) {
  return `,
ph (phase, idx) AS (VALUES ${phases.map((phase, i) => `(${p.$(phase)}, ${i})`).join(', ')}),
entries AS (
  SELECT p.anonymous_id, ph.idx, p.entered
  FROM visitor_phases p JOIN v ON v.anonymous_id = p.anonymous_id JOIN ph ON ph.phase = p.phase
),
steps AS (
  SELECT anonymous_id, idx, entered,
    LEAD(idx) OVER (PARTITION BY anonymous_id ORDER BY idx) AS next_idx,
    LEAD(entered) OVER (PARTITION BY anonymous_id ORDER BY idx) AS next_entered
  FROM entries
),
furthest AS (SELECT anonymous_id, MAX(idx) AS top, MIN(idx) AS start FROM entries GROUP BY anonymous_id)`
}

/**
 * The queries of the journey map, for a store's `query(sql, params)`. (Which events count as a
 * conversion is decided when the `visitors` table is built: store/visitors.mjs.)
 */
export function createQueries(query) {
  return {
    /** Phases the filtered visitors were in, with how many visitors were in each. */
    async phases(filter) {
      const p = params()
      return query(
        `WITH ${visitorsCte(p, filter)}
SELECT p.phase, COUNT(*) AS visitors FROM visitor_phases p JOIN v ON v.anonymous_id = p.anonymous_id GROUP BY p.phase ORDER BY visitors DESC, p.phase`,
        p.values,
      )
    },

    /** Visitors, converted visitors and events of the filtered cohort. */
    async totals(filter) {
      const p = params()
      const [row] = await query(
        `WITH ${visitorsCte(p, filter)}
SELECT COUNT(*) AS visitors, COUNT(converted_ts) AS converted, COALESCE(SUM(events), 0) AS events FROM v`,
        p.values,
      )
      return row
    },

    /**
     * The phase funnel: for each phase (in `phases` order), the visitors who were in it, how many
     * of them moved on to a later phase, and the median time from entering it to entering the
     * next phase they reached. (Phases may be skipped: a purchase can lead straight from
     * decision to advocacy; the flow shows those jumps.)
     */
    async funnel(filter, phases) {
      const p = params()
      return query(
        `WITH ${visitorsCte(p, filter)}${phasesCte(p, phases)}
SELECT ph.phase, ph.idx,
  (SELECT COUNT(*) FROM entries n WHERE n.idx = ph.idx) AS reached,
  (SELECT COUNT(*) FROM steps s WHERE s.idx = ph.idx AND s.next_idx IS NOT NULL) AS moved_on,
  (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s.next_entered - s.entered) FROM steps s WHERE s.idx = ph.idx AND s.next_idx IS NOT NULL) AS median_ms
FROM ph ORDER BY ph.idx`,
        p.values,
      )
    },

    /**
     * The flow: links with a visitor count, from first-touch channel to the first phase, from
     * phase to the next phase reached, and from the furthest phase to the outcome.
     * `kind` is `channel`, `phase` or `outcome`; phases are given by index, the outcome as
     * `converted` / `not converted`.
     */
    async flow(filter, phases) {
      const p = params()
      return query(
        `WITH ${visitorsCte(p, filter)}${phasesCte(p, phases)}
SELECT 'channel' AS kind, v.channel AS source, CAST(f.start AS TEXT) AS target, COUNT(*) AS visitors
  FROM furthest f JOIN v ON v.anonymous_id = f.anonymous_id GROUP BY v.channel, f.start
UNION ALL
SELECT 'phase' AS kind, CAST(idx AS TEXT) AS source, CAST(next_idx AS TEXT) AS target, COUNT(*) AS visitors
  FROM steps WHERE next_idx IS NOT NULL GROUP BY idx, next_idx
UNION ALL
SELECT 'outcome' AS kind, CAST(f.top AS TEXT) AS source, CASE WHEN v.converted_ts IS NULL THEN 'not converted' ELSE 'converted' END AS target, COUNT(*) AS visitors
  FROM furthest f JOIN v ON v.anonymous_id = f.anonymous_id GROUP BY f.top, CASE WHEN v.converted_ts IS NULL THEN 'not converted' ELSE 'converted' END
ORDER BY kind, visitors DESC, source, target`,
        p.values,
      )
    },

    /** What moved visitors into each phase: the rules of `phase_change` events, by visitors. */
    async movers(filter) {
      const p = params()
      return query(
        `WITH ${visitorsCte(p, filter)}
SELECT e.to_phase AS phase, COALESCE(e.rule, '') AS rule, COUNT(DISTINCT e.anonymous_id) AS visitors
FROM ev e
WHERE e.name = 'phase_change' AND e.to_phase IS NOT NULL
GROUP BY e.to_phase, COALESCE(e.rule, '') ORDER BY phase, visitors DESC, rule`,
        p.values,
      )
    },

    /** The touchpoints seen by most visitors in each phase (top `limit` per phase). */
    async touchpoints(filter, limit = 5) {
      const p = params()
      return query(
        `WITH ${visitorsCte(p, filter)},
counted AS (
  SELECT e.phase, e.type, CASE WHEN e.type = 'page' THEN COALESCE(e.path, '') ELSE e.name END AS touchpoint,
    COUNT(DISTINCT e.anonymous_id) AS visitors, COUNT(*) AS events
  FROM ev e
  WHERE e.name NOT IN (${p.list(MINOR)})
  GROUP BY e.phase, e.type, CASE WHEN e.type = 'page' THEN COALESCE(e.path, '') ELSE e.name END
),
ranked AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY phase ORDER BY visitors DESC, events DESC, touchpoint) AS rn FROM counted)
SELECT phase, type, touchpoint, visitors, events FROM ranked WHERE rn <= ${p.$(limit)} ORDER BY phase, rn`,
        p.values,
      )
    },

    /** Visitors and conversions by first-touch channel. */
    async byChannel(filter) {
      const p = params()
      return query(
        `WITH ${visitorsCte(p, filter)}
SELECT channel, COUNT(*) AS visitors, COUNT(converted_ts) AS converted FROM v GROUP BY channel ORDER BY converted DESC, visitors DESC, channel`,
        p.values,
      )
    },

    /** Visitors and conversions by first-touch campaign (the top `limit`). */
    async byCampaign(filter, limit = 12) {
      const p = params()
      return query(
        `WITH ${visitorsCte(p, filter)}
SELECT campaign_name AS campaign, MIN(campaign_source) AS source, MIN(campaign_medium) AS medium, COUNT(*) AS visitors, COUNT(converted_ts) AS converted
FROM v WHERE campaign_name IS NOT NULL GROUP BY campaign_name ORDER BY converted DESC, visitors DESC, campaign LIMIT ${p.$(limit)}`,
        p.values,
      )
    },

    /** The values each filter can take in the period (channels, campaigns, landing pages, devices). */
    async filterOptions({ from, to } = {}) {
      const p = params()
      return query(
        `WITH ${visitorsCte(p, { from, to })}
SELECT 'channel' AS filter, channel AS value, COUNT(*) AS visitors FROM v GROUP BY channel
UNION ALL SELECT 'campaign', campaign_name, COUNT(*) FROM v WHERE campaign_name IS NOT NULL GROUP BY campaign_name
UNION ALL SELECT 'landing', landing, COUNT(*) FROM v WHERE landing IS NOT NULL GROUP BY landing
UNION ALL SELECT 'device', device, COUNT(*) FROM v WHERE device IS NOT NULL GROUP BY device
ORDER BY filter, visitors DESC, value`,
        p.values,
      )
    },

    /**
     * The visitor list: the `limit` visitors seen most recently, each with first touch,
     * campaign, current phase, conversion, user id, event and session counts and the events
     * their client reported dropping. With `filter.visitor`, that one visitor.
     */
    async visitors(filter, limit = 100) {
      const p = params()
      return query(
        `WITH ${visitorsCte(p, filter)},
top AS (SELECT * FROM v ORDER BY last_seen DESC, anonymous_id LIMIT ${p.$(limit)}),
sessions AS (
  SELECT e.anonymous_id, COUNT(DISTINCT e.session_id) AS sessions FROM events e JOIN top ON top.anonymous_id = e.anonymous_id GROUP BY e.anonymous_id
),
latest AS (
  SELECT anonymous_id, phase FROM (
    SELECT e.anonymous_id, e.phase, ROW_NUMBER() OVER (PARTITION BY e.anonymous_id ORDER BY e.ts DESC, e.seq DESC) AS rn
    FROM events e JOIN top ON top.anonymous_id = e.anonymous_id
  ) ranked WHERE rn = 1
),
users AS (
  SELECT anonymous_id, user_id FROM (
    SELECT e.anonymous_id, e.user_id, ROW_NUMBER() OVER (PARTITION BY e.anonymous_id ORDER BY e.ts DESC, e.seq DESC) AS rn
    FROM events e JOIN top ON top.anonymous_id = e.anonymous_id WHERE e.user_id IS NOT NULL
  ) ranked WHERE rn = 1
),
dropped AS (SELECT d.anonymous_id, SUM(d.dropped) AS dropped FROM drops d JOIN top ON top.anonymous_id = d.anonymous_id GROUP BY d.anonymous_id)
SELECT top.anonymous_id, u.user_id, top.channel, top.campaign_name, top.campaign_source, top.campaign_medium, l.phase,
  top.conversion, top.converted_ts, top.first_seen, top.last_seen, top.events, s.sessions, COALESCE(d.dropped, 0) AS dropped
FROM top JOIN sessions s ON s.anonymous_id = top.anonymous_id
LEFT JOIN latest l ON l.anonymous_id = top.anonymous_id
LEFT JOIN users u ON u.anonymous_id = top.anonymous_id
LEFT JOIN dropped d ON d.anonymous_id = top.anonymous_id
ORDER BY top.last_seen DESC, top.anonymous_id`,
        p.values,
      )
    },
  }
}
