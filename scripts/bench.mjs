// `npm run bench`: what journeykit costs a page, measured in real Chromium. Numbers, not a test:
// it prints a table, writes it as JSON to .bench/results.json (and a copy per run under
// .bench/runs/), and reports the targets of issues 5 and 10 as met or not met. It never fails on a number.
//
//   npm run bench                       # the full run (about 2 minutes)
//   npm run bench -- --peers            # also Snowplow, Amplitude and Plausible in the same run (+2 minutes)
//   npm run bench -- --rounds 5         # more rounds of the 10 000 track() calls
//   npm run bench -- --only track,startup
//   node scripts/phase-agreement.mjs    # only the phase agreement (also the last part of every run)
//   npm run bench -- --profile          # also CPU profiles: 10 000 track() until stored, their delivery, and the delivery scenarios
//   npm run bench -- --summary          # the median of every run saved in .bench/runs/ (delete it to start over)
//   BENCH_VERBOSE=1 npm run bench       # with progress timings
// Timing on a shared machine is noisy: compare medians of several runs, not single numbers.
import { execFile, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { findChromium, launchChromium } from './lib/chromium.mjs'
import { delta, startCollectorForBench, startPageServer } from './bench/servers.mjs'
import { measureSizes } from './bench/sizes.mjs'
import { judge, medianOf, render } from './bench/report.mjs'
import { BLOCK_OTHER_HOSTS, measurePeers, measureResend, startPeerSite } from './bench/peers.mjs'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const OUT = new URL('../.bench/', import.meta.url)
const BUILD = new URL('dist/', OUT)
const ALL = ['track', 'startup', 'delivery', 'longtasks', 'heap', 'sizes', 'resend', 'phases']
/** Scenarios that run only when asked for (`--peers`, or by name in `--only`). */
const OPTIONAL = ['peers']

function parseArgs(argv) {
  const args = { rounds: 3, calls: 10_000, startupSamples: 5, only: ALL, profile: false, summary: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--rounds') args.rounds = Math.max(1, Number(argv[++i]) || 1)
    else if (arg === '--startup-samples') args.startupSamples = Math.max(1, Number(argv[++i]) || 1)
    else if (arg === '--only') args.only = argv[++i].split(',').map((s) => s.trim())
    else if (arg === '--profile') args.profile = true
    else if (arg === '--summary') args.summary = true
    else if (arg === '--peers') args.peers = true
    else if (arg === '--help' || arg === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(0, 12).map((l) => l.slice(3)).join('\n'))
      process.exit(0)
    } else {
      console.error(`Unknown option ${arg} (see --help)`)
      process.exit(2)
    }
  }
  const unknown = args.only.filter((name) => !ALL.includes(name) && !OPTIONAL.includes(name))
  if (unknown.length) {
    console.error(`--only takes ${[...ALL, ...OPTIONAL].join(', ')}; got ${unknown.join(', ')}`)
    process.exit(2)
  }
  if (args.peers) args.only = [...args.only, 'peers']
  return args
}

const log = (line) => process.stderr.write(`· ${line}\n`)
const T0 = Date.now()
const trace = (line) => process.env.BENCH_VERBOSE && process.stderr.write(`  ${((Date.now() - T0) / 1000).toFixed(1)} s ${line}\n`)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// ---- summary of saved runs -------------------------------------------------------------------------

function summary() {
  const dir = new URL('runs/', OUT)
  let files = []
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  } catch {}
  if (!files.length) {
    console.error('No saved runs in .bench/runs/: run `npm run bench` first.')
    process.exit(1)
  }
  const runs = files.map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')))
  const combined = medianOf(runs.map(({ details, targets, sizes, peers, ...rest }) => rest))
  // Peers run only when asked for: the median of the runs that have them.
  const withPeers = runs.filter((run) => run.peers)
  if (withPeers.length) combined.peers = { ...medianOf(withPeers.map((run) => run.peers)), runs: withPeers.length }
  // Sizes do not vary from run to run, only from build to build: the latest run's.
  combined.sizes = runs.at(-1).sizes
  combined.meta = { ...runs.at(-1).meta, runs: runs.length, date: `${runs[0].meta.date} … ${runs.at(-1).meta.date}` }
  combined.targets = judge(combined)
  console.log(render(combined))
  writeFileSync(new URL('summary.json', OUT), JSON.stringify(combined, null, 2) + '\n')
  console.log(`\nmedian of ${runs.length} runs (${files.join(', ')}) → .bench/summary.json`)
}

