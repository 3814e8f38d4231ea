// journeykit beside its peers, in the same run of the same Chromium (`npm run bench -- --peers`),
// and the re-sends of events tracked right before a navigation (part of every run).
//
// Each product's page is one script, bundled by esbuild from the installed package (pinned in
// package.json's devDependencies) and an adapter in ./peers/, configured with the product's
// defaults and an endpoint on the bench's own collector (./peer-collector.mjs, 127.0.0.1). The
// browser resolves no host but 127.0.0.1 (see BLOCK_OTHER_HOSTS); any request an SDK still
// tries elsewhere is counted and reported.
//
// Per product: the script's size (minified, brotli and gzip, what a site ships), then 1,000
// events in one loop and 1,000 one every 10 ms, each measured as main-thread CPU time (Chromium's
// own ThreadTime counter, less what the idle page spends) from the first track() until the
// collector has every event and no copy of them is left in the page's storage.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { startPeerCollector } from './peer-collector.mjs'
import { startPageServer } from './servers.mjs'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Chromium flag: every host name but 127.0.0.1 fails to resolve, so nothing leaves the machine. */
export const BLOCK_OTHER_HOSTS = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'

/**
 * The products, journeykit first (the ratios are to it). `ships` is what a site imports: its
 * bundle, minified, is the size reported; the page runs the same code through the adapter.
 */
export const PRODUCTS = [
  { name: 'journeykit', ships: "export { createJourney, defaults } from 'journeykit'", prebuilt: 'journeykit.iife.js' },
  {
    name: 'snowplow',
    pkg: '@snowplow/browser-tracker',
    ships: "export { newTracker, trackSelfDescribingEvent } from '@snowplow/browser-tracker'",
    prebuilt: 'dist/index.umd.min.js',
  },
  { name: 'amplitude', pkg: '@amplitude/analytics-browser', ships: "export { init, track } from '@amplitude/analytics-browser'", prebuilt: 'lib/scripts/amplitude-min.js' },
  { name: 'plausible', pkg: '@plausible-analytics/tracker', ships: "export { init, track } from '@plausible-analytics/tracker'", prebuilt: 'plausible.js' },
]

const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length

/** esbuild plugin: `journeykit` is the bench's copy of the build, not a package. */
const journeykitFrom = (build) => ({
  name: 'journeykit-build',
  setup(b) {
    b.onResolve({ filter: /^journeykit$/ }, () => ({ path: join(build, 'index.js') }))
  },
})

async function bundle(build, { entry, contents, minify = true }) {
  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    ...(entry ? { entryPoints: [entry] } : { stdin: { contents, resolveDir: ROOT, sourcefile: 'ships.js' } }),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify,
    write: false,
    logLevel: 'silent',
    // What production builds of a site's bundle set; SDKs drop their development checks on it.
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [journeykitFrom(build)],
  })
  return result.outputFiles[0].contents
}

/** The package's own prebuilt browser file (journeykit's: the script tag), brotli: a cross-check of the bundle. */
function prebuiltBrotli(build, product) {
  try {
    return brotli(readFileSync(product.pkg ? join(ROOT, 'node_modules', product.pkg, product.prebuilt) : join(build, product.prebuilt)))
  } catch {
    return NaN
  }
}

function versionOf(product) {
  if (!product.pkg) return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version
  // Read from node_modules directly: not every package exports its package.json.
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', product.pkg, 'package.json'), 'utf8')).version
}

/**
 * Bundles every product's page script and its shipped size, starts a page server (an origin of
 * its own, so these pages' storage is apart from the other bench pages') and the collector.
 */
export async function startPeerSite(build) {
  const products = {}
  const scripts = {}
  const pages = {}
  for (const product of PRODUCTS) {
    const shipped = await bundle(build, { contents: product.ships })
    products[product.name] = {
      version: versionOf(product),
      bytes: {
        minified: shipped.length,
        brotli: brotli(shipped),
        gzip: gzipSync(shipped, { level: 9 }).length,
        prebuiltBrotli: prebuiltBrotli(build, product),
      },
    }
    const page = await bundle(build, { entry: fileURLToPath(new URL(`./peers/${product.name}.js`, import.meta.url)) })
    scripts[`/peer/${product.name}.js`] = Buffer.from(page).toString('utf8')
    pages[`/peer/${product.name}.html`] = [`/peer/${product.name}.js`]
  }
  const server = await startPageServer({ lib: '', iife: '', pages, scripts })
  const collector = await startPeerCollector()
  return {
    products,
    collector,
    pageUrl: (name, query = '') => `${server.url}/peer/${name}.html${query}`,
    async close() {
      await server.close()
      await collector.close()
    },
  }
}

/**
 * Waits until the collector has all `n` events carrying `marker` and the page stores no copy of
 * them, or, for an SDK that reports each call's outcome, until every call was answered and
 * nothing is stored (events it gave up on are then missing at the collector: counted as lost).
 * The page is asked as rarely as possible, since asking costs its main thread a little.
 */
async function settled(p, collector, name, marker, n, timeoutMs) {
  const started = Date.now()
  let askedAt = 0
  for (;;) {
    const all = collector.counts(name).unique >= n
    if (all || Date.now() - askedAt >= 500) {
      askedAt = Date.now()
      const { unanswered } = await p.run(([m]) => peerBench.pending(m, false), [marker])
      if (all || unanswered === 0) {
        const { stored } = await p.run(([m]) => peerBench.pending(m, true), [marker])
        if (stored === 0) return { done: true, wallMs: Date.now() - started }
      }
    }
    if (Date.now() - started > timeoutMs) return { done: false, wallMs: Date.now() - started }
    await sleep(all ? 100 : 25)
  }
}

