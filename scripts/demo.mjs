// `npm run demo`: builds journeykit and the single-page-app example, then starts on 127.0.0.1
//   - the example collector with its journey map (examples/collector),
//   - the example shop that uses the script tag (examples/script-tag),
//   - the single-page app that imports journeykit from npm (examples/spa),
// prints their URLs and runs until Ctrl-C.
//
// Ports: COLLECTOR_PORT (8787), SHOP_PORT (8788), SPA_PORT (8789); events go to DATABASE
// (default: the DuckDB file examples/collector/data/events.duckdb; a postgres:// URL works too). `startDemo()` starts the same servers from a test.
import { createServer } from 'node:http'
import { spawn } from 'node:child_process'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DEFAULT_DATABASE, startCollector } from '../examples/collector/server.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SHOP = join(ROOT, 'examples', 'script-tag')
const SPA = join(ROOT, 'examples', 'spa')
const IIFE = join(ROOT, 'dist', 'journeykit.iife.js')

/** The endpoint written in the examples' HTML; the demo swaps in the collector it started. */
export const EXAMPLE_ENDPOINT = 'http://127.0.0.1:8787/collect'

/** The shop's landing page as a newsletter campaign links to it. */
export const CAMPAIGN_PATH = '/?utm_source=newsletter&utm_medium=email&utm_campaign=nov'

/** Builds the library (`npm run build`: dist/, including dist/journeykit.iife.js). */
export function buildLibrary() {
  return run('npm', ['run', '--silent', 'build'])
}

/** Builds the single-page app (examples/spa/dist/app.js) against the built library. */
export async function buildSpa() {
  const { build } = await import(pathToFileURL(join(SPA, 'build.mjs')).href)
  await build()
}

/**
 * Starts the collector, the shop and the single-page app on `host`. Port 0 picks a free one.
 * Resolves with `{ urls, collector, close() }`; `urls` has `map`, `collect`, `shop`,
 * `campaign` (the shop's landing page with the newsletter's UTM tags) and `spa`.
 */
export async function startDemo({ host = '127.0.0.1', collectorPort = 0, shopPort = 0, spaPort = 0, database = DEFAULT_DATABASE, log } = {}) {
  if (!existsSync(IIFE)) throw new Error(`${IIFE} is missing: run \`npm run build\` first.`)
  const collector = await startCollector({ host, port: collectorPort, database, log })
  const servers = []
  try {
    // The examples' HTML names the collector's default address; point it at this one.
    const rewrite = (html) => html.replaceAll(EXAMPLE_ENDPOINT, collector.collectUrl)
    // Read once: a concurrent `npm run build` (tsup empties dist/ first) cannot break a page.
    const iife = await readFile(IIFE)
    servers.push(await serveStatic({ host, port: shopPort, root: SHOP, rewrite, files: { '/journeykit.iife.js': iife } }))
    servers.push(await serveStatic({ host, port: spaPort, root: SPA, rewrite, fallback: 'index.html' }))
  } catch (error) {
    await Promise.all([collector.close(), ...servers.map((server) => server.close())])
    throw error
  }
  const [shop, spa] = servers
  return {
    urls: {
      map: `${collector.url}/`,
      collect: collector.collectUrl,
      shop: `${shop.url}/`,
      campaign: `${shop.url}${CAMPAIGN_PATH}`,
      spa: `${spa.url}/`,
    },
    collector,
    async close() {
      await Promise.all([collector.close(), shop.close(), spa.close()])
    },
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * A small static file server: `root` with clean directory URLs (`/pricing/` → pricing/index.html),
 * `files` mapping extra URL paths to JavaScript content, `rewrite` applied to HTML, and `fallback` (a file in
 * root) for paths with no file: the single-page app's history-API routes.
 */
function serveStatic({ host, port, root, files = {}, rewrite = (html) => html, fallback }) {
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end()
        return
      }
      const { pathname } = new URL(req.url, 'http://static')
      if (files[pathname]) {
        res.writeHead(200, { 'Content-Type': TYPES['.js'], 'Cache-Control': 'no-store' }).end(req.method === 'HEAD' ? undefined : files[pathname])
        return
      }
      let relative
      try {
        relative = normalize(decodeURIComponent(pathname))
      } catch {
        res.writeHead(400).end('bad path')
        return
      }
      let file = join(root, relative)
      // Never serve outside root (`/../package.json`).
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end('forbidden')
        return
      }
      const stat = existsSync(file) ? statSync(file) : undefined
      if (stat?.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { Location: `${pathname}/` }).end()
          return
        }
        file = join(file, 'index.html')
      }
      if (!existsSync(file) && fallback && !extname(pathname)) file = join(root, fallback)
      if (!existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Not found: ${pathname}`)
        return
      }
      const type = TYPES[extname(file)] ?? 'application/octet-stream'
      // No caching: edits to the examples show up on reload.
      const headers = { 'Content-Type': type, 'Cache-Control': 'no-store' }
      if (extname(file) === '.html') {
        res.writeHead(200, headers).end(rewrite(await readFile(file, 'utf8')))
      } else {
        res.writeHead(200, headers)
        if (req.method === 'HEAD') res.end()
        else createReadStream(file).pipe(res)
      }
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error))
      else res.destroy()
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve({
        url: `http://${host}:${server.address().port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))))
  })
}

async function main() {
  const port = (name, fallback) => {
    const value = process.env[name]
    if (value === undefined || value === '') return fallback
    const number = Number(value)
    if (!Number.isInteger(number) || number < 0 || number > 65535) throw new Error(`${name} must be a port number; got ${value}`)
    return number
  }
  console.log('Building journeykit…')
  await buildLibrary()
  console.log('Building the single-page app example…')
  await buildSpa()
  let demo
  try {
    demo = await startDemo({
      collectorPort: port('COLLECTOR_PORT', 8787),
      shopPort: port('SHOP_PORT', 8788),
      spaPort: port('SPA_PORT', 8789),
      database: process.env.DATABASE || DEFAULT_DATABASE,
      log: (line) => console.log(`  collector: ${line}`),
    })
  } catch (error) {
    if (error.code === 'EADDRINUSE') {
      console.error(`Port ${error.port} is in use. Pick others, e.g. COLLECTOR_PORT=9787 SHOP_PORT=9788 SPA_PORT=9789 npm run demo`)
      process.exit(1)
    }
    throw error
  }
  const { urls, collector } = demo
  console.log(`
journeykit demo

  1. Open the shop through the newsletter's campaign link:
       ${urls.campaign}
     Browse features and pricing, add a plan to the cart, check out, then share.
     The badge in the corner shows your journey phase as it changes.

  2. Watch your journey arrive on the journey map (it updates live): the funnel,
     the flow and the conversion by channel for all visitors, and each visitor's map:
       ${urls.map}

  Also: the single-page app example (npm import, history-API routing):
       ${urls.spa}

  Events are stored in ${collector.store.dialect === 'duckdb' ? process.env.DATABASE || DEFAULT_DATABASE : 'PostgreSQL'} (${await collector.store.count()} so far).
  Press Ctrl-C to stop.
`)
  let stopping = false
  const stop = async () => {
    if (stopping) process.exit(1)
    stopping = true
    await demo.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error.message ?? error)
    process.exit(1)
  })
}
