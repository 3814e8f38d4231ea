/**
 * The production build keeps error codes and leaves the message texts out; the development build
 * (the `development` export condition, `journeykit.debug.iife.js`) keeps them. Runs on the built
 * files (`npm test` builds first). The texts are read from the source: every `__DEV__ && '…'`, and
 * every `__DEV__ ? '…' : 'code'` (a debug log, which production writes as its code).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { forgetJourneys } from './helpers/instances'
import { freshIndexedDB, restoreStorage } from './helpers/storage'

/**
 * Every source with development-only texts, found rather than listed: a text that moves to a new
 * file stays checked.
 */
const SOURCES = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `src/${name.split('\\').join('/')}`)
  .filter((file) => /__DEV__ (&&|\?)/.test(readFileSync(file, 'utf8')))
  .sort()
/**
 * Sources whose development-only texts journeykit.debug.iife.js cannot contain: checks only code
 * reaches (custom phase models), and the Segment format (its own script-tag file has no debug
 * build).
 */
const NPM_ONLY_SOURCES = ['src/phases/index.ts', 'src/formats/segment.ts']

/**
 * The literal pieces (12 characters or more) of every development-only text in the sources;
 * `npmOnly` when the `if` that says it is also `!__SCRIPT_TAG__`, or the whole file's texts are
 * (a check of what only code passes, which the script-tag build leaves out).
 */
