import { readFileSync, writeFileSync } from 'node:fs'
import { defineConfig, type Options } from 'tsup'
import { STUB } from './src/script/stub'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

/** The npm entries: each a public import path. */
const npmEntries = {
  index: 'src/index.ts',
  'web-vitals': 'src/web-vitals.ts',
  // Framework bindings; react and vue stay external (optional peer dependencies).
  react: 'src/react/index.ts',
  vue: 'src/vue/index.ts',
  // Wire formats other than journeykit's own JSON.
  segment: 'src/segment.ts',
  // Phase models beyond the default one, so that the core does not carry them.
  b2b: 'src/b2b.ts',
}

const shared: Options = {
  target: 'es2020',
  // `__DEV__` false: the production build keeps error codes, not the texts (see src/errors.ts).
  // `__SCRIPT_TAG__` true only in the script-tag builds below, `__WIRE_FORMAT__` false in those
  // but the Segment one (see src/globals.d.ts).
  define: { __VERSION__: JSON.stringify(version), __DEV__: 'false', __SCRIPT_TAG__: 'false', __WIRE_FORMAT__: 'true' },
  // Internal fields written `_name_` get short names in the build: smaller output, and a
  // reminder that they are not API. A leading underscore alone is not enough: data keys start
  // with one too (the `_kx` click id, HubSpot's `_hsenc`, `_ga`/`_gl` linkers, `_csrf`), and a
  // renamed one breaks silently (`?_kx=` was once read as `?a=` in the npm build and `?o=` in the
  // script tag). test/browser/campaign-build.test.ts checks the built files.
  esbuildOptions(options) {
    options.mangleProps = /^_\w*_$/
  },
}

/**
 * The script-tag files are the one output we minify for good (a bundler re-minifies the npm
 * files): terser gets them smaller than esbuild's minifier (shorter names in nested scopes, more
 * compression). esbuild still bundles and applies `mangleProps` above first; terser renames no
 * properties (its `mangle.properties` is off), so data keys such as `_kx` keep their names.
 */
const scriptTagMinify: Options = {
  minify: 'terser',
  terserOptions: {
    ecma: 2020,
    // `inline: 1` (only functions that just return a value): brotli packs the rest better as calls.
    compress: { ecma: 2020, passes: 3, inline: 1 },
    format: { ecma: 2020 },
  },
}

export default defineConfig([
  // The npm package: ESM + CJS + types. Each entry is a public import path.
  {
    ...shared,
    entry: npmEntries,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    treeshake: true,
    splitting: true,
  },
  // The development build of every npm entry, with the full message texts (`__DEV__` true):
  // the `development` export condition picks it (Vite and webpack set it in development). It
  // shares the production build's type declarations.
  {
    ...shared,
    define: { ...shared.define, __DEV__: 'true' },
    entry: npmEntries,
    outDir: 'dist/development',
    format: ['esm', 'cjs'],
    treeshake: true,
    splitting: true,
  },
  // The script-tag build with the full message texts, for debugging a page.
  {
    ...shared,
    define: { ...shared.define, __DEV__: 'true', __SCRIPT_TAG__: 'true', __WIRE_FORMAT__: 'false' },
    entry: { 'journeykit.debug.iife': 'src/script/iife.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    ...scriptTagMinify,
    treeshake: true,
  },
  // The script-tag builds: one self-contained minified file each, no module system.
  {
    ...shared,
    define: { ...shared.define, __SCRIPT_TAG__: 'true', __WIRE_FORMAT__: 'false' },
    entry: {
      'journeykit.iife': 'src/script/iife.ts',
      'journeykit-web-vitals.iife': 'src/script/web-vitals-iife.ts',
      'journeykit-b2b.iife': 'src/script/b2b-iife.ts',
    },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    ...scriptTagMinify,
    treeshake: true,
    // The inline stub as a file too, byte for byte, for pages whose CSP allows no inline script
    // (README: Content Security Policy). Same bytes, same sha256 as the inline one.
    onSuccess: async () => writeFileSync('dist/journeykit-stub.js', STUB),
  },
  // The Segment script tag: the one file whose core takes a wire format (`__WIRE_FORMAT__`), so
  // that the others carry none of it.
  {
    ...shared,
    define: { ...shared.define, __SCRIPT_TAG__: 'true' },
    entry: { 'journeykit-segment.iife': 'src/script/segment-iife.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    ...scriptTagMinify,
    treeshake: true,
  },
])
