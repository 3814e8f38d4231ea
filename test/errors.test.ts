/**
 * The reporter every problem goes through: a typed code, the console once per code, `onError`
 * every time, and the codes the README documents are exactly the `ErrorCode` union.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterEach, describe, expect, expectTypeOf, test, vi } from 'vitest'
import { createReporter, type Reporter } from '../src/errors'
import type { ErrorCode, JourneyError, TouchpointContext } from '../src/types'

afterEach(() => {
  vi.restoreAllMocks()
})

/** The members of the `ErrorCode` union, read from its source (a type has no runtime form). Paths are from the repository root, where vitest runs. */
function unionMembers(): string[] {
  const source = readFileSync(resolve('src/event/types.ts'), 'utf8')
  const union = source.slice(source.indexOf('export type ErrorCode ='), source.indexOf('export interface JourneyError'))
  return [...union.matchAll(/^\s*\|\s*'([a-z_]+)'/gm)].map((match) => match[1]!)
}

describe('ErrorCode', () => {
  test('is the type of every report: JourneyError.code, the reporter and the touchpoint context', () => {
    expectTypeOf<JourneyError['code']>().toEqualTypeOf<ErrorCode>()
    expectTypeOf<Parameters<Reporter['_warn_']>[0]>().toEqualTypeOf<ErrorCode>()
    expectTypeOf<Parameters<TouchpointContext['warn']>[0]>().toEqualTypeOf<ErrorCode>()
    const report = createReporter()
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    // @ts-expect-error: a code outside the union does not compile
    report._warn_('no_such_code', 'x')
  })

  test('holds exactly the codes the README documents under "Bad input"', () => {
    const readme = readFileSync(resolve('README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## Bad input'), readme.indexOf('\n## ', readme.indexOf('## Bad input') + 1))
    const documented = new Set([...section.matchAll(/`([a-z]+(?:_[a-z]+)+|destroyed)`/g)].map((match) => match[1]!))
    const members = unionMembers()
    expect(members.length).toBeGreaterThan(10)
    expect(new Set(members).size).toBe(members.length)
    expect([...documented].sort()).toEqual([...members].sort())
  })
})

describe('createReporter', () => {
  test('warns on the console once per code, and calls onError every time', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const errors: JourneyError[] = []
    const report = createReporter((error) => errors.push(error))
    report._warn_('queue_full', 'first', { count: 3 })
    report._warn_('queue_full', 'second', { count: 4 })
    report._warn_('delivery_failed', 'third', { status: 503 })
    expect(warn.mock.calls.map((call) => call[0])).toEqual(['[journeykit] first', '[journeykit] third'])
    expect(errors).toEqual([
      { code: 'queue_full', message: 'first', count: 3 },
      { code: 'queue_full', message: 'second', count: 4 },
      { code: 'delivery_failed', message: 'third', status: 503 },
    ])
  })

  test('an onError that throws or reports again breaks nothing', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    let calls = 0
    const report: Reporter = createReporter(() => {
      calls++
      report._warn_('internal_error', 'from inside onError')
      throw new Error('onError')
    })
    expect(() => report._warn_('plugin_failed', 'x')).not.toThrow()
    expect(calls).toBe(1)
  })
})
