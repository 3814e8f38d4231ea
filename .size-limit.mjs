// Size budgets, brotli-compressed, checked by `npm test` (test/size.test.ts) and `npm run size`.
// One entry per public import and one per script-tag file. The README quotes these numbers.
const touchpoint = (name, limit) => ({ name: `${name}()`, path: 'dist/index.js', import: `{ ${name} }`, limit })

export default [
  { name: 'createJourney (core, idb-keyval included)', path: 'dist/index.js', import: '{ createJourney }', limit: '10 kB' },
  { name: 'createJourney + defaults()', path: 'dist/index.js', import: '{ createJourney, defaults }', limit: '20 kB' },
  { name: 'phase engine (both presets)', path: 'src/phases/index.ts', import: '{ createPhaseEngine }', limit: '3 kB' },
  { name: 'script tag: journeykit.iife.js', path: 'dist/journeykit.iife.js', limit: '20 kB' },
]