function devTexts(): Array<{ piece: string; npmOnly: boolean }> {
  const pieces: Array<{ piece: string; npmOnly: boolean }> = []
  for (const file of SOURCES) {
    const source = readFileSync(file, 'utf8')
    for (const match of source.matchAll(/__DEV__ (?:&&|\?)\s*(['`])((?:\\.|(?!\1).)*)\1/gs)) {
      const before = source.slice(0, match.index)
      const npmOnly = NPM_ONLY_SOURCES.includes(file) || before.slice(before.lastIndexOf('if (')).includes('!__SCRIPT_TAG__')
      for (const piece of match[2]!.split(/\$\{[^}]*\}/)) {
        if (piece.length >= 12) pieces.push({ piece: piece.replace(/\\`/g, '`').replace(/\\'/g, "'"), npmOnly })
      }
    }
  }
  return pieces
}

const js = (dir: string) => readdirSync(dir).filter((name) => /\.(c?js)$/.test(name)).map((name) => `${dir}/${name}`)
/** The built files' text, with the escapes the printer adds (quotes, backticks, non-ASCII as `\\uXXXX`) undone. */
const text = (files: string[]) =>
  files
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n')
    .replace(/\\([`"'])/g, '$1')
    .replace(/\\u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))

beforeAll(() => {
  expect(existsSync('dist/development/index.js'), 'run `npm run build` first').toBe(true)
})

describe('message texts', () => {
  const texts = devTexts().map(({ piece }) => piece)
  const npmOnly = devTexts().filter((text) => text.npmOnly).map(({ piece }) => piece)

  test('the sources mark their texts development-only (the check below has something to find)', () => {
    expect(SOURCES).toEqual(expect.arrayContaining(['src/journey.ts', 'src/delivery/index.ts', 'src/options.ts', 'src/capture/sanitize.ts', 'src/phases/index.ts', 'src/formats/segment.ts']))
    expect(texts.length).toBeGreaterThan(30)
    expect(texts).toContain('` must be a whole number of at least ')
  })

  test('the production build (npm files and the script-tag files) contains none of them', () => {
    // (js('dist') lists the script-tag files too: each of them but the debug one.)
    const production = text(js('dist').filter((file) => !file.includes('.debug.')))
    expect(texts.filter((piece) => production.includes(piece))).toEqual([])
  })

  test('the development build and journeykit.debug.iife.js contain every one', () => {
    const development = text(js('dist/development'))
    expect(texts.filter((piece) => !development.includes(piece))).toEqual([])
    const debug = text(['dist/journeykit.debug.iife.js'])
    expect(texts.filter((piece) => !debug.includes(piece) && !npmOnly.includes(piece))).toEqual([])
  })

  test('journeykit.debug.iife.js leaves out the checks of what only code passes (no data-* attribute reaches them)', () => {
    expect(npmOnly).toEqual(expect.arrayContaining(['` must be a function', '`headers` must be an object of string values', ': unknown condition `']))
    expect(npmOnly.length).toBeLessThan(texts.length / 2)
    const debug = text(['dist/journeykit.debug.iife.js'])
    expect(npmOnly.filter((piece) => debug.includes(piece))).toEqual([])
  })

  test("the script tag leaves out forms()' opt-in form_start, form_abandon and fieldNames (no attribute turns them on)", () => {
    // The event names, and the sensitive-field test that only fieldNames and form_start use.
    const optIn = ['form_start', 'form_abandon', 'one-time|pass|pwd']
    const npm = text(['dist/index.js'])
    expect(optIn.filter((piece) => !npm.includes(piece))).toEqual([])
    for (const file of ['dist/journeykit.iife.js', 'dist/journeykit.debug.iife.js']) {
      expect(optIn.filter((piece) => text([file]).includes(piece))).toEqual([])
    }
  })

  test('the script tag leaves out the checks of custom phase models; the npm build keeps them', () => {
    const checks = ['unknown condition', 'every rule needs an id of its own', 'no words for the concept']
    const development = text(['dist/development/index.js'])
    expect(checks.filter((piece) => !development.includes(piece))).toEqual([])
    expect(text(['dist/index.js'])).toContain('the model is invalid; see the README')
    for (const file of ['dist/journeykit.iife.js', 'dist/journeykit-b2b.iife.js', 'dist/journeykit.debug.iife.js']) {
      expect(checks.filter((piece) => text([file]).includes(piece))).toEqual([])
    }
  })
})

describe('the production build still reports', () => {
  afterEach(() => {
    forgetJourneys()
    vi.restoreAllMocks()
    restoreStorage()
  })

  test('warnings by code: onError gets the code as code and message, the console says the code', async () => {
    freshIndexedDB()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { createJourney } = (await import('../dist/index.js')) as typeof import('../src/index')
    const errors: Array<{ code: string; message: string }> = []
    const journey = createJourney({ endpoint: 'https://collect.example/e', onError: (error) => errors.push(error) })
    journey.identify('')
    journey.destroy()
    journey.track('late')
    expect(errors.map(({ code, message }) => [code, message])).toEqual([
      ['invalid_user_id', 'invalid_user_id'],
      ['destroyed', 'destroyed'],
    ])
    expect(warn.mock.calls.map((call) => call[0])).toEqual(['[journeykit] invalid_user_id', '[journeykit] destroyed'])
  })

  test('a second createJourney for a live endpoint returns the live journey without a word (the development build warns)', async () => {
    freshIndexedDB()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { createJourney } = (await import('../dist/index.js')) as typeof import('../src/index')
    const first = createJourney({ endpoint: 'https://collect.example/twice' })
    expect(createJourney({ endpoint: 'https://collect.example/twice' })).toBe(first)
    first.destroy()
    expect(warn).not.toHaveBeenCalled()
    // @ts-expect-error -- the development build has no declarations of its own (it shares dist/index.d.ts)
    const development = (await import('../dist/development/index.js')) as typeof import('../src/index')
    const live = development.createJourney({ endpoint: 'https://collect.example/twice-in-development' })
    expect(development.createJourney({ endpoint: 'https://collect.example/twice-in-development' })).toBe(live)
    live.destroy()
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringContaining('has a live journey, returned as is')])
  })

  test('set-up mistakes throw at createJourney, naming the option', async () => {
    const { createJourney } = (await import('../dist/index.js')) as typeof import('../src/index')
    expect(() => createJourney({ endpoint: 'ftp://collect.example/e' })).toThrow(/^\[journeykit\] createJourney: `endpoint` is invalid; see the README's Options/)
    expect(() => createJourney({ endpoint: '/c', batchSize: 0 })).toThrow(/`batchSize` is invalid/)
    // The b2b preset's old name is a mistake that says where the preset went, in production too.
    expect(() => createJourney({ endpoint: '/c', phases: 'b2b' as never })).toThrow("import { b2b } from 'journeykit/b2b'")
    // A malformed model says where models are explained; the development build names the mistake.
    expect(() => createJourney({ endpoint: '/c', phases: { phases: ['a'], rules: [{ id: 'a.x', to: 'b' }] } })).toThrow(/^\[journeykit\] phases: the model is invalid; see the README's "A model of your own"/)
  })
})

describe('export conditions', () => {
  const resolve = (conditions: string[], how: 'import' | 'require', specifier: string) =>
    execFileSync(
      process.execPath,
      [...conditions.map((c) => `--conditions=${c}`), '--input-type=module', '-e', how === 'import' ? `console.log(import.meta.resolve(${JSON.stringify(specifier)}))` : `import { createRequire } from 'node:module'; console.log(createRequire(process.cwd() + '/').resolve(${JSON.stringify(specifier)}))`],
      { encoding: 'utf8' },
    ).trim()

  test.each([
    ['journeykit', 'index'],
    ['journeykit/b2b', 'b2b'],
    ['journeykit/react', 'react'],
  ])('%s: `development` resolves to the development build, otherwise production', (specifier, name) => {
    expect(resolve(['development'], 'import', specifier)).toMatch(new RegExp(`/dist/development/${name}\\.js$`))
    expect(resolve(['development'], 'require', specifier)).toMatch(new RegExp(`/dist/development/${name}\\.cjs$`))
    expect(resolve([], 'import', specifier)).toMatch(new RegExp(`/dist/${name}\\.js$`))
    expect(resolve([], 'require', specifier)).toMatch(new RegExp(`/dist/${name}\\.cjs$`))
  })
})
