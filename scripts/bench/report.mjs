// Turns bench results into an aligned text table, judges the targets, and takes the median of
// several runs. Numbers only: nothing here fails.

/** Median of numbers (NaN when there are none). */
export function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b)
  if (!sorted.length) return NaN
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * The element-wise median of several result objects of the same shape: numbers become their
 * median, booleans what most of them say, objects and arrays are combined key by key, anything
 * else is taken from the first.
 */
export function medianOf(objects) {
  const first = objects[0]
  if (typeof first === 'number') return median(objects)
  if (typeof first === 'boolean') return objects.filter((o) => o === true).length * 2 > objects.length
  if (Array.isArray(first)) return first.map((_, i) => medianOf(objects.map((o) => o?.[i])))
  if (first && typeof first === 'object') {
    const out = {}
    for (const key of Object.keys(first)) out[key] = medianOf(objects.map((o) => o?.[key]))
    return out
  }
  return first
}

const nf = (digits) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const num = (value, digits = 0) => (typeof value === 'number' && Number.isFinite(value) ? nf(digits).format(value) : '–')

export const fmt = {
  us: (v, d = 2) => `${num(v, d)} µs`,
  ms: (v, d = 1) => `${num(v, d)} ms`,
  x: (v) => `${num(v, v < 10 ? 1 : 0)}×`,
  n: (v, d = 0) => num(v, d),
  kb: (bytes) => `${num(bytes / 1000, 1)} kB`,
  mb: (bytes) => `${num(bytes / 1e6, 2)} MB`,
  bytes: (bytes) => `${num(bytes)} B`,
  /** A per-call time measured with a clamped timer: a multiple of the resolution. */
  timer: (v, resolution) => (v === 0 ? `< ${num(resolution, resolution < 1 ? 1 : 0)} µs` : `${num(v, 1)} µs`),
}

/** Renders one section `{ title, header?, rows }` as an aligned table; numbers right-aligned. */
export function table({ title, header, rows }) {
  const all = header ? [header, ...rows] : rows
  const width = []
  for (const row of all) row.forEach((cell, i) => (width[i] = Math.max(width[i] ?? 0, String(cell).length)))
  const line = (row) =>
    row.map((cell, i) => (i === 0 ? '  ' + String(cell).padEnd(width[0]) : String(cell).padStart(width[i]))).join('   ').trimEnd()
  return ['', title, ...all.map(line)].join('\n')
}

/**
 * journeykit's main-thread µs per event from track() until acknowledged and removed, `label`
 * being 'burst' or 'one every 10 ms': from the delivery scenario, else from the peers run.
 */
function deliveredUs(r, label) {
  const fromDelivery = r.delivery?.[label]?.mainThreadUsPerEvent
  if (typeof fromDelivery === 'number') return { us: fromDelivery, source: 'delivery' }
  const fromPeers = r.peers?.products?.journeykit?.[label === 'burst' ? 'burst' : 'spread']?.mainUsPerEvent
  return { us: fromPeers, source: 'peers run' }
}

