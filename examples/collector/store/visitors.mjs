// The `visitors` and `visitor_phases` tables: per-visitor facts derived from `events`, so that
// the journey map's queries group tens of thousands of visitors instead of re-deriving them
// from a million events on every page view. They are rebuilt for the visitors a write touched,
// inside that write's transaction, so they never disagree with `events`.

/** Placeholders `$1, $2, …` for `ids`. */
const list = (ids) => ids.map((_, i) => `$${i + 1}`).join(', ')

/**
 * Rebuilds the rows of the visitors `ids` (all visitors when `ids` is undefined) from their
 * events, with `tx.query`. A visitor with no events left (retention) loses their rows.
 * `conversions` are the event names that count as a conversion.
 */
export async function rebuildVisitors(tx, ids, conversions) {
  if (ids && !ids.length) return
  // Past a few thousand ids a full rebuild is cheaper than a long IN list (and stays under
  // PostgreSQL's parameter limit).
  if (ids && ids.length > 5000) ids = undefined
  const where = ids ? `WHERE anonymous_id IN (${list(ids)})` : ''
  const params = ids ?? []
  const conv = conversions.map((_, i) => `$${params.length + i + 1}`).join(', ')
  await tx.query(`DELETE FROM visitors ${where}`, params)
  await tx.query(`DELETE FROM visitor_phases ${where}`, params)
  await tx.query(
    `INSERT INTO visitors (anonymous_id, first_seen, last_seen, events, channel, campaign_name, campaign_source, campaign_medium, landing, device, conversion, converted_ts)
WITH ev AS (
  SELECT anonymous_id, seq, type, name, ts, server_ts, path, device, channel, campaign_name, campaign_source, campaign_medium,
    ft_channel, ft_campaign_name, ft_campaign_source, ft_campaign_medium
  FROM events ${where}
),
agg AS (SELECT anonymous_id, MIN(server_ts) AS first_seen, MAX(server_ts) AS last_seen, COUNT(*) AS events FROM ev GROUP BY anonymous_id),
touch AS (
  SELECT anonymous_id, channel, campaign_name, campaign_source, campaign_medium FROM (
    SELECT anonymous_id,
      COALESCE(ft_channel, channel) AS channel,
      CASE WHEN ft_channel IS NOT NULL THEN ft_campaign_name ELSE campaign_name END AS campaign_name,
      CASE WHEN ft_channel IS NOT NULL THEN ft_campaign_source ELSE campaign_source END AS campaign_source,
      CASE WHEN ft_channel IS NOT NULL THEN ft_campaign_medium ELSE campaign_medium END AS campaign_medium,
      ROW_NUMBER() OVER (PARTITION BY anonymous_id ORDER BY CASE WHEN ft_channel IS NULL THEN 1 ELSE 0 END, ts, seq) AS rn
    FROM ev WHERE COALESCE(ft_channel, channel) IS NOT NULL
  ) ranked WHERE rn = 1
),
arrival AS (
  SELECT anonymous_id, landing, device FROM (
    SELECT anonymous_id, path AS landing, device,
      ROW_NUMBER() OVER (PARTITION BY anonymous_id ORDER BY CASE WHEN type = 'page' THEN 0 ELSE 1 END, ts, seq) AS rn
    FROM ev
  ) ranked WHERE rn = 1
),
conv AS (
  SELECT anonymous_id, name AS conversion, ts AS converted_ts FROM (
    SELECT anonymous_id, name, ts, ROW_NUMBER() OVER (PARTITION BY anonymous_id ORDER BY ts, seq) AS rn
    FROM ev WHERE type = 'track' AND name IN (${conv})
  ) ranked WHERE rn = 1
)
SELECT a.anonymous_id, a.first_seen, a.last_seen, a.events, t.channel, t.campaign_name, t.campaign_source, t.campaign_medium,
  r.landing, r.device, k.conversion, k.converted_ts
FROM agg a JOIN arrival r ON r.anonymous_id = a.anonymous_id
LEFT JOIN touch t ON t.anonymous_id = a.anonymous_id
LEFT JOIN conv k ON k.anonymous_id = a.anonymous_id`,
    [...params, ...conversions],
  )
  await tx.query(`INSERT INTO visitor_phases (anonymous_id, phase, entered) SELECT anonymous_id, phase, MIN(ts) FROM events ${where} GROUP BY anonymous_id, phase`, params)
}
