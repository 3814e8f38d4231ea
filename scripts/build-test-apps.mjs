// Builds the framework test apps (test/browser/apps/*) with Vite against the package's own
// build (dist/, run `npx tsup` first), as an app importing `journeykit`, `journeykit/react` and
// `journeykit/vue` would. Called by the browser suites' setup; `node scripts/build-test-apps.mjs`
// builds them by hand. Each app goes to test/browser/apps/<app>/dist[-<mode>]/.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = (file) => `${root}dist/${file}`

/** Builds `app` ('react' or 'vue') in `mode` ('production' or 'development'); resolves to the output folder. */
export async function buildTestApp(app, mode = 'production') {
  if (!existsSync(dist('index.js'))) throw new Error('dist/ is missing: run `npx tsup` before building the test apps')
  const { build } = await import('vite')
  const plugin = app === 'react' ? (await import('@vitejs/plugin-react')).default() : (await import('@vitejs/plugin-vue')).default()
  const outDir = `${root}test/browser/apps/${app}/dist${mode === 'production' ? '' : `-${mode}`}`
  // React picks its development build (StrictMode's double effects) from NODE_ENV.
  const before = process.env.NODE_ENV
  process.env.NODE_ENV = mode
  try {
    await build({
      root: `${root}test/browser/apps/${app}`,
      mode,
      configFile: false,
      logLevel: 'warn',
      plugins: [plugin],
      resolve: {
        alias: [
          { find: /^journeykit$/, replacement: dist('index.js') },
          { find: /^journeykit\/(react|vue)$/, replacement: dist('$1.js') },
        ],
      },
      build: { outDir, emptyOutDir: true, minify: mode === 'production', reportCompressedSize: false },
    })
  } finally {
    if (before === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = before
  }
  return outDir
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [app, mode] of [['react', 'production'], ['react', 'development'], ['vue', 'production']]) {
    console.log(`${app} (${mode}) → ${await buildTestApp(app, mode)}`)
  }
}