/** The targets of issues 5 and 10, judged from one result object. */
export function judge(r) {
  const targets = []
  const variants = Object.entries(r.track ?? {})
  if (variants.length) {
    const perCall = variants.map(([name, v]) => ({ name, loop: v.loopUs, p50: v.track.p50, ratio: v.ratioLoop }))
    targets.push({
      target: 'track() at most 5 µs per call',
      met: perCall.every((v) => v.loop <= 5 && v.p50 <= 5),
      detail: perCall.map((v) => `${v.name} ${fmt.us(v.loop)} a call (loop), median ${fmt.timer(v.p50, r.meta.timerResolutionUs)}`).join('; '),
    })
    targets.push({
      target: 'track() within 10× the floor',
      met: perCall.every((v) => v.ratio <= 10),
      detail:
        perCall.map((v) => `${v.name} ${fmt.x(v.ratio)}`).join('; ') +
        ` (loops; floor ${fmt.us(variants[0][1].floorLoopUs, 3)} a push); fastest 1,000 of each: ` +
        variants.map(([name, v]) => `${name} ${fmt.x(v.ratioBest)}`).join('; '),
    })
  }
  if (r.longTasks) {
    const runs = Object.entries(r.longTasks)
    targets.push({
      target: 'no long task from the library',
      met: runs.every(([, v]) => v.fromLibrary + v.unattributed === 0),
      detail: runs
        .map(([name, v]) => `${name}: ${fmt.n(v.fromLibrary)} in its tasks, ${fmt.n(v.unattributed)} unattributed` + (v.fromLibrary + v.unattributed ? ` (longest ${fmt.ms(v.longestLibraryMs, 0)})` : '') + `, ${fmt.n(v.fromLoop)} in the page's loop of ${fmt.n(v.events)} calls`)
        .join('; '),
    })
  }
  if (r.delivery?.burst) {
    const b = r.delivery.burst
    targets.push({
      target: 'at most 1 IndexedDB write transaction per 20 events in a burst',
      met: b.writeTxPer1000 <= 50,
      detail: `${fmt.n(b.writeTxPer1000)} per 1,000 (1 per ${fmt.n(1000 / b.writeTxPer1000, 1)} events): ${fmt.n(b.enqueueTxPer1000)} storing events, ${fmt.n(b.ackTxPer1000)} removing delivered ones, ${fmt.n(b.otherTxPer1000)} other`,
    })
  }
  if (r.delivery) {
    const runs = Object.entries(r.delivery)
    targets.push({
      target: 'at most ceil(N / batchSize) requests for N events',
      met: runs.every(([, v]) => v.requests <= v.requestLimit),
      detail: runs.map(([name, v]) => `${name}: ${fmt.n(v.requests)} for ${fmt.n(v.events)} events (limit ${fmt.n(v.requestLimit)})`).join('; '),
    })
  }
  // Issue 10: the cost of an event until its batch is acknowledged and removed, and re-sends.
  for (const [label, limit, what] of [['burst', 60, 'in a burst of 1,000'], ['one every 10 ms', 150, 'with events every 10 ms']]) {
    const { us, source } = deliveredUs(r, label)
    if (typeof us !== 'number') continue
    const peersUs = r.peers?.products?.journeykit?.[label === 'burst' ? 'burst' : 'spread']?.mainUsPerEvent
    targets.push({
      target: `main-thread time per event, track() until acknowledged and removed, ${what}: at most ${limit} µs`,
      met: us <= limit,
      detail: `${fmt.us(us, 1)} per event (${source})` + (source === 'delivery' && typeof peersUs === 'number' ? `; ${fmt.us(peersUs, 1)} in the peers run (with defaults())` : ''),
    })
  }
  if (r.resend) {
    const v = r.resend
    targets.push({
      target: 'at most 1 re-sent copy per 20 events tracked right before a navigation',
      met: v.copiesPer20 <= 1 && v.lost === 0,
      detail: `${fmt.n(v.copies)} copies for ${fmt.n(v.events)} events (${fmt.n(v.copiesPer20, 2)} per 20), ${fmt.n(v.rounds)} pages of ${fmt.n(v.perPage)}` + (v.lost ? `; ${fmt.n(v.lost)} NOT delivered` : '; all delivered'),
    })
  }
  return targets
}

/** `value` and its ratio to journeykit's, e.g. `15.6 kB (1.06×)`. */
function withRatio(text, value, base) {
  const ratio = value / base
  return Number.isFinite(ratio) && ratio > 0 ? `${text} (${num(ratio, ratio < 10 ? 2 : 0)}×)` : text
}

