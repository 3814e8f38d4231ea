// Server-rendered HTML for the journey map: the map of all visitors (funnel, flow, touchpoints,
// conversion by channel and campaign), the visitor list, and one visitor's journey laid out in
// phase lanes. Everything shown comes from whatever any page POSTed to the collector, so
// every value goes through `esc()`, and the pages carry a Content-Security-Policy that allows
// only the one inline script (by nonce).
import { phaseColor } from './colors.mjs'
import { flowSvg } from './flow-chart.mjs'
import { PERIODS } from './overview.mjs'

export { phaseColor }

export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const phasePill = (phase) =>
  phase ? `<span class="pill" style="--c:${phaseColor(phase)}" data-phase="${esc(phase)}">${esc(phase)}</span>` : '<span class="muted">—</span>'

const time = (iso, fmt) => (iso ? `<time datetime="${esc(iso)}" data-fmt="${fmt}">${esc(iso.slice(11, 19))}</time>` : '—')

function campaignText(campaign) {
  if (!campaign) return '<span class="muted">—</span>'
  const via = [campaign.source, campaign.medium].filter((v) => typeof v === 'string' && v).map(esc).join(' / ')
  const name = typeof campaign.name === 'string' && campaign.name ? `<strong data-campaign>${esc(campaign.name)}</strong>` : ''
  return [name, via && `<span class="muted">${via}</span>`].filter(Boolean).join(' ') || '<span class="muted">—</span>'
}

const channelText = (channel) => (channel ? `<span class="channel" data-channel>${esc(channel)}</span>` : '<span class="muted">—</span>')

const short = (id) => (id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id)
const visitorHref = (id) => `/visitor/${encodeURIComponent(id)}`

// ---------------------------------------------------------------------------------------------
// The visitor list

/** The visitor list: the most recently seen visitors of the filtered cohort. */
function visitorTable(summaries, total) {
  if (summaries.length === 0) return '<p class="muted">No visitor matches this filter.</p>'
  const rows = summaries
    .map(
      (s) => `<tr data-visitor="${esc(s.anonymousId)}">
  <td><a href="${esc(visitorHref(s.anonymousId))}" title="${esc(s.anonymousId)}"><code>${esc(short(s.anonymousId))}</code></a></td>
  <td>${s.userId ? esc(s.userId) : '<span class="muted">—</span>'}</td>
  <td>${channelText(s.channel)}</td>
  <td>${campaignText(s.campaign)}</td>
  <td>${phasePill(s.phase)}</td>
  <td>${s.converted ? `<span class="yes" title="${esc(s.conversion.name)}">✓ ${esc(s.conversion.name)}</span>` : '<span class="muted">no</span>'}</td>
  <td>${time(s.lastSeen, 'rel')}</td>
  <td class="num">${s.events}</td>
</tr>`,
    )
    .join('\n')
  const more = total > summaries.length ? `<p class="muted">The ${summaries.length} most recently seen of ${total} visitors.</p>` : ''
  return `<table class="visitors">
<thead><tr><th>Visitor</th><th>User</th><th>First-touch channel</th><th>Campaign</th><th>Current phase</th><th>Converted</th><th>Last seen</th><th class="num">Events</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>${more}`
}

// ---------------------------------------------------------------------------------------------
// The journey map of all visitors

