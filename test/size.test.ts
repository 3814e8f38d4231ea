/**
 * Size budgets are part of the tests: every size-limit entry (.size-limit.mjs) must stay within
 * its budget, measured on the build `npm test` has just made.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { beforeAll, describe, expect, test } from 'vitest'
import entries from '../.size-limit.mjs'

interface SizeResult {
  name: string
  passed: boolean
  size: number
  sizeLimit: number
}

let results: SizeResult[] = []

beforeAll(() => {
  expect(existsSync('dist/index.js'), 'run `npm run build` first').toBe(true)
  let output: string
  try {
    output = execFileSync('npx', ['size-limit', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    // size-limit exits non-zero when a budget is exceeded; its JSON is still on stdout.
    output = (error as { stdout?: string }).stdout ?? ''
  }
  results = JSON.parse(output.slice(output.indexOf('['))) as SizeResult[]
})

describe('size budgets (brotli)', () => {
  for (const { name } of entries as Array<{ name: string }>) {
    test(name, () => {
      const result = results.find((entry) => entry.name === name)
      expect(result, `size-limit measured no entry "${name}"`).toBeDefined()
      expect(result!.size, `${name}: ${result!.size} B, budget ${result!.sizeLimit} B`).toBeLessThanOrEqual(result!.sizeLimit)
    })
  }
})

/**
 * What the wire-format hook (`createJourney({ format })`, formats/types.ts) costs a page that
 * speaks journeykit's JSON: `createJourney` built as the npm build builds it, with the hook and
 * without it (`__WIRE_FORMAT__`, false in the default script-tag files), the minifier's property
 * names pinned so that only the hook differs. Minified bytes, because brotli moves by tens of
 * bytes either way for a change this small (README: Send to RudderStack / Jitsu / Segment).
 */
describe('the wire-format hook', () => {
  async function createJourneyBuild(wireFormat: boolean, mangleCache: Record<string, string | false>) {
    const { build } = await import('esbuild')
    const result = await build({
      stdin: { contents: "export { createJourney } from './src/index.ts'", resolveDir: process.cwd(), loader: 'ts' },
      bundle: true,
      write: false,
      minify: true,
      format: 'esm',
      target: 'es2020',
      mangleProps: /^_\w*_$/,
      mangleCache,
      define: { __VERSION__: '"0.0.0"', __DEV__: 'false', __SCRIPT_TAG__: 'false', __WIRE_FORMAT__: String(wireFormat) },
      logLevel: 'silent',
    })
    return { bytes: result.outputFiles[0]!.contents.length, mangleCache: result.mangleCache ?? {} }
  }

  test('adds at most 40 minified bytes to createJourney', async () => {
    const withHook = await createJourneyBuild(true, {})
    const without = await createJourneyBuild(false, withHook.mangleCache)
    expect(withHook.bytes - without.bytes, `${withHook.bytes} B with the hook, ${without.bytes} B without`).toBeLessThanOrEqual(40)
    expect(withHook.bytes).toBeGreaterThan(without.bytes)
  })
})
