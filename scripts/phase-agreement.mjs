// `npm run phase-agreement` (also run at the end of `npm run bench`): how often the phase engine
// puts a visitor in the phase a marketer would name. Plays the labelled corpus (test/phases/corpus,
// 120 journeys labelled from the seeds' phase definitions, plus 24 held-out ones) through the
// public API in the unit test environment, then prints the agreement per preset and per language,
// the confusion tables and every step where the SDK differs from its label. Writes the figures to
// .bench/phase-agreement.json. Like the bench, it reports the aim as met or not; it never fails
// on a number (the unit test test/phases/agreement.test.ts does).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const OUT = fileURLToPath(new URL('../.bench/phase-agreement.json', import.meta.url))
mkdirSync(fileURLToPath(new URL('../.bench/', import.meta.url)), { recursive: true })
rmSync(OUT, { force: true })

const run = spawnSync('npx', ['vitest', 'run', '--project', 'unit', 'test/phases/agreement.test.ts'], {
  cwd: ROOT,
  env: { ...process.env, PHASE_AGREEMENT_OUT: OUT },
  encoding: 'utf8',
})
let result
try {
  result = JSON.parse(readFileSync(OUT, 'utf8'))
} catch {
  console.error(run.stdout, run.stderr)
  console.error('The corpus could not be played (see the vitest output above).')
  process.exit(1)
}
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim()
console.log(`\nPhase agreement with the labelled corpus (commit ${commit}; node scripts/phase-agreement.mjs)\n`)
console.log(result.report)
const aim = ['default preset', 'b2b preset', 'English', 'German'].map((group) => result.agreements.find((a) => a.group === group))
const met = aim.every((a) => a.clearAgreed / a.clearSteps >= 0.9 && a.agreed / a.steps >= 0.85 && a.ahead / a.steps <= 0.02)
console.log(`\naim (each preset and language: ≥ 90 % of clear steps, ≥ 85 % of all steps, ≤ 2 % ahead): ${met ? 'met' : 'NOT met'} · ${OUT.slice(ROOT.length)}`)