/** One measured step: `n` events (in one loop, or one every `every` ms) until delivered and removed. */
async function step(p, site, name, { n, every, marker }) {
  const { collector } = site
  collector.mark(marker)
  const before = collector.counts(name)
  const answersBefore = await p.run(([m]) => peerBench.pending(m, false), [marker])
  await p.measureIdle()
  const m0 = await p.metrics()
  const calls = every ? await p.run(([n, every, m]) => peerBench.spread(n, every, m), [n, every, marker]) : await p.run(([n, m]) => peerBench.burst(n, m), [n, marker])
  const end = await settled(p, collector, name, marker, n, every * n + 90_000)
  const m1 = await p.metrics()
  const c = collector.counts(name)
  const answers = await p.run(([m]) => peerBench.pending(m, false), [marker])
  return {
    events: n,
    trackUs: (calls.medianCallMs ?? calls.loopMs / n) * 1000,
    trackMeanUs: (calls.loopMs / n) * 1000,
    mainMsPer1000: (p.busy(m0, m1) * 1000) / n,
    mainUsPerEvent: (p.busy(m0, m1) / n) * 1000,
    wallMs: end.wallMs,
    finished: end.done,
    received: c.unique,
    lost: n - c.unique,
    copies: c.copies,
    // Events the SDK itself reported as given up on (null: it has no such report).
    failed: answers.failed === null ? null : answers.failed - answersBefore.failed,
    firstFailure: answers.firstFailure,
    failedRequests: answers.failedRequests - answersBefore.failedRequests,
    requests: c.requests - before.requests,
    bodyBytes: c.bodyBytes - before.bodyBytes,
  }
}

/**
 * Every product, one after another in the same browser: its bytes, then a warm-up of 50 events
 * (delivered), a burst of `n` and `n` spread one every `every` ms.
 */
export async function measurePeers({ context, openPage, site, n = 1000, every = 10, log, trace }) {
  const results = {}
  const foreign = {}
  let current = ''
  const onRequest = (request) => {
    const host = new URL(request.url()).hostname
    if (request.url().startsWith('http') && host !== '127.0.0.1') (foreign[current] ??= new Set()).add(host)
  }
  context.on('request', onRequest)
  try {
    for (const { name } of PRODUCTS) {
      current = name
      log(`peers: ${name} ${site.products[name].version}, ${n} events in a burst and ${n} one every ${every} ms`)
      await context.clearCookies()
      const p = await openPage(context, site.pageUrl(name))
      await p.run(() => peerBench.forget())
      await p.run((collectorUrl) => peerBench.start({ collectorUrl }), site.collector.collectorUrl(name))
      trace(`${name}: warm-up`)
      const warm = await step(p, site, name, { n: 50, every: 0, marker: `warm${name}${Date.now()}` })
      if (!warm.finished) log(`peers: ${name}: the warm-up events were not all delivered (${warm.received} of 50)`)
      const out = { ...site.products[name] }
      for (const [label, options] of [['burst', { every: 0 }], ['spread', { every }]]) {
        trace(`${name}: ${label}`)
        out[label] = await step(p, site, name, { n, ...options, marker: `run${label}${name}${Date.now()}` })
        if (!out[label].finished) log(`peers: ${name}, ${label}: not settled after ${Math.round(out[label].wallMs / 1000)} s (${out[label].received} of ${n} received)`)
      }
      if (p.errors.length) log(`peers: page errors (${name}): ${p.errors.slice(0, 3).join(' | ')}`)
      out.pageErrors = p.errors.length
      await p.close()
      results[name] = out
    }
  } finally {
    context.off('request', onRequest)
  }
  return {
    events: n,
    every,
    products: results,
    otherHosts: Object.fromEntries(Object.entries(foreign).map(([name, hosts]) => [name, [...hosts].sort()])),
  }
}

/**
 * journeykit only: `rounds` pages in a row each track `perPage` events and navigate away in the
 * same task (the events are at best in memory); the last page delivers what is left. Counts the
 * copies of an id the collector received more than once: re-sends.
 */
export async function measureResend({ context, site, perPage = 50, rounds = 5, log, trace }) {
  const { collector } = site
  const marker = `leave${Date.now()}`
  collector.mark(marker)
  await context.clearCookies()
  const page = await context.newPage()
  const url = (round) => site.pageUrl('journeykit', `?collector=${encodeURIComponent(collector.collectorUrl('journeykit'))}&round=${round}`)
  try {
    // Without ?collector the page does not start journeykit: nothing holds the database open.
    await page.goto(site.pageUrl('journeykit'))
    await page.evaluate(() => peerBench.forget())
    await page.goto(url(0))
    for (let round = 0; round < rounds; round++) {
      trace(`resend: page ${round + 1} of ${rounds}`)
      const next = url(round + 1)
      const arrived = page.waitForURL(next, { waitUntil: 'load' })
      await page.evaluate(([n, m, r, u]) => peerBench.trackThenLeave(n, m, r, u), [perPage, marker, round, next])
      await arrived
    }
    const events = perPage * rounds
    const started = Date.now()
    let stored = NaN
    for (;;) {
      if (collector.counts('journeykit').unique >= events) {
        stored = await page.evaluate((m) => peerBench.storedCopies(m), marker)
        if (stored === 0) break
      }
      if (Date.now() - started > 60_000) break
      await sleep(100)
    }
    // Late re-sends of the last page, if any, come within its first send cycles.
    await sleep(1500)
    const c = collector.counts('journeykit')
    const result = { events, rounds, perPage, received: c.unique, lost: events - c.unique, copies: c.copies, copiesPer20: (c.copies / events) * 20, storedLeft: stored, settledMs: Date.now() - started }
    if (result.lost) log(`resend: ${result.lost} of ${events} events did not arrive within 60 s`)
    return result
  } finally {
    await page.close()
  }
}
