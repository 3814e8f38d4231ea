// Size budgets, brotli-compressed, checked by `npm test` (test/size.test.ts) and `npm run size`.
// One entry per public import and one per script-tag file. Each budget is the measured size plus
// about 2 %: a regression fails the tests. The README quotes these numbers.
const entry = (name, imports, limit) => ({ name, path: 'dist/index.js', import: `{ ${imports} }`, limit })
const touchpoint = (name, limit) => entry(`${name}()`, name, limit)

/** A framework binding's subpath, its framework left out (the app has it anyway). */
const binding = (name, imports, ignore) => ({ name, path: `dist/${name.split('/')[1]}.js`, import: `{ ${imports} }`, ignore: [ignore] })

export default [
  entry('createJourney (core, phases, idb-keyval)', 'createJourney', '13430 B'),
  entry('createJourney + defaults()', 'createJourney, defaults', '16580 B'),
  { name: 'phase engine (both presets)', path: 'src/phases/index.ts', import: '{ createPhaseEngine }', limit: '2820 B' },
  touchpoint('pageViews', '865 B'),
  touchpoint('campaign', '1365 B'),
  touchpoint('forms', '960 B'),
  touchpoint('clicks', '905 B'),
  touchpoint('scrollDepth', '440 B'),
  touchpoint('engagement', '585 B'),
  { name: 'webVitals() (journeykit/web-vitals, web-vitals included)', path: 'dist/web-vitals.js', import: '{ webVitals }', limit: '2210 B' },
  { name: 'script tag: journeykit.iife.js (with defaults)', path: 'dist/journeykit.iife.js', limit: '16930 B' },
  { name: 'script tag add-on: journeykit-web-vitals.iife.js', path: 'dist/journeykit-web-vitals.iife.js', limit: '2340 B' },
  { name: 'segment() (journeykit/segment, the Segment-spec wire format)', path: 'dist/segment.js', import: '{ segment }', limit: '860 B' },
  { name: 'script tag: journeykit-segment.iife.js (with defaults, Segment spec)', path: 'dist/journeykit-segment.iife.js', limit: '16490 B' },
  { ...binding('journeykit/react', 'JourneyProvider, useJourney, usePhase, usePageView', 'react'), limit: '355 B' },
  { ...binding('journeykit/vue', 'journeyPlugin, useJourney, usePhase', 'vue'), limit: '305 B' },
]