// ---- build -----------------------------------------------------------------------------------------

/**
 * Builds the library and copies the output to .bench/dist, so that a build started meanwhile by
 * something else (tsup cleans dist/ first) cannot pull the files from under the bench.
 */
function build() {
  for (let attempt = 1; attempt <= 3; attempt++) {
    log('building the library (npx tsup --silent)')
    const result = spawnSync('npx', ['--no-install', 'tsup', '--silent'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
    if (result.status !== 0) {
      console.error('The build failed: fix it and run the bench again.')
      process.exit(1)
    }
    try {
      rmSync(BUILD, { recursive: true, force: true })
      cpSync(new URL('../dist/', import.meta.url), BUILD, { recursive: true })
      if (existsSync(new URL('index.js', BUILD)) && existsSync(new URL('journeykit.iife.js', BUILD))) return
    } catch {}
    log('dist/ changed while it was copied (another build?): building again')
  }
  console.error('Could not get a complete build in dist/.')
  process.exit(1)
}

/** The ESM build bundled for a page, as a script that sets `window.journeykit` to its exports. */
async function bundleLibrary({ minify }) {
  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    stdin: { contents: `export * from ${JSON.stringify(fileURLToPath(new URL('index.js', BUILD)))}`, resolveDir: ROOT, sourcefile: 'journeykit-bench-entry.js' },
    bundle: true,
    format: 'iife',
    globalName: 'journeykit',
    platform: 'browser',
    target: 'es2020',
    minify,
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0].text
}

// ---- the browser -----------------------------------------------------------------------------------

/**
 * Opens a bench page with main-thread accounting from Chromium's own counters (CDP
 * Performance.getMetrics): `ThreadTime` is the CPU time of the page's main thread, which, unlike
 * wall-clock task durations, does not grow when the machine is busy with other processes.
 */
async function openPage(context, url) {
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(url)
  const cdp = await context.newCDPSession(page)
  await cdp.send('Performance.enable')
  const metrics = async () => {
    const { metrics: list } = await cdp.send('Performance.getMetrics')
    const m = Object.fromEntries(list.map((x) => [x.name, x.value]))
    return { at: m.Timestamp * 1000, cpu: m.ThreadTime * 1000, task: m.TaskDuration * 1000 }
  }
  // What an idle page spends per millisecond (timers of the page and of the bench itself).
  let idlePerMs = 0
  const measureIdle = async (ms = 400) => {
    const a = await metrics()
    await sleep(ms)
    const b = await metrics()
    idlePerMs = Math.max(0, (b.cpu - a.cpu) / (b.at - a.at))
  }
  /** Main-thread CPU milliseconds between two snapshots, less what the page spends when idle. */
  const busy = (a, b) => Math.max(0, b.cpu - a.cpu - idlePerMs * (b.at - a.at))
  return {
    page,
    cdp,
    errors,
    metrics,
    measureIdle,
    busy,
    run: (fn, arg) => page.evaluate(fn, arg),
    close: () => page.close(),
  }
}

// ---- scenarios -------------------------------------------------------------------------------------

/** Default options, but a queue that holds every event of the rounds. */
const ROOMY = { maxQueueSize: 1_000_000 }

async function trackCost(ctx, variant, { rounds, calls, profile }) {
  const p = await openPage(ctx.context, `${ctx.pages.url}/bench.html`)
  await p.run(() => bench.forget())
  // Offline throughout: events are tracked, processed and stored, but not sent (flush() is not
  // called and the library does not send while navigator.onLine is false); delivery costs are
  // measured by the delivery scenario. Between rounds the stored events are discarded.
  await ctx.context.setOffline(true)
  const created = await p.run((a) => bench.create(a), { url: ctx.collector.collectUrl, defaults: variant === 'defaults()', options: ROOMY })
  await p.run((n) => bench.warmUp(n, false), 2000)
  await p.run(() => bench.discard())
  const perRound = []
  for (let round = 0; round < rounds; round++) {
    trace(`round ${round + 1}: timed calls`)
    const timed = await p.run((n) => bench.timedCalls(n), calls)
    await p.measureIdle()
    trace('loop')
    const m0 = await p.metrics()
    const loop = await p.run((n) => bench.loop(n), calls)
    const m1 = await p.metrics()
    await p.run(() => bench.discard())
    const busy = p.busy(m0, m1)
    perRound.push({
      ...timed,
      loopUs: loop.loopUs,
      loopBestUs: loop.bestChunkUs,
      processingUs: ((busy - loop.loopMs) / calls) * 1000,
      storedUs: (busy / calls) * 1000,
    })
  }
  let profileTop
  if (profile) profileTop = await profileTrack(p, calls, variant)
  await ctx.context.setOffline(false)
  if (p.errors.length) log(`page errors (${variant}): ${p.errors.slice(0, 3).join(' | ')}`)
  await p.close()
  const result = medianOf(perRound)
  result.ratioLoop = result.loopUs / result.floorLoopUs
  result.ratioBest = result.loopBestUs / result.floorBestUs
  result.touchpoints = created.touchpoints
  return { result, rounds: perRound, profileTop }
}

/** Self and inclusive time per function of a CDP CPU profile (idle and program time left out). */
function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const name = ({ functionName, url, lineNumber }) => {
    const file = url.split('/').pop()
    return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`
  }
  const self = new Map()
  const total = new Map()
  let sampled = 0
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id).callFrame
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') return
    const dt = (profile.timeDeltas[i] ?? 0) / 1000
    sampled += dt
    self.set(name(frame), (self.get(name(frame)) ?? 0) + dt)
    const seen = new Set()
    for (let node = id; node !== undefined; node = parent.get(node)) {
      const key = name(byId.get(node).callFrame)
      if (seen.has(key)) continue
      seen.add(key)
      total.set(key, (total.get(key) ?? 0) + dt)
    }
  })
  const top = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([fn, ms]) => ({ fn, ms, share: ms / sampled }))
  return { sampledMs: sampled, self: top(self), total: top(total).filter((row) => !/^\(root\)|driver\.js/.test(row.fn)) }
}

/**
 * CPU profiles (100 µs sampling) of `calls` track() calls and their processing until stored,
 * then of their delivery. Sampling measures wall time: on a busy machine, preemptions land on
 * whatever function was running.
 */
async function profileTrack(p, calls, variant) {
  await p.cdp.send('Profiler.enable')
  await p.cdp.send('Profiler.setSamplingInterval', { interval: 100 })
  const profiles = {}
  for (const [phase, step] of [
    ['store', () => p.run((n) => bench.loop(n), calls)],
    ['deliver', async () => {
      await p.page.context().setOffline(false)
      await p.run(() => bench.deliver())
    }],
  ]) {
    await p.cdp.send('Profiler.start')
    await step()
    const { profile } = await p.cdp.send('Profiler.stop')
    const file = `profile-${variant.replace(/\W/g, '')}-${phase}.cpuprofile`
    writeFileSync(new URL(file, OUT), JSON.stringify(profile))
    profiles[phase] = { file: `.bench/${file}`, ...summarizeProfile(profile) }
  }
  return profiles
}

async function startup(ctx, samples) {
  const runs = { first: [], returning: [] }
  for (let i = 0; i < samples; i++) {
    for (const kind of ['first', 'returning']) {
      const p = await openPage(ctx.context, `${ctx.pages.url}/blank.html`)
      if (kind === 'first') await p.run(() => bench.forget())
      await p.run(() => bench.prepareStartup())
      await p.measureIdle(300)
      const m0 = await p.metrics()
      await p.run((url) => bench.startScript(url), ctx.collector.collectUrl)
      const m1 = await p.metrics()
      const result = await p.run(() => bench.startupDone())
      const m2 = await p.metrics()
      if (!result.installed) log(`start-up: window.journey was not installed ${p.errors.join(' | ')}`)
      runs[kind].push({ ...result, syncCpuMs: p.busy(m0, m1), cpuMs: p.busy(m0, m2) })
      await p.close()
    }
  }
  return { result: { first: medianOf(runs.first), returning: medianOf(runs.returning), samples }, runs }
}

/** Bursts and spread-out events with the default delivery options; counts what they cost. */
async function delivery(ctx, profile = false) {
  const p = await openPage(ctx.context, `${ctx.pages.url}/bench.html`)
  await p.run(() => bench.forget())
  await p.run((a) => bench.create(a), { url: ctx.collector.collectUrl, defaults: false })
  await p.run((n) => bench.warmUp(n), 20)
  const batchSize = 50 // the default (src/options.ts)
  const out = {}
  const details = {}
  for (const [name, options] of [['burst', {}], ['one every 10 ms', { every: 10 }]]) {
    const n = 1000
    trace(`delivery: ${name}`)
    await p.measureIdle()
    const c0 = ctx.collector.snapshot()
    if (profile) {
      await p.cdp.send('Profiler.enable')
      await p.cdp.send('Profiler.setSamplingInterval', { interval: 100 })
      await p.cdp.send('Profiler.start')
    }
    const m0 = await p.metrics()
    const r = await p.run(([n, o]) => bench.burst(n, o), [n, options])
    const m1 = await p.metrics()
    if (profile) {
      const { profile: cpu } = await p.cdp.send('Profiler.stop')
      const file = `profile-delivery-${name.replace(/\W/g, '')}.cpuprofile`
      writeFileSync(new URL(file, OUT), JSON.stringify(cpu))
      ;(details.profile ??= {})[name] = { file: `.bench/${file}`, ...summarizeProfile(cpu) }
    }
    await sleep(100)
    const c = delta(ctx.collector.snapshot(), c0)
    const per = 1000 / n
    // What the page's own loop costs (a setInterval every 10 ms calling nothing), measured the
    // same way: reported beside the figure, and taken out of it.
    let harnessUs = 0
    if (options.every) {
      await p.measureIdle()
      const h0 = await p.metrics()
      await p.run(([n, o]) => bench.burst(n, o), [n, { ...options, harnessOnly: true }])
      harnessUs = (p.busy(h0, await p.metrics()) / n) * 1000
    }
    out[name] = {
      events: n,
      writeTxPer1000: r.tx.readwrite * per,
      enqueueTxPer1000: r.writes.enqueue * per,
      ackTxPer1000: r.writes.ack * per,
      otherTxPer1000: r.writes.other * per,
      readTxPer1000: r.tx.readonly * per,
      requests: c.posts,
      requestLimit: Math.ceil(n / batchSize),
      requestsPer1000: c.posts * per,
      bodyBytesPer1000: c.bodyBytes * per,
      sentBytesPer1000: c.socketRead * per,
      receivedBytesPer1000: c.socketWritten * per,
      mainThreadUsPerEvent: Math.max(0, (p.busy(m0, m1) / n) * 1000 - harnessUs),
      harnessUsPerEvent: harnessUs,
      ackMs: r.ackMs,
      trackingMs: r.trackingMs,
      received: c.received,
      unique: c.unique,
    }
    details[name] = { page: r, collector: c }
  }
  await p.close()
  return { result: out, details }
}

/**
 * Long tasks during a burst of `events` (default options), until all are delivered. Each is
 * attributed through the long animation frame it fell in: the bench page's own loop of track()
 * calls (driver.js), the library's own tasks (lib.js), or nothing attributable (e.g. garbage
 * collection, IndexedDB or network work on the main thread).
 */
async function burstWithLongTasks(p, events) {
  const r = await p.run((n) => bench.burst(n, { settleMs: 500 }), events)
  const kinds = { loop: 0, library: 0, unattributed: 0 }
  const tasks = r.longTasks.map((task) => {
    const frame = r.frames.find((f) => f.start <= task.start + 1 && task.start < f.start + f.duration)
    const urls = (frame?.scripts ?? []).filter((s) => s.duration >= 5).map((s) => s.url)
    const kind = urls.some((u) => u.endsWith('/driver.js')) ? 'loop' : urls.some((u) => u.endsWith('/lib.js')) ? 'library' : 'unattributed'
    kinds[kind]++
    return { ...task, kind, scripts: frame?.scripts }
  })
  const longest = (kind) => Math.max(0, ...tasks.filter((t) => !kind || t.kind === kind).map((t) => t.duration))
  return {
    result: {
      events,
      count: tasks.length,
      fromLoop: kinds.loop,
      fromLibrary: kinds.library,
      unattributed: kinds.unattributed,
      longestMs: longest(),
      longestLibraryMs: Math.max(longest('library'), longest('unattributed')),
      loopMs: r.loopMs,
      ackMs: r.ackMs,
    },
    details: { longTasks: tasks },
  }
}

/**
 * Bare: JS heap before and after createJourney, long tasks during a first burst of 5 000, heap
 * after a second (10 000 delivered). With defaults(): long tasks during a burst of 5 000.
 */
async function longTasksAndHeap(ctx, variant, { heap }) {
  const p = await openPage(ctx.context, `${ctx.pages.url}/bench.html`)
  await p.run(() => bench.forget())
  const beforeBytes = heap ? await p.run(() => bench.heap()) : NaN
  await p.run((a) => bench.create(a), { url: ctx.collector.collectUrl, defaults: variant === 'defaults()' })
  await p.run((n) => bench.warmUp(n), 20)
  const createdBytes = heap ? await p.run(() => bench.heap()) : NaN
  trace(`long tasks, ${variant}`)
  const long = await burstWithLongTasks(p, 5000)
  let heapResult
  if (heap) {
    trace('heap: 5 000 more')
    await p.run((n) => bench.burst(n, { settleMs: 500, entries: false }), 5000)
    const afterBytes = await p.run(() => bench.heap())
    // Another 10 000: what the heap keeps growing by once the code is compiled and warm.
    trace('heap: 10 000 more')
    await p.run((n) => bench.burst(n, { settleMs: 500, entries: false }), 10_000)
    const againBytes = await p.run(() => bench.heap())
    heapResult = { events: 10_000, beforeBytes, createdBytes, afterBytes, againBytes }
  }
  await p.close()
  return { long, heap: heapResult }
}

// ---- main ------------------------------------------------------------------------------------------

async function chromiumVersion(context) {
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    const cdp = await context.newCDPSession(page)
    const { product } = await cdp.send('Browser.getVersion')
    await cdp.detach()
    return product.replace(/^(Headless)?Chrome\//, 'Chromium ')
  } catch {
    const out = await promisify(execFile)(findChromium(), ['--version']).catch(() => ({ stdout: 'Chromium (unknown version)' }))
    return out.stdout.trim()
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  mkdirSync(new URL('runs/', OUT), { recursive: true })
  if (args.summary) return summary()
  const started = Date.now()
  const only = new Set(args.only)

  build()
  const lib = await bundleLibrary({ minify: !args.profile })
  const collector = await startCollectorForBench()
  const pages = await startPageServer({ lib, iife: readFileSync(new URL('journeykit.iife.js', BUILD)) })
  log(`collector: ${collector.kind} at ${collector.collectUrl}; pages at ${pages.url}`)
  const browser = await launchChromium({ args: ['--js-flags=--expose-gc', '--enable-precise-memory-info', BLOCK_OTHER_HOSTS] })
  const context = browser.context
  await context.addInitScript({ path: fileURLToPath(new URL('./bench/instrument.js', import.meta.url)) })
  const ctx = { context, collector, pages }

  const results = { meta: {}, details: {} }
  try {
    const probe = await openPage(context, `${pages.url}/bench.html`)
    const env = await probe.run(() => bench.env())
    await probe.close()
    if (!env.crossOriginIsolated) log('WARNING: the bench page is not cross-origin isolated: performance.now() is clamped to 100 µs')
    const hasDefaults = env.exports.includes('defaults')
    results.meta = {
      date: new Date().toISOString(),
      chromium: await chromiumVersion(context),
      node: process.version,
      cores: availableParallelism(),
      loadBefore: loadavg()[0],
      collector: collector.kind.startsWith('examples') ? 'examples/collector' : 'minimal',
      crossOriginIsolated: env.crossOriginIsolated,
      timerResolutionUs: env.timerResolutionUs,
      rounds: args.rounds,
      calls: args.calls,
      exports: env.exports,
      commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
      dirty: spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() !== '',
    }

    if (only.has('track')) {
      results.track = {}
      for (const variant of hasDefaults ? ['bare', 'defaults()'] : ['bare']) {
        log(`track() cost, ${variant}: ${args.rounds} rounds of ${args.calls} calls`)
        const { result, rounds, profileTop } = await trackCost(ctx, variant, args)
        results.track[variant] = result
        results.details[`track ${variant}`] = { rounds, profile: profileTop }
      }
      if (!hasDefaults) log('defaults() is not exported yet: measured bare only')
    }
    if (only.has('startup')) {
      log(`start-up: ${args.startupSamples} first and ${args.startupSamples} returning visits`)
      const { result, runs } = await startup(ctx, args.startupSamples)
      results.startup = result
      results.details.startup = runs
    }
    if (only.has('delivery')) {
      log('queue and delivery: 1 000 events in a burst, 1 000 one every 10 ms')
      const { result, details } = await delivery(ctx, args.profile)
      results.delivery = result
      results.details.delivery = details
    }
    if (only.has('longtasks') || only.has('heap')) {
      results.longTasks = {}
      for (const variant of hasDefaults ? ['bare', 'defaults()'] : ['bare']) {
        const heap = variant === 'bare' && only.has('heap')
        log(`long tasks during a burst of 5 000, ${variant}` + (heap ? '; JS heap after 10 000 delivered' : ''))
        const { long, heap: heapResult } = await longTasksAndHeap(ctx, variant, { heap })
        results.longTasks[variant] = long.result
        results.details[`longtasks ${variant}`] = long.details
        if (heapResult) results.heap = heapResult
      }
    }
    if (only.has('resend') || only.has('peers')) {
      const site = await startPeerSite(fileURLToPath(BUILD))
      try {
        if (only.has('resend')) {
          log('re-sends: 5 pages in a row track 50 events each right before navigating away')
          results.resend = await measureResend({ context, site, log, trace })
        }
        if (only.has('peers')) results.peers = await measurePeers({ context, openPage, site, log, trace })
      } finally {
        await site.close()
      }
    }
  } finally {
    await browser.close()
    await pages.close()
    await collector.close()
  }
  if (only.has('sizes')) {
    log('sizes: size-limit entries, brotli and gzip')
    results.sizes = await measureSizes(fileURLToPath(BUILD))
  }

  results.targets = judge(results)
  results.meta.seconds = Math.round((Date.now() - started) / 1000)
  results.meta.loadAfter = loadavg()[0]
  console.log(render(results))
  const json = JSON.stringify(results, null, 2) + '\n'
  writeFileSync(new URL('results.json', OUT), json)
  // Only complete, unprofiled runs count towards --summary.
  const complete = ALL.every((name) => only.has(name)) && !args.profile
  if (complete) writeFileSync(new URL(`runs/${results.meta.date.replace(/[:.]/g, '-')}.json`, OUT), json)
  if (args.profile) {
    for (const [name, d] of Object.entries(results.details)) {
      for (const [phase, prof] of Object.entries(d?.profile ?? {})) {
        console.log(`\nCPU profile, ${name}, ${phase}: ${prof.sampledMs.toFixed(0)} ms sampled (${prof.file})`)
        console.log('  self time                                          inclusive time')
        for (let i = 0; i < 15; i++) {
          const a = prof.self[i]
          const b = prof.total[i]
          const cell = (row) => (row ? `${(row.share * 100).toFixed(1).padStart(5)}% ${row.fn}`.slice(0, 48).padEnd(50) : ''.padEnd(50))
          console.log(`  ${cell(a)} ${b ? cell(b).trimEnd() : ''}`)
        }
      }
    }
  }
  console.log(
    `\n${results.meta.seconds} s · .bench/results.json` +
      (complete ? ' · the median of every saved run: npm run bench -- --summary' : ' (a partial or profiled run: not kept for --summary)'),
  )
  // The phase engine's agreement with the labelled corpus: a script of its own (no browser), run last.
  if (only.has('phases')) spawnSync(process.execPath, [fileURLToPath(new URL('./phase-agreement.mjs', import.meta.url))], { stdio: 'inherit' })
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