/** The peers table: journeykit first, every other product with its ratio to journeykit. */
export function peersTable(peers) {
  const products = Object.entries(peers.products)
  const base = peers.products.journeykit
  const cell = (f, show) => products.map(([name, v]) => (name === 'journeykit' || !base ? show(f(v)) : withRatio(show(f(v)), f(v), f(base))))
  const delivered = (s) =>
    `${fmt.n(s.received)} of ${fmt.n(s.events)}` + (s.copies ? ` +${fmt.n(s.copies)} copies` : '') + (s.failed ? ` (${fmt.n(s.failed)} failed)` : '') + (s.failedRequests ? ` (failed requests: ${fmt.n(s.failedRequests)})` : '') + (s.finished ? '' : ' (unsettled)')
  const rows = [
    ['script: minified bundle, brotli', ...cell((v) => v.bytes.brotli, fmt.bytes)],
    ['  gzip', ...cell((v) => v.bytes.gzip, fmt.bytes)],
    ["  the package's prebuilt browser file, brotli", ...cell((v) => v.bytes.prebuiltBrotli, fmt.bytes)],
    [`track() per call, loop of ${fmt.n(peers.events)}: median of its chunks of 100`, ...cell((v) => v.burst.trackUs, (x) => fmt.us(x))],
    ['  the whole loop ÷ its calls', ...cell((v) => v.burst.trackMeanUs, (x) => fmt.us(x))],
    [`main thread per ${fmt.n(peers.events)} events until delivered and removed, burst`, ...cell((v) => v.burst.mainMsPer1000, (x) => fmt.ms(x))],
    [`  one every ${fmt.n(peers.every)} ms`, ...cell((v) => v.spread.mainMsPer1000, (x) => fmt.ms(x))],
    ['requests, burst / spread', ...products.map(([, v]) => `${fmt.n(v.burst.requests)} / ${fmt.n(v.spread.requests)}`)],
    ['request bodies, burst', ...products.map(([, v]) => fmt.kb(v.burst.bodyBytes))],
    ['delivered, burst', ...products.map(([, v]) => delivered(v.burst))],
    ['delivered, spread', ...products.map(([, v]) => delivered(v.spread))],
    ...(products.some(([, v]) => v.burst.firstFailure || v.spread.firstFailure)
      ? [['first failure the SDK reported', ...products.map(([, v]) => v.burst.firstFailure || v.spread.firstFailure || '')]]
      : []),
    ['wall time from the last track() until settled, burst / spread', ...products.map(([, v]) => `${fmt.ms(v.burst.wallMs, 0)} / ${fmt.ms(v.spread.wallMs, 0)}`)],
  ]
  return {
    title: `peers in the same run: ${fmt.n(peers.events)} events each, default options, collector on 127.0.0.1` + (peers.runs > 1 ? ` (median of ${peers.runs} runs)` : '') + '; (×) = ratio to journeykit',
    header: ['', ...products.map(([name, v]) => `${name} ${v.version}`)],
    rows,
  }
}

