// `npm test`: builds the package, type-checks, checks the packed package (attw, publint), runs
// every suite (unit, size budgets, the real Chromium suite, the example collector's tests) and ends with one line that counts them all:
// `tests: N passed, N failed` (plus skipped, when a suite was skipped).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'

const results = '.test-results'
rmSync(results, { recursive: true, force: true })
mkdirSync(results, { recursive: true })

function run(title, command, args) {
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`)
  const { status } = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' })
  return status === 0
}

let passed = 0
let failed = 0
let skipped = 0
let ok = run('build', 'npx', ['tsup', '--silent']) && run('type check', 'npx', ['tsc', '--noEmit', '-p', '.'])
if (!ok) failed++

if (ok) {
  // The package as npm would publish it: types resolve in every TypeScript mode (attw), and
  // package.json follows the rules bundlers and Node rely on (publint). One count each.
  for (const [title, args] of [
    ['package types (attw)', ['attw', '--pack', '.']],
    ['package.json (publint)', ['publint', '--strict']],
  ]) {
    if (run(title, 'npx', args)) passed++
    else failed++
  }
  run('tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}/vitest.json`])
  try {
    const report = JSON.parse(readFileSync(`${results}/vitest.json`, 'utf8'))
    passed += report.numPassedTests
    failed += report.numFailedTests + (report.numFailedTestSuites ?? 0)
    skipped += report.numPendingTests + (report.numTodoTests ?? 0)
  } catch {
    console.error('vitest wrote no report: counting the run as failed')
    failed++
  }
  run('example collector tests', 'node', [
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${results}/collector.tap`,
    'examples/collector/test/',
  ])
  try {
    const tap = readFileSync(`${results}/collector.tap`, 'utf8')
    const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)`, 'm'))?.[1] ?? 0)
    passed += count('pass')
    failed += count('fail') + count('cancelled')
    skipped += count('skipped') + count('todo')
    if (!count('pass') && !count('fail')) failed++
  } catch {
    console.error('node --test wrote no report: counting the run as failed')
    failed++
  }
}

console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed ? 1 : 0)
