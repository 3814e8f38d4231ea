/**
 * The stub for pages with a strict Content-Security-Policy: `dist/journeykit-stub.js` is the
 * inline stub byte for byte, and the sha256 the README gives for `script-src` (and for
 * `integrity`) is the stub's.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { STUB } from '../../src/script/stub'

const hash = (text: string) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`

describe('the stub under a strict CSP', () => {
  test('dist/journeykit-stub.js is the stub, byte for byte', () => {
    expect(existsSync('dist/journeykit-stub.js'), 'run `npm run build` first').toBe(true)
    expect(readFileSync('dist/journeykit-stub.js', 'utf8')).toBe(STUB)
  })

  test('every sha256 the README gives is the stub’s', () => {
    const readme = readFileSync('README.md', 'utf8')
    const given = readme.match(/sha256-[A-Za-z0-9+/]{43}=/g) ?? []
    expect(given.length).toBeGreaterThanOrEqual(2)
    expect(new Set(given)).toEqual(new Set([hash(STUB)]))
  })

  test('the README shows the stub as it is', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(STUB)
  })
})
