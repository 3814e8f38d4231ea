// The journey map of all visitors: asks the store's SQL queries (queries.mjs) for one period and
// filter and puts the answers together in the shape the front page and `GET /api/map` show.
import { PRESETS } from './journey.mjs'

const DAY = 86_400_000

/** The periods the map offers, by key; `all` has no bounds. */
export const PERIODS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY, all: Infinity }
export const DEFAULT_PERIOD = '30d'

/** Reads the map's filter from a URL's query (`period`, `channel`, `campaign`, `landing`, `device`); unknown values fall back. */
export function filterFrom(searchParams, now = Date.now()) {
  const period = Object.hasOwn(PERIODS, searchParams.get('period')) ? searchParams.get('period') : DEFAULT_PERIOD
  const text = (key) => {
    const value = searchParams.get(key)
    return value && value.length <= 4096 ? value : undefined
  }
  const span = PERIODS[period]
  return {
    period,
    from: Number.isFinite(span) ? now - span : undefined,
    to: undefined,
    channel: text('channel'),
    campaign: text('campaign'),
    landing: text('landing'),
    device: text('device'),
  }
}

/** The query string of a filter, for links and the live refresh (only the keys that are set). */
export function filterQuery(filter) {
  const params = new URLSearchParams()
  if (filter.period !== DEFAULT_PERIOD) params.set('period', filter.period)
  for (const key of ['channel', 'campaign', 'landing', 'device']) if (filter[key]) params.set(key, filter[key])
  return params.toString()
}

/**
 * The phases in order: a preset's when every phase seen belongs to it (all its phases, so the
 * funnel also shows the ones nobody reached yet), otherwise the phases seen, the most visited first.
 */
export function phaseOrder(seen) {
  const names = seen.map((row) => row.phase)
  for (const preset of Object.values(PRESETS)) if (names.every((phase) => preset.includes(phase))) return preset
  return names
}

/** `decision.checkout-page` → `checkout page`: the rule's name without its phase. */
export const ruleLabel = (rule) => (rule ? rule.replace(/^[^.]*\./, '').replace(/[-_]+/g, ' ') : 'no rule given')

/**
 * Everything the map shows for `filter`: totals, phases, funnel, flow (Sankey nodes and
 * links), per-phase touchpoints, and conversion by channel and by campaign.
 */
export async function journeyMap(store, filter) {
  const phases = phaseOrder(await store.phases(filter))
  const [totals, funnelRows, flowRows, movers, touchpoints, channels, campaigns] = await Promise.all([
    store.totals(filter),
    store.funnel(filter, phases),
    store.flow(filter, phases),
    store.movers(filter),
    store.touchpoints(filter),
    store.byChannel(filter),
    store.byCampaign(filter),
  ])
  const first = funnelRows[0]?.reached ?? 0
  const funnel = funnelRows.map((row) => ({
    phase: row.phase,
    reached: row.reached,
    shareOfAll: first ? row.reached / first : 0,
    movedOn: row.idx < phases.length - 1 ? row.moved_on : null,
    movedOnShare: row.idx < phases.length - 1 && row.reached ? row.moved_on / row.reached : null,
    medianMs: row.median_ms === null || row.median_ms === undefined ? null : Math.round(row.median_ms),
  }))

  // Sankey nodes are named by column so that a channel and a phase of the same name stay apart.
  const node = (kind, name) => `${kind}:${name}`
  const links = flowRows.map((row) => {
    if (row.kind === 'channel') return { source: node('channel', row.source), target: node('phase', phases[row.target]), value: row.visitors }
    if (row.kind === 'phase') return { source: node('phase', phases[row.source]), target: node('phase', phases[row.target]), value: row.visitors }
    return { source: node('phase', phases[row.source]), target: node('outcome', row.target), value: row.visitors }
  })
  const names = new Set(links.flatMap((link) => [link.source, link.target]))
  const nodes = [...names].map((id) => {
    const [kind, ...rest] = id.split(':')
    return { id, kind, name: rest.join(':') }
  })

  return {
    filter,
    totals: { visitors: totals.visitors, converted: totals.converted, events: totals.events },
    phases,
    funnel,
    flow: { nodes, links },
    byPhase: phases.map((phase) => ({
      phase,
      movedInBy: movers.filter((row) => row.phase === phase).slice(0, 5).map((row) => ({ rule: row.rule || null, label: ruleLabel(row.rule), visitors: row.visitors })),
      seenMost: touchpoints.filter((row) => row.phase === phase).map((row) => ({ type: row.type, touchpoint: row.touchpoint, visitors: row.visitors, events: row.events })),
    })),
    channels: channels.map((row) => ({ channel: row.channel, visitors: row.visitors, converted: row.converted, rate: row.visitors ? row.converted / row.visitors : 0 })),
    campaigns: campaigns.map((row) => ({ ...row, rate: row.visitors ? row.converted / row.visitors : 0 })),
  }
}
