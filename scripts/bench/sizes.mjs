// Sizes of every size-limit entry: brotli as the project measures it (`npx size-limit --json`,
// the configured default) and gzip for the same entries, measured by size-limit's own API with
// `gzip: true` (the installed CLI has no --gzip flag).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { isAbsolute, join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

async function brotliFromCli() {
  // Exits with 1 when an entry is over its limit: the JSON is still on stdout.
  const result = await run('npx', ['--no-install', 'size-limit', '--json'], { cwd: ROOT, maxBuffer: 1 << 24 }).catch((error) => error)
  const text = String(result.stdout ?? '')
  const start = text.indexOf('[')
  if (start < 0) throw new Error(`size-limit printed no JSON: ${String(result.stderr ?? result.message).trim().slice(0, 300)}`)
  return JSON.parse(text.slice(start))
}

async function gzipFromApi(entries) {
  const { default: sizeLimit } = await import('size-limit')
  const { default: preset } = await import('@size-limit/preset-small-lib')
  const checks = entries.map((entry) => {
    const file = isAbsolute(entry.path) ? entry.path : join(ROOT, entry.path)
    const check = { name: entry.name, files: [file], gzip: true }
    if (entry.import) check.import = typeof entry.import === 'string' ? { [file]: entry.import } : entry.import
    return check
  })
  const results = await sizeLimit(preset, { cwd: ROOT, checks })
  return results.map((result) => result.size)
}

/**
 * `[{ name, limit, brotli, gzip, passed }]` for every entry of .size-limit.mjs, sizes in bytes.
 * `error` is set instead when size-limit could not run.
 */
export async function measureSizes() {
  try {
    const { default: entries } = await import(new URL('.size-limit.mjs', `file://${ROOT}`).href)
    const brotli = await brotliFromCli()
    let gzip = []
    let gzipError
    try {
      gzip = await gzipFromApi(entries)
    } catch (error) {
      gzipError = error.message
    }
    return {
      entries: entries.map((entry, i) => ({
        name: entry.name,
        limit: entry.limit,
        brotli: brotli.find((row) => row.name === entry.name)?.size ?? brotli[i]?.size,
        gzip: gzip[i],
        passed: brotli.find((row) => row.name === entry.name)?.passed,
      })),
      gzipError,
    }
  } catch (error) {
    return { entries: [], error: error.message }
  }
}
