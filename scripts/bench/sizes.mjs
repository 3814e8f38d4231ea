// Sizes of every size-limit entry (.size-limit.mjs), brotli (the project's default) and gzip,
// computed by size-limit itself through its JS API with the project's preset. The entries that
// point into dist/ are measured on the bench's own copy of the build (.bench/dist/), so that a
// build started meanwhile by something else (tsup empties dist/ first) cannot change the answer;
// for the same build the brotli numbers are those of `npx size-limit --json`.
import { fileURLToPath } from 'node:url'
import { isAbsolute, join } from 'node:path'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

async function measure(entries, build, compression) {
  const { default: sizeLimit } = await import('size-limit')
  const { default: preset } = await import('@size-limit/preset-small-lib')
  // An entry's path may be one file or several, its import a string or a map by file.
  const inBuild = (path) => {
    const moved = path.startsWith('dist/') ? join(build, path.slice('dist/'.length)) : path
    return isAbsolute(moved) ? moved : join(ROOT, moved)
  }
  const checks = entries.map((entry) => {
    const files = [entry.path].flat().map(inBuild)
    const check = { name: entry.name, files, ...(compression === 'gzip' ? { gzip: true } : {}), ...(entry.ignore ? { ignore: entry.ignore } : {}), ...(entry.disablePlugins ? { disablePlugins: entry.disablePlugins } : {}), ...(entry.modifyEsbuildConfig ? { modifyEsbuildConfig: entry.modifyEsbuildConfig } : {}) }
    if (typeof entry.import === 'string') check.import = { [files[0]]: entry.import }
    else if (entry.import) check.import = Object.fromEntries(Object.entries(entry.import).map(([path, names]) => [inBuild(path), names]))
    return check
  })
  const results = await sizeLimit(preset, { cwd: ROOT, checks })
  return results.map((result) => result.size)
}

/**
 * `{ entries: [{ name, limit, brotli, gzip, passed }] }` for every entry, sizes in bytes;
 * `{ entries: [], error }` when size-limit could not run. `build` is the directory holding the
 * build to measure in place of dist/.
 */
export async function measureSizes(build) {
  try {
    const { default: entries } = await import(new URL(`.size-limit.mjs?${Date.now()}`, `file://${ROOT}`).href)
    const { default: bytes } = await import('bytes-iec')
    const brotli = await measure(entries, build, 'brotli')
    const gzip = await measure(entries, build, 'gzip')
    return {
      entries: entries.map((entry, i) => ({
        name: entry.name,
        limit: entry.limit,
        brotli: brotli[i],
        gzip: gzip[i],
        passed: entry.limit ? brotli[i] <= bytes.parse(entry.limit) : undefined,
      })),
    }
  } catch (error) {
    return { entries: [], error: String(error.message ?? error).split('\n')[0] }
  }
}