/** The whole report as text. */
export function render(r) {
  const res = r.meta.timerResolutionUs
  const out = []
  out.push(
    `journeykit bench · ${r.meta.chromium} (headless) · ${r.meta.cores} cores · Node ${r.meta.node} · ` +
      `commit ${r.meta.commit}${r.meta.dirty ? ' + uncommitted src/ changes' : ''} · ${r.meta.date}` +
      (r.meta.runs > 1 ? ` · median of ${r.meta.runs} runs` : ''),
  )
  out.push(
    `cross-origin isolated: ${r.meta.crossOriginIsolated ? 'yes' : 'NO'} · performance.now() resolution ${fmt.n(res, 1)} µs · ` +
      `collector: ${r.meta.collector} · ${r.meta.rounds} rounds of ${fmt.n(r.meta.calls)} calls`,
  )
  const busy = Math.max(r.meta.loadBefore ?? 0, r.meta.loadAfter ?? 0)
  out.push(
    `load average (1 min): ${fmt.n(r.meta.loadBefore, 1)} before, ${fmt.n(r.meta.loadAfter, 1)} after` +
      (busy > 2 * r.meta.cores ? ` · the machine was busy with other work: expect slower, noisier numbers` : ''),
  )

  const sections = []
  const variants = Object.entries(r.track ?? {})
  if (variants.length) {
    const col = (f) => variants.map(([, v]) => f(v))
    sections.push({
      title: `track() main-thread cost (${fmt.n(r.meta.calls)} calls, median of ${r.meta.rounds} rounds)`,
      rows: [
        ['per call, median (timed one by one)', ...col((v) => fmt.timer(v.track.p50, res))],
        ['per call, p99', ...col((v) => fmt.timer(v.track.p99, res))],
        ['per call, p99.9', ...col((v) => fmt.timer(v.track.p999, res))],
        ['per call, mean of the timed calls', ...col((v) => fmt.us(v.track.mean))],
        ['per call, one loop of 10,000 ÷ 10,000', ...col((v) => fmt.us(v.loopUs))],
        ['per call, fastest 1,000 of that loop', ...col((v) => fmt.us(v.loopBestUs))],
        ['floor: array.push({ name, props, time }), loop', ...col((v) => fmt.us(v.floorLoopUs, 3))],
        ['floor, fastest 1,000 of that loop', ...col((v) => fmt.us(v.floorBestUs, 3))],
        ['floor, mean of the timed pushes', ...col((v) => fmt.us(v.floor.mean))],
        ['timer alone (two performance.now()), mean', ...col((v) => fmt.us(v.empty.mean))],
        ['track() ÷ floor (loops)', ...col((v) => fmt.x(v.ratioLoop))],
        ['track() ÷ floor (fastest 1,000 of each)', ...col((v) => fmt.x(v.ratioBest))],
        ['deferred: processing until stored, CPU per event', ...col((v) => fmt.us(v.processingUs, 1))],
        ['main thread until stored, CPU per event (loop + deferred)', ...col((v) => fmt.us(v.storedUs, 1))],
      ],
      header: ['', ...variants.map(([name]) => name)],
    })
  }
  const text = []
  for (const section of sections) text.push(table(section))

  const rest = []
  if (r.startup) {
    const s = r.startup
    rest.push({
      title: 'start-up: the script tag (journeykit.iife.js, inline) until the first page view is stored',
      rows: [
        ['evaluation + createJourney, synchronous (wall)', fmt.ms(s.first.syncMs, 2), fmt.ms(s.returning.syncMs, 2)],
        ['  the same task, main-thread CPU', fmt.ms(s.first.syncCpuMs, 2), fmt.ms(s.returning.syncCpuMs, 2)],
        ['main-thread CPU until the page view is stored', fmt.ms(s.first.cpuMs, 2), fmt.ms(s.returning.cpuMs, 2)],
        ['wall time until the page view is queued (IndexedDB put)', fmt.ms(s.first.queuedMs), fmt.ms(s.returning.queuedMs)],
        ['wall time until it is stored (transaction complete)', fmt.ms(s.first.storedMs), fmt.ms(s.returning.storedMs)],
      ],
      header: ['', 'first visit', 'returning visit'],
    })
  }
  if (r.delivery) {
    const d = Object.entries(r.delivery)
    const col = (f) => d.map(([, v]) => f(v))
    rest.push({
      title: 'queue and delivery, per 1,000 events (default options: batchSize 50, flushInterval 5 s)',
      rows: [
        ['IndexedDB write transactions', ...col((v) => fmt.n(v.writeTxPer1000))],
        ['  storing events', ...col((v) => fmt.n(v.enqueueTxPer1000))],
        ['  removing delivered events', ...col((v) => fmt.n(v.ackTxPer1000))],
        ['  other (state only)', ...col((v) => fmt.n(v.otherTxPer1000))],
        ['IndexedDB read transactions', ...col((v) => fmt.n(v.readTxPer1000))],
        ['requests', ...col((v) => fmt.n(v.requestsPer1000))],
        ['request bodies', ...col((v) => fmt.kb(v.bodyBytesPer1000))],
        ['bytes on the wire, sent (heads + bodies)', ...col((v) => fmt.kb(v.sentBytesPer1000))],
        ['bytes on the wire, received', ...col((v) => fmt.kb(v.receivedBytesPer1000))],
        ['main-thread CPU per event: track, store, send, remove', ...col((v) => fmt.us(v.mainThreadUsPerEvent, 1))],
        ["  the bench page's own timer loop, measured alone and taken out", ...col((v) => (v.harnessUsPerEvent ? fmt.us(v.harnessUsPerEvent, 1) : '–'))],
        ['time from the first track() to the last acknowledgement', ...col((v) => fmt.ms(v.ackMs, 0))],
        ['  of which tracking took', ...col((v) => fmt.ms(v.trackingMs, 0))],
        ['events received by the collector (unique)', ...col((v) => `${fmt.n(v.received)} (${fmt.n(v.unique)})`)],
      ],
      header: ['', ...d.map(([name]) => name)],
    })
  }
  if (r.longTasks || r.heap) {
    const rows = []
    for (const [name, v] of Object.entries(r.longTasks ?? {})) {
      rows.push([`long tasks (> 50 ms), burst of ${fmt.n(v.events)} until delivered, ${name}`, `${fmt.n(v.count)}` + (v.count ? ` (longest ${fmt.ms(v.longestMs, 0)})` : '')])
      rows.push(['  in the page\'s own loop of track() calls', fmt.n(v.fromLoop)])
      rows.push(['  in the library\'s tasks / not attributable', `${fmt.n(v.fromLibrary)} / ${fmt.n(v.unattributed)}`])
      rows.push([`  the loop of ${fmt.n(v.events)} track() calls took`, fmt.ms(v.loopMs)])
      rows.push([`  all ${fmt.n(v.events)} acknowledged after`, fmt.ms(v.ackMs, 0)])
    }
    if (r.heap) {
      rows.push(['JS heap after gc(): page with the library loaded', fmt.mb(r.heap.beforeBytes)])
      rows.push(['  after createJourney + 20 events', fmt.mb(r.heap.createdBytes)])
      rows.push([`  after ${fmt.n(r.heap.events)} events delivered`, fmt.mb(r.heap.afterBytes)])
      rows.push(['  growth kept after delivery', fmt.kb(r.heap.afterBytes - r.heap.createdBytes)])
      rows.push([`  after ${fmt.n(r.heap.events)} more delivered`, fmt.mb(r.heap.againBytes)])
      rows.push([`  growth over those ${fmt.n(r.heap.events)}`, fmt.kb(r.heap.againBytes - r.heap.afterBytes)])
    }
    rest.push({ title: 'long tasks and memory', rows })
  }
  if (r.sizes?.entries?.length) {
    rest.push({
      title: 'size of every size-limit entry (minified, all dependencies)',
      rows: r.sizes.entries.map((e) => [e.name, fmt.bytes(e.brotli), fmt.bytes(e.gzip), e.limit, e.passed === false ? 'over' : 'ok']),
      header: ['', 'brotli', 'gzip', 'limit', ''],
    })
  } else if (r.sizes?.error) {
    rest.push({ title: 'sizes', rows: [['size-limit failed', r.sizes.error]] })
  }
  if (r.resend) {
    const v = r.resend
    rest.push({
      title: `re-sends: ${fmt.n(v.rounds)} pages in a row, each tracks ${fmt.n(v.perPage)} events right before navigating away`,
      rows: [
        ['events delivered (unique ids)', `${fmt.n(v.received)} of ${fmt.n(v.events)}`],
        ['re-sent copies (an id received again)', fmt.n(v.copies)],
        ['  per 20 events', fmt.n(v.copiesPer20, 2)],
      ],
    })
  }
  if (r.peers?.products) {
    rest.push(peersTable(r.peers))
    const other = Object.entries(r.peers.otherHosts ?? {})
    if (other.length) rest.push({ title: 'peers: requests to other hosts (not resolved, so blocked)', rows: other.map(([name, hosts]) => [name, hosts.join(', ')]) })
  }
  for (const section of rest) text.push(table(section))

  const targets = judge(r)
  text.push(
    ['', 'targets (a report, not a test)']
      .concat(targets.map((t) => `  ${t.met ? 'met    ' : 'NOT met'}  ${t.target}\n           ${t.detail}`))
      .join('\n'),
  )
  return [out.join('\n'), ...text].join('\n')
}
