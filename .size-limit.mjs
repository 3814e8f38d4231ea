// Size budgets, brotli-compressed, checked by `npm test` (test/size.test.ts) and `npm run size`.
// One entry per public import and one per script-tag file. Each budget is the measured size plus
// about 2 %: a regression fails the tests. The README quotes these numbers. `createJourney` alone
// has 20 B of room, no more: the core grows only on purpose, by raising its budget here.
const entry = (name, imports, limit) => ({ name, path: 'dist/index.js', import: `{ ${imports} }`, limit })
const touchpoint = (name, limit) => entry(`${name}()`, name, limit)

/**
 * A prebuilt script-tag file, measured as it is served: size-limit's esbuild step would minify it
 * again, and the size of that re-minified copy is not what a page downloads.
 */
const scriptTag = (name, file, limit) => ({ name, path: `dist/${file}`, disablePlugins: ['@size-limit/esbuild'], limit })

/** A source module, compiled as the production npm build compiles it (its build-time constants set). */
const source = (name, path, imports, limit) => ({
  name,
  path,
  import: `{ ${imports} }`,
  modifyEsbuildConfig: (config) => ({ ...config, define: { ...config.define, __DEV__: 'false', __SCRIPT_TAG__: 'false', __WIRE_FORMAT__: 'true' } }),
  limit,
})

/** A framework binding's subpath, its framework left out (the app has it anyway). */
const binding = (name, imports, ignore) => ({ name, path: `dist/${name.split('/')[1]}.js`, import: `{ ${imports} }`, ignore: [ignore] })

export default [
  entry('createJourney (core, phases, idb-keyval)', 'createJourney', '17475 B'),
  entry('createJourney + defaults()', 'createJourney, defaults', '21240 B'),
  source('phase engine (default preset)', 'src/phases/index.ts', 'createPhaseEngine', '5420 B'),
  // Each preset is a standalone model object with its words: what it costs on its own.
  source('phase preset: default (rules, English and German words)', 'src/phases/presets/default.ts', 'standard', '2365 B'),
  source('phase preset: b2b (rules, English and German words)', 'src/phases/presets/b2b.ts', 'b2b', '2725 B'),
  { name: 'b2b (journeykit/b2b, the b2b phase model)', path: 'dist/b2b.js', import: '{ b2b }', limit: '2735 B' },
  { name: 'createJourney + b2b', path: ['dist/index.js', 'dist/b2b.js'], import: { 'dist/index.js': '{ createJourney }', 'dist/b2b.js': '{ b2b }' }, limit: '18435 B' },
  source('phase words: English (both presets)', 'src/phases/words/en.ts', 'en, enB2b', '1140 B'),
  source('phase words: German (both presets)', 'src/phases/words/de.ts', 'de, deB2b', '1150 B'),
  touchpoint('pageViews', '865 B'),
  touchpoint('campaign', '1365 B'),
  touchpoint('forms', '960 B'),
  touchpoint('clicks', '905 B'),
  touchpoint('scrollDepth', '430 B'),
  touchpoint('engagement', '585 B'),
  { name: 'webVitals() (journeykit/web-vitals, web-vitals included)', path: 'dist/web-vitals.js', import: '{ webVitals }', limit: '2205 B' },
  scriptTag('script tag: journeykit.iife.js (with defaults)', 'journeykit.iife.js', '20110 B'),
  scriptTag('script tag: journeykit.debug.iife.js (with defaults, full message texts)', 'journeykit.debug.iife.js', '21290 B'),
  scriptTag('script tag: journeykit-b2b.iife.js (with defaults, b2b phases)', 'journeykit-b2b.iife.js', '20805 B'),
  scriptTag('script tag add-on: journeykit-web-vitals.iife.js', 'journeykit-web-vitals.iife.js', '2340 B'),
  // The format is a transport of its own: alone it carries journeykit's transport too, which a
  // page that calls createJourney has anyway; what it adds to such a page is the second figure
  // less createJourney's.
  { name: 'segment() (journeykit/segment, the Segment-spec wire format)', path: 'dist/segment.js', import: '{ segment }', limit: '1660 B' },
  { name: 'createJourney + segment()', path: ['dist/index.js', 'dist/segment.js'], import: { 'dist/index.js': '{ createJourney }', 'dist/segment.js': '{ segment }' }, limit: '18535 B' },
  scriptTag('script tag: journeykit-segment.iife.js (with defaults, Segment spec)', 'journeykit-segment.iife.js', '20880 B'),
  { ...binding('journeykit/react', 'JourneyProvider, useJourney, usePhase, usePageView', 'react'), limit: '355 B' },
  { ...binding('journeykit/vue', 'journeyPlugin, useJourney, usePhase', 'vue'), limit: '305 B' },
]
