// Times the journey map's pages and API against a seeded store (see seed.mjs): each URL is
// fetched `--runs` times after one warm-up, and the median and the slowest are printed.
//
//   node examples/collector/seed.mjs && node examples/collector/measure.mjs
//   node examples/collector/measure.mjs --database /tmp/x.duckdb --runs 5
import { fileURLToPath } from 'node:url'
import { loadavg } from 'node:os'
import { startCollector } from './server.mjs'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(name)
  return at === -1 ? fallback : args[at + 1]
}
const database = option('--database', process.env.DATABASE || fileURLToPath(new URL('./data/seed.duckdb', import.meta.url)))
const runs = Number(option('--runs', 5))

const collector = await startCollector({ port: 0, database, retentionDays: null })
const stored = await collector.store.count()
const [someone] = await collector.store.visitors({ period: 'all' }, 1)
const urls = [
  ['front page (last 30 days)', '/'],
  ['front page (all 90 days)', '/?period=all'],
  ['front page, one channel', '/?period=all&channel=email'],
  ['GET /api/map (all)', '/api/map?period=all'],
  ['GET /api/visitors (30 days)', '/api/visitors'],
  ['one visitor\'s map', `/visitor/${encodeURIComponent(someone.anonymous_id)}`],
]
console.log(`${stored.toLocaleString('en-US')} events in ${collector.store.dialect}; load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}`)
console.log('| request | median | slowest |\n| --- | --- | --- |')
for (const [what, path] of urls) {
  const times = []
  for (let i = 0; i <= runs; i++) {
    const started = performance.now()
    const res = await fetch(collector.url + path)
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`)
    if (i > 0) times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  console.log(`| ${what} | ${Math.round(times[Math.floor(times.length / 2)])} ms | ${Math.round(times.at(-1))} ms |`)
}
await collector.close()