const pct = (share) => `${Math.round(share * 1000) / 10}%`
const count = (n, one, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

/** The filter form: plain GET, so it works without the page's script. */
function filterForm(filter, options) {
  const select = (name, label, values) => {
    const choices = values.map((row) => `<option value="${esc(row.value)}"${row.value === filter[name] ? ' selected' : ''}>${esc(row.value)} (${row.visitors})</option>`)
    // A filter value that has no visitor (any more) stays selectable, so the form shows what is applied.
    if (filter[name] && !values.some((row) => row.value === filter[name])) choices.push(`<option value="${esc(filter[name])}" selected>${esc(filter[name])} (0)</option>`)
    return `<label>${label}<select name="${name}"><option value="">all</option>${choices.join('')}</select></label>`
  }
  const of = (kind) => options.filter((row) => row.filter === kind)
  const periods = Object.keys(PERIODS)
    .map((key) => `<option value="${key}"${key === filter.period ? ' selected' : ''}>${key === 'all' ? 'all time' : `last ${key.replace('h', ' hours').replace('d', ' days')}`}</option>`)
    .join('')
  return `<form class="filters" method="get" action="/">
  <label>Visitors who arrived<select name="period">${periods}</select></label>
  ${select('channel', 'First-touch channel', of('channel'))}
  ${select('campaign', 'Campaign', of('campaign'))}
  ${select('landing', 'Landing page', of('landing'))}
  ${select('device', 'Device', of('device'))}
  <button type="submit">Apply</button>
</form>`
}

function duration(ms) {
  if (ms === null) return '—'
  const s = ms / 1000
  if (s < 90) return `${Math.round(s)} s`
  if (s < 90 * 60) return `${Math.round(s / 60)} min`
  if (s < 48 * 3600) return `${Math.round(s / 360) / 10} h`
  return `${Math.round(s / 8640) / 10} days`
}

function funnelView(funnel) {
  const steps = funnel
    .map(
      (step, i) => `<li class="step" data-phase="${esc(step.phase)}" data-reached="${step.reached}" style="--c:${phaseColor(step.phase)}">
  <div class="step-head">${phasePill(step.phase)}<b class="reached">${count(step.reached, 'visitor')}</b><span class="muted">${pct(step.shareOfAll)} of those who arrived</span></div>
  <div class="bar"><span style="width:${Math.max(step.shareOfAll * 100, step.reached ? 1 : 0)}%"></span></div>
  ${
    i < funnel.length - 1
      ? `<div class="next" data-moved-on="${step.movedOn}">${step.reached ? `<b>${pct(step.movedOnShare)}</b> moved on to a later phase${step.movedOn ? ` · median <b data-median-ms="${step.medianMs}">${duration(step.medianMs)}</b> to get there` : ''}` : '<span class="muted">nobody here yet</span>'}</div>`
      : ''
  }
</li>`,
    )
    .join('\n')
  return `<ol class="funnel">${steps}</ol>`
}

function phaseTouchpoints(byPhase) {
  const cards = byPhase
    .filter((p) => p.movedInBy.length || p.seenMost.length)
    .map(
      (p) => `<div class="phase-card" data-phase="${esc(p.phase)}" style="--c:${phaseColor(p.phase)}">
  <h3>${esc(p.phase)}</h3>
  ${p.movedInBy.length ? `<h4>Moved in by</h4><ul class="movers">${p.movedInBy.map((m) => `<li data-rule="${esc(m.rule ?? '')}"><span title="${esc(m.rule ?? '')}">${esc(m.label)}</span><b>${m.visitors}</b></li>`).join('')}</ul>` : ''}
  ${p.seenMost.length ? `<h4>Seen most here</h4><ul class="seen">${p.seenMost.map((t) => `<li data-touchpoint="${esc(t.touchpoint)}"><span>${t.type === 'page' ? `<code>${esc(t.touchpoint)}</code>` : esc(t.touchpoint)}</span><b title="${t.events} events">${t.visitors}</b></li>`).join('')}</ul>` : ''}
</div>`,
    )
    .join('\n')
  return cards ? `<div class="phase-cards">${cards}</div>` : '<p class="muted">No touchpoints yet.</p>'
}

function conversionTable(rows, { head, cell, attr, key }) {
  if (!rows.length) return '<p class="muted">None yet.</p>'
  const best = Math.max(...rows.map((row) => row.rate), 0.0001)
  return `<table class="conv"><thead><tr><th>${head}</th><th class="num">Visitors</th><th class="num">Customers</th><th>Conversion</th></tr></thead><tbody>
${rows
  .map(
    (row) => `<tr ${attr}="${esc(row[key])}" data-visitors="${row.visitors}" data-converted="${row.converted}"><td>${cell(row)}</td><td class="num">${row.visitors}</td><td class="num"><b>${row.converted}</b></td><td><span class="rate"><span style="width:${(row.rate / best) * 100}%"></span></span> ${pct(row.rate)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`
}

/**
 * The front page's content (also sent alone for live updates): the filter, the totals, the
 * funnel, the flow, the touchpoints of each phase, conversion by channel and campaign, and the
 * visitor list.
 */
export function overviewContent(map, summaries, { collectUrl, filterOptions = [] }) {
  const { totals } = map
  const empty =
    totals.visitors === 0 && !map.filter.channel && !map.filter.campaign && !map.filter.landing && !map.filter.device
      ? `<section class="empty">
  <h2>No visitors yet${map.filter.period === 'all' ? '' : ' in this period'}</h2>
  <p>Point journeykit at this collector and open a page:</p>
  <pre>&lt;script src="journeykit.iife.js" data-endpoint="${esc(collectUrl)}" async&gt;&lt;/script&gt;</pre>
  <p class="muted">This page updates by itself as events arrive.</p>
</section>`
      : ''
  const flow = flowSvg(map.flow, map.phases)
  return `<div class="headline">
  <h1>Journey map</h1>
  <div class="stats"><span><b data-total="visitors">${totals.visitors}</b> visitors</span><span><b data-total="converted">${totals.converted}</b> customers</span><span><b>${totals.visitors ? pct(totals.converted / totals.visitors) : '—'}</b> conversion</span><span><b>${totals.events}</b> events</span></div>
</div>
${filterForm(map.filter, filterOptions)}
${empty}
<div class="overview">
  <section class="panel funnel-panel"><h2>Phase funnel</h2><p class="hint">Visitors in each phase, and how many moved on.</p>${funnelView(map.funnel)}</section>
  <section class="panel flow-panel"><h2>Flow</h2><p class="hint">From the channel that first brought them, through the phases, to a purchase or not.</p><div class="flow" data-links='${esc(JSON.stringify(map.flow.links))}'>${flow || '<p class="muted">No journeys yet.</p>'}</div></section>
</div>
<div class="overview">
  <section class="panel"><h2>Conversion by first-touch channel</h2>${conversionTable(map.channels, { head: 'Channel', cell: (row) => channelText(row.channel), attr: 'data-row-channel', key: 'channel' })}</section>
  <section class="panel"><h2>Conversion by campaign</h2>${conversionTable(map.campaigns, { head: 'Campaign', cell: (row) => campaignText({ name: row.campaign, source: row.source, medium: row.medium }), attr: 'data-row-campaign', key: 'campaign' })}</section>
</div>
<section class="panel"><h2>Touchpoints by phase</h2><p class="hint">What moved visitors into each phase (the rule of their phase change), and what they did most while there, by visitors.</p>${phaseTouchpoints(map.byPhase)}</section>
<section class="panel"><h2>Visitors</h2>${visitorTable(summaries, totals.visitors)}</section>`
}

// ---------------------------------------------------------------------------------------------
// One visitor's journey map

// The timeline's geometry, in CSS pixels. Markers are placed absolutely so that the line that
// joins them (an SVG path drawn on the server) meets them exactly.
const LANE_H = 78
const AXIS_H = 44
const PAD = 28
const WIDTH = { phase: 40, minor: 14 }

/** A step's column: as wide as its label needs (about 6.6 px a character), within bounds. */
const widthOf = (step) => WIDTH[step.kind] ?? Math.min(160, Math.max(58, String(step.label).length * 6.6 + 16))

/** Lays the steps out: x centre and width of each step, and the total width. */
function layout(steps) {
  let x = PAD
  const widths = steps.map(widthOf)
  const xs = widths.map((w) => {
    x += w
    return x - w / 2
  })
  return { xs, widths, width: x + PAD }
}

function timeline({ lanes, steps }) {
  const laneIndex = new Map(lanes.map((phase, i) => [phase, i]))
  const y = (phase) => AXIS_H + (laneIndex.get(phase) ?? 0) * LANE_H + LANE_H / 2
  const { xs, widths, width } = layout(steps)
  const height = AXIS_H + lanes.length * LANE_H

  // The journey line: along the lane while the phase stays, straight down (or up) at a phase
  // change. A step whose lane differs without a phase change (e.g. after `reset()`) gets a
  // plain diagonal.
  let d = ''
  let lane
  const arrows = []
  steps.forEach((step, i) => {
    if (step.kind === 'phase') {
      arrows.push(`<path class="arrow" style="--c:${phaseColor(step.to)}" d="M${xs[i]} ${y(step.from)} V${y(step.to) + (y(step.to) > y(step.from) ? -9 : 9)}" marker-end="url(#head-${esc(step.to)})"/>`)
      if (lane === undefined) d += `M${xs[i]} ${y(step.from)}`
      else d += lane === step.from ? ` H${xs[i]}` : ` L${xs[i]} ${y(step.from)}`
      d += ` V${y(step.to)}`
      lane = step.to
      return
    }
    if (lane === undefined) d += `M${xs[i]} ${y(step.lane)}`
    else d += lane === step.lane ? ` H${xs[i]}` : ` L${xs[i]} ${y(step.lane)}`
    lane = step.lane
  })
  const heads = [...new Set(steps.filter((s) => s.kind === 'phase').map((s) => s.to))]
    .map((to) => `<marker id="head-${esc(to)}" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${phaseColor(to)}"/></marker>`)
    .join('')

  const bands = lanes
    .map((phase, i) => `<div class="lane" data-phase="${esc(phase)}" style="--c:${phaseColor(phase)};top:${AXIS_H + i * LANE_H}px;height:${LANE_H}px"></div>`)
    .join('')
  const labels = lanes
    .map((phase, i) => `<div class="lane-label" data-phase="${esc(phase)}" style="--c:${phaseColor(phase)};top:${AXIS_H + i * LANE_H}px;height:${LANE_H}px"><span>${esc(phase)}</span></div>`)
    .join('')

  const axis = []
  let lastTick = ''
  let lastTickX = -Infinity
  const markers = steps.map((step, i) => {
    const x = xs[i]
    const w = widths[i]
    if (step.newSession && i > 0) {
      axis.push(`<div class="session-break" style="left:${x - w / 2}px;height:${height}px"><span>session ${step.session} · ${esc(gap(step.gapMs))} later</span></div>`)
    }
    // A time above each step, unless it is the same second as the one before (bursts of
    // touchpoints would repeat it all along the axis) or too close to it to be read.
    if (step.kind !== 'minor' && step.kind !== 'phase' && step.time.slice(0, 19) !== lastTick && x - lastTickX >= 96) {
      lastTick = step.time.slice(0, 19)
      lastTickX = x
      axis.push(`<div class="tick" style="left:${x}px">${time(step.time, 'time')}</div>`)
    }
    const tip = [
      `${step.type} ${step.name}`,
      step.kind === 'phase' ? `${step.from} → ${step.to}${step.rule ? ` (rule ${step.rule})` : ''}` : `phase: ${step.lane}`,
      `path: ${step.path}`,
      step.time,
      Object.keys(step.props ?? {}).length ? JSON.stringify(step.props) : '',
    ]
      .filter(Boolean)
      .join('\n')
    const attrs = `class="marker ${step.kind}" data-kind="${step.kind}" data-event-id="${esc(step.id)}" data-name="${esc(step.name)}" data-path="${esc(step.path)}" title="${esc(tip)}"`
    if (step.kind === 'phase') {
      const top = Math.min(y(step.from), y(step.to))
      const up = y(step.to) < y(step.from) ? ' up' : ''
      return `<div ${attrs.replace('class="marker phase"', `class="marker phase${up}"`)} data-from="${esc(step.from)}" data-to="${esc(step.to)}" data-lane="${esc(step.to)}" style="--c:${phaseColor(step.to)};left:${x - w / 2}px;width:${w}px;top:${top}px;height:${Math.abs(y(step.to) - y(step.from))}px"><span class="label">${esc(step.to)}</span></div>`
    }
    const top = y(step.lane) - LANE_H / 2
    const label = step.kind === 'minor' ? '' : `<span class="label">${esc(step.label)}</span>`
    return `<div ${attrs} data-lane="${esc(step.lane)}" style="--c:${phaseColor(step.lane)};left:${x - w / 2}px;width:${w}px;top:${top}px;height:${LANE_H}px"><span class="dot"></span>${label}</div>`
  })

  return `<div class="journey" style="height:${height}px">
  <div class="lane-labels" style="height:${height}px"><div class="axis-title" style="height:${AXIS_H}px">phase</div>${labels}</div>
  <div class="map-scroll">
    <div class="map" style="width:${width}px;height:${height}px">
      ${bands}
      ${axis.join('')}
      <svg class="line" width="${width}" height="${height}" aria-hidden="true"><defs>${heads}</defs><path class="path" d="${d}"/>${arrows.join('')}</svg>
      ${markers.join('\n      ')}
    </div>
  </div>
</div>`
}

function gap(ms) {
  const s = ms / 1000
  if (s < 90) return `${Math.round(s)} s`
  if (s < 90 * 60) return `${Math.round(s / 60)} min`
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`
  return `${Math.round(s / 86400)} d`
}

const legend = `<ul class="legend">
  <li><span class="marker page"><span class="dot"></span></span>page view</li>
  <li><span class="marker event"><span class="dot"></span></span>event</li>
  <li><span class="marker conversion"><span class="dot"></span></span>conversion</li>
  <li><span class="legend-arrow">↓</span>phase change</li>
  <li><span class="marker minor"><span class="dot"></span></span>scroll, engagement, vitals</li>
</ul>`

/** One visitor's page content (also sent alone for live updates). */
export function visitorContent(journey) {
  const { summary: s, steps } = journey
  const counts = `${s.events} event${s.events === 1 ? '' : 's'} · ${s.sessions} session${s.sessions === 1 ? '' : 's'}`
  const rows = [...steps]
    .reverse()
    .map(
      (step) => `<tr><td>${time(step.time, 'datetime')}</td><td>${phasePill(step.lane)}</td><td>${esc(step.type)}</td><td>${esc(step.name)}</td><td><code>${esc(step.path)}</code></td><td class="props"><code>${esc(Object.keys(step.props ?? {}).length ? JSON.stringify(step.props) : '')}</code></td></tr>`,
    )
    .join('\n')
  const partial = journey.shown < s.events ? `<p class="muted" data-shown="${journey.shown}">The map shows the latest ${journey.shown} of ${s.events} events.</p>` : ''
  return `<a class="back" href="/">← Journey map</a>
<div class="headline">
  <h1>Visitor <code title="${esc(s.anonymousId)}">${esc(short(s.anonymousId))}</code>${s.userId ? ` <span class="user">${esc(s.userId)}</span>` : ''}</h1>
</div>
<div class="cards">
  <div class="card" data-card="channel"><h2>First-touch channel</h2><p>${channelText(s.channel)}</p></div>
  <div class="card" data-card="campaign"><h2>Campaign</h2><p>${campaignText(s.campaign)}</p></div>
  <div class="card" data-card="phase"><h2>Current phase</h2><p>${phasePill(s.phase)}</p></div>
  <div class="card${s.converted ? ' converted' : ''}" data-card="conversion"><h2>Converted</h2><p>${s.converted ? `<span class="yes" data-converted="true">✓ ${esc(s.conversion.name)}</span> <small class="muted">${time(s.conversion.timestamp, 'time')}</small>` : '<span class="muted" data-converted="false">not yet</span>'}</p></div>
  <div class="card" data-card="activity"><h2>Activity</h2><p>${counts}${s.dropped ? ` · <span class="warn">${s.dropped} dropped by the client</span>` : ''}</p></div>
</div>
${partial}<section class="timeline">
  <div class="section-head"><h2>Journey</h2>${legend}</div>
  ${timeline(journey)}
</section>
<details class="events">
  <summary>All events, newest first (${steps.length})</summary>
  <table><thead><tr><th>Time</th><th>Phase</th><th>Type</th><th>Name</th><th>Path</th><th>Props</th></tr></thead><tbody>
${rows}
  </tbody></table>
</details>`
}

// ---------------------------------------------------------------------------------------------
// The page around the content

/**
 * A whole page. `partialUrl` is where the inline script fetches fresh content when the server
 * says (over Server-Sent Events) that new events arrived; `visitor` limits that to one visitor.
 */
export function page({ title, content, nonce, partialUrl, visitor = '' }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
<header class="top">
  <a class="brand" href="/"><span class="logo">◆</span> journeykit <span class="muted">journey map</span></a>
  <span id="live" class="live" title="Updates as events arrive">connecting…</span>
</header>
<main id="content" data-partial="${esc(partialUrl)}" data-visitor="${esc(visitor)}">
${content}
</main>
<script nonce="${esc(nonce)}">${SCRIPT}</script>
</body>
</html>`
}

// Live updates: the server sends an `update` event naming the visitors that got new events;
// the page fetches its content again (debounced) and swaps it in, keeping the timeline's
// scroll position. Without EventSource it polls.
const SCRIPT = `(() => {
  const root = document.getElementById('content')
  const live = document.getElementById('live')
  const rel = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  function localize() {
    for (const el of root.querySelectorAll('time[data-fmt]')) {
      const date = new Date(el.dateTime)
      if (isNaN(date)) continue
      const fmt = el.dataset.fmt
      el.title = date.toLocaleString()
      if (fmt === 'time') el.textContent = date.toLocaleTimeString()
      else if (fmt === 'datetime') el.textContent = date.toLocaleString()
      else {
        const s = Math.round((date - Date.now()) / 1000)
        el.textContent = Math.abs(s) < 60 ? rel.format(s, 'second') : Math.abs(s) < 3600 ? rel.format(Math.round(s / 60), 'minute') : Math.abs(s) < 86400 ? rel.format(Math.round(s / 3600), 'hour') : rel.format(Math.round(s / 86400), 'day')
      }
    }
  }
  let timer
  function refresh() {
    clearTimeout(timer)
    timer = setTimeout(async () => {
      const scroller = root.querySelector('.map-scroll')
      const left = scroller ? scroller.scrollLeft : 0
      const atEnd = scroller && left > 0 && left + scroller.clientWidth >= scroller.scrollWidth - 4
      const open = root.querySelector('details.events')?.open
      try {
        const res = await fetch(root.dataset.partial, { cache: 'no-store' })
        if (!res.ok) return
        root.innerHTML = await res.text()
      } catch { return }
      localize()
      const next = root.querySelector('.map-scroll')
      if (next) next.scrollLeft = atEnd ? next.scrollWidth : left
      const details = root.querySelector('details.events')
      if (details && open) details.open = true
      root.dataset.updated = String(Number(root.dataset.updated || 0) + 1)
    }, 150)
  }
  function status(on) {
    live.textContent = on ? 'live' : 'reconnecting…'
    live.classList.toggle('on', on)
  }
  localize()
  setInterval(localize, 30000)
  if (typeof EventSource === 'function') {
    const source = new EventSource('/live')
    source.onopen = () => status(true)
    source.onerror = () => status(false)
    source.addEventListener('update', (message) => {
      const { visitors } = JSON.parse(message.data)
      if (!root.dataset.visitor || visitors.includes(root.dataset.visitor)) refresh()
    })
  } else {
    status(true)
    setInterval(refresh, 5000)
  }
})()`

const CSS = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; --card: #fff; --accent: #4f46e5; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); }
.top { display: flex; align-items: center; justify-content: space-between; padding: 12px 28px; background: #fff; border-bottom: 1px solid var(--line); }
.brand { font-weight: 650; font-size: 15px; color: var(--ink); }
.brand .muted { font-weight: 400; }
.logo { color: var(--accent); }
.live { font-size: 12px; color: var(--muted); display: inline-flex; align-items: center; gap: 6px; }
.live::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: #cbd5e1; }
.live.on { color: #047857; }
.live.on::before { background: #10b981; box-shadow: 0 0 0 3px #d1fae5; }
main { padding: 20px 28px 40px; max-width: 1680px; }
h1 { font-size: 22px; margin: 4px 0 14px; font-weight: 650; letter-spacing: -0.01em; }
h1 code { font-size: 18px; background: #eef2ff; color: #3730a3; padding: 2px 8px; border-radius: 6px; }
.headline { display: flex; align-items: baseline; justify-content: space-between; gap: 16px; flex-wrap: wrap; }
.stats { display: flex; gap: 18px; color: var(--muted); }
.stats b { color: var(--ink); }
.back { font-size: 13px; }
.user { font-size: 14px; font-weight: 500; background: #ecfdf5; color: #065f46; padding: 2px 10px; border-radius: 99px; vertical-align: middle; }
.pill { display: inline-block; padding: 1px 10px; border-radius: 99px; font-size: 12.5px; font-weight: 600; color: var(--c); background: color-mix(in srgb, var(--c) 12%, white); border: 1px solid color-mix(in srgb, var(--c) 30%, white); }
.channel { font-weight: 600; }
.yes { color: #047857; font-weight: 600; }
.warn { color: #b45309; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
table.visitors { border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
th, td { text-align: left; padding: 9px 12px; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; background: #f1f5f9; }
tr:last-child td { border-bottom: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.visitors tbody tr:hover { background: #f8fafc; }
.empty { background: #fff; border: 1px dashed #cbd5e1; border-radius: 12px; padding: 28px; text-align: center; }
.empty pre { display: inline-block; text-align: left; background: #0f172a; color: #e2e8f0; padding: 12px 16px; border-radius: 8px; }
.cards { display: grid; grid-template-columns: repeat(5, minmax(150px, 1fr)); gap: 12px; margin-bottom: 18px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
.card h2 { margin: 0 0 4px; font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; }
.card p { margin: 0; font-size: 15px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.card small { font-size: 12.5px; }
.card.converted { border-color: #a7f3d0; background: #f0fdf4; }
.timeline { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 12px 0 8px; }
.section-head { display: flex; align-items: center; justify-content: space-between; padding: 0 16px 8px; flex-wrap: wrap; gap: 8px; }
.section-head h2 { margin: 0; font-size: 15px; }
.legend { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; font-size: 12px; color: var(--muted); flex-wrap: wrap; }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.legend .marker { position: relative; display: inline-flex; width: 16px; height: 16px; align-items: center; justify-content: center; --c: #64748b; }
.legend .marker.conversion { --c: #10b981; }
.legend-arrow { color: var(--accent); font-weight: 700; }
.journey { display: flex; border-top: 1px solid var(--line); }
.lane-labels { position: relative; flex: 0 0 124px; border-right: 1px solid var(--line); }
.axis-title { display: flex; align-items: center; padding-left: 16px; font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
.lane-label { position: absolute; left: 0; right: 0; display: flex; align-items: center; padding-left: 16px; border-top: 1px solid var(--line); background: color-mix(in srgb, var(--c) 7%, white); }
.lane-label span { font-weight: 650; color: var(--c); text-transform: capitalize; font-size: 13px; }
.lane-label::before { content: ""; position: absolute; left: 0; top: 0; bottom: 0; width: 4px; background: var(--c); }
.map-scroll { overflow-x: auto; flex: 1; }
.map { position: relative; min-width: 100%; }
.lane { position: absolute; left: 0; right: 0; border-top: 1px solid var(--line); background: color-mix(in srgb, var(--c) 4%, white); }
.tick { position: absolute; top: 12px; transform: translateX(-50%); font-size: 11px; color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
.session-break { position: absolute; top: 0; border-left: 2px dashed #94a3b8; z-index: 1; }
.session-break span { position: absolute; top: 0; left: 6px; font-size: 11px; color: #475569; white-space: nowrap; background: #fff; padding: 0 4px; }
svg.line { position: absolute; left: 0; top: 0; pointer-events: none; }
svg .path { fill: none; stroke: #cbd5e1; stroke-width: 3; stroke-linejoin: round; stroke-linecap: round; }
svg .arrow { fill: none; stroke: var(--c); stroke-width: 3; stroke-linecap: round; }
.marker { position: absolute; z-index: 2; }
.marker .dot { position: absolute; left: 50%; top: 50%; width: 16px; height: 16px; margin: -8px 0 0 -8px; border-radius: 50%; background: #fff; border: 3px solid var(--c); box-shadow: 0 1px 2px rgb(15 23 42 / 0.15); }
.marker.event .dot, .marker.identify .dot { border-radius: 3px; transform: rotate(45deg) scale(0.9); background: var(--c); }
.marker.conversion .dot { width: 22px; height: 22px; margin: -11px 0 0 -11px; background: #10b981; border-color: #fff; box-shadow: 0 0 0 2px #10b981, 0 2px 6px rgb(16 185 129 / 0.5); }
.marker.conversion .dot::after { content: "✓"; position: absolute; inset: 0; color: #fff; font-size: 12px; font-weight: 800; display: flex; align-items: center; justify-content: center; }
.marker.minor .dot { width: 8px; height: 8px; margin: -4px 0 0 -4px; border-width: 0; background: color-mix(in srgb, var(--c) 55%, white); box-shadow: none; }
.marker .label { position: absolute; left: 4px; right: 4px; top: calc(50% + 13px); text-align: center; font-size: 11.5px; line-height: 1.25; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; color: #334155; }
.marker.conversion .label { font-weight: 700; color: #047857; top: calc(50% + 16px); }
.marker.page .label { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11px; }
.marker.phase { z-index: 1; }
.marker.phase.up .label { top: 0; bottom: auto; transform: translate(9px, calc(-100% - 13px)); }
.marker.phase .label { top: auto; bottom: 0; left: 50%; right: auto; transform: translate(9px, -13px); font-size: 10px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; color: var(--c); background: #fff; border: 1px solid color-mix(in srgb, var(--c) 40%, white); border-radius: 99px; padding: 0 6px; overflow: visible; }
.events { margin-top: 18px; }
.events summary { cursor: pointer; color: var(--muted); font-weight: 600; padding: 6px 0; }
.events table { border: 1px solid var(--line); font-size: 13px; }
.events .props code { color: #475569; white-space: pre-wrap; word-break: break-all; }
@media (max-width: 900px) { .cards { grid-template-columns: repeat(2, 1fr); } }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; margin-bottom: 16px; }
.filters label { display: flex; flex-direction: column; font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; gap: 3px; }
.filters select { font: inherit; font-size: 13px; text-transform: none; letter-spacing: 0; color: var(--ink); padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; background: #fff; max-width: 220px; }
.filters button { font: inherit; font-weight: 600; padding: 5px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
.overview { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(420px, 2fr); gap: 16px; margin-bottom: 16px; }
.overview + .overview { grid-template-columns: 1fr 1fr; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 12px 16px 14px; margin-bottom: 16px; }
.overview .panel { margin-bottom: 0; }
.panel h2 { margin: 0; font-size: 15px; }
.hint { margin: 2px 0 10px; color: var(--muted); font-size: 12.5px; }
.funnel { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
.step-head { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
.step-head .reached { font-size: 15px; }
.step .bar { height: 10px; background: #f1f5f9; border-radius: 99px; margin: 4px 0 2px; overflow: hidden; }
.step .bar span { display: block; height: 100%; background: var(--c); border-radius: 99px; }
.step .next { font-size: 12.5px; color: #334155; padding-left: 14px; border-left: 2px solid color-mix(in srgb, var(--c) 40%, white); }
.flow svg { width: 100%; height: auto; display: block; }
.conv { font-size: 13px; }
.conv th, .conv td { padding: 6px 10px; }
.rate { display: inline-block; width: 90px; height: 8px; background: #f1f5f9; border-radius: 99px; overflow: hidden; vertical-align: middle; margin-right: 6px; }
.rate span { display: block; height: 100%; background: #10b981; }
.phase-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
.phase-card { border: 1px solid var(--line); border-top: 4px solid var(--c); border-radius: 10px; padding: 8px 12px; }
.phase-card h3 { margin: 0 0 4px; font-size: 13px; text-transform: capitalize; color: var(--c); }
.phase-card h4 { margin: 6px 0 2px; font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.phase-card ul { list-style: none; margin: 0; padding: 0; font-size: 12.5px; }
.phase-card li { display: flex; justify-content: space-between; gap: 8px; padding: 1px 0; }
.phase-card li span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
@media (max-width: 1000px) { .overview, .overview + .overview { grid-template-columns: 1fr; } }
`
