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
