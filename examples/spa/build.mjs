// Bundles the single-page app: `node examples/spa/build.mjs` → examples/spa/dist/app.js.
//
// The app imports `journeykit` as any npm user would. Here the package is this repository
// itself, so `journeykit` is aliased to the repository root, whose package.json points the
// bundler at the built ES module (dist/index.js: run `npm run build` first). In your own app,
// `npm install journeykit` and drop the alias.
import { build as esbuild } from 'esbuild'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const ROOT = here('../../')

export async function build({ minify = true } = {}) {
  if (!existsSync(here('../../dist/index.js'))) throw new Error('dist/index.js is missing: run `npm run build` first.')
  const result = await esbuild({
    entryPoints: [here('./src/main.js')],
    outfile: here('./dist/app.js'),
    bundle: true,
    format: 'esm',
    target: 'es2020',
    minify,
    sourcemap: true,
    alias: { journeykit: ROOT },
    metafile: true,
    logLevel: 'warning',
  })
  return result.metafile
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const metafile = await build()
  for (const [file, { bytes }] of Object.entries(metafile.outputs)) {
    if (file.endsWith('.js')) console.log(`${file}  ${(bytes / 1024).toFixed(1)} KiB`)
  }
}
