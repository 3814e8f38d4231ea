/**
 * Props cleaning: whatever a page passes becomes JSON-safe data by the documented rules, without
 * throwing, and without touching Object.prototype.
 */
import { describe, expect, test } from 'vitest'
import { MAX_EVENT_BYTES, cleanProps, type CleanReport } from '../../src/capture/sanitize'
import { hostileProxy, revokedProxy } from '../helpers/hostile'

function clean(input: unknown): { out: ReturnType<typeof cleanProps>; notes: CleanReport } {
  const notes: CleanReport = {}
  return { out: cleanProps(input, notes), notes }
}

describe('what props may be', () => {
  test.each([null, undefined])('%s → {} without a word', (input) => {
    expect(clean(input)).toEqual({ out: {}, notes: {} })
  })

  test.each([
    ['a string', 'text', 'string'],
    ['a number', 5, 'number'],
    ['a boolean', true, 'boolean'],
    ['an array', [1, 2], 'an array'],
    ['a typed array', new Uint8Array([1, 2]), 'an array'],
    ['a function', () => 1, 'function'],
  ])('%s → {} and reported as invalid', (_, input, word) => {
    const { out, notes } = clean(input)
    expect(out).toEqual({})
    expect(notes._invalid_).toContain(word)
  })

  test('a DOM node or the window → {} and reported', () => {
    expect(clean(document.createElement('div')).out).toEqual({})
    expect(clean(document.createElement('div')).notes._invalid_).toBeTruthy()
    expect(clean(window).out).toEqual({})
  })

  test('plain values pass unchanged, unreported', () => {
    const input = { s: 'text', n: 1.5, z: 0, neg: -3, t: true, f: false, nil: null, nested: { a: [1, 'b', { c: null }] }, empty: {}, list: [] }
    expect(clean(input)).toEqual({ out: input, notes: {} })
  })
})

describe('the cleaning rules', () => {
  test('undefined, functions and symbols are left out (null inside arrays)', () => {
    const { out, notes } = clean({ u: undefined, f: () => 1, s: Symbol('x'), kept: 1, list: [undefined, () => 1, Symbol('y'), 2] })
    expect(out).toEqual({ kept: 1, list: [null, null, null, 2] })
    expect(notes._cleaned_).toBeTruthy()
  })

  test('BigInt becomes a string', () => {
    expect(clean({ big: 2n ** 70n }).out).toEqual({ big: '1180591620717411303424' })
  })

  test('NaN and ±Infinity become null', () => {
    expect(clean({ a: NaN, b: Infinity, c: -Infinity, d: [NaN] }).out).toEqual({ a: null, b: null, c: null, d: [null] })
  })

  test('a Date becomes its ISO string; an invalid Date null', () => {
    expect(clean({ at: new Date(Date.UTC(2026, 10, 22, 10)), bad: new Date('nope') }).out).toEqual({
      at: '2026-11-22T10:00:00.000Z',
      bad: null,
    })
  })

  test('a Map becomes an object, a Set an array', () => {
    const map = new Map<unknown, unknown>([
      ['a', 1],
      [2, 'two'],
      ['set', new Set([1, 1, 2])],
    ])
    expect(clean({ map, set: new Set(['x', 'y']) }).out).toEqual({ map: { a: 1, '2': 'two', set: [1, 2] }, set: ['x', 'y'] })
  })

  test('DOM nodes and windows inside props are left out', () => {
    const { out, notes } = clean({ node: document.body, text: document.createTextNode('t'), win: window, kept: 'yes' })
    expect(out).toEqual({ kept: 'yes' })
    expect(notes._cleaned_).toMatch(/DOM/)
  })

  test('a circular reference becomes "[Circular]"; a shared one is kept twice', () => {
    const shared = { v: 1 }
    const loop: Record<string, unknown> = { name: 'loop' }
    loop.self = loop
    loop.list = [loop]
    expect(clean({ loop, a: shared, b: shared }).out).toEqual({
      loop: { name: 'loop', self: '[Circular]', list: ['[Circular]'] },
      a: { v: 1 },
      b: { v: 1 },
    })
  })

  test('nesting deeper than 10 levels becomes "[Truncated]", without a stack overflow', () => {
    let deep: Record<string, unknown> = { bottom: true }
    for (let i = 0; i < 10_000; i++) deep = { d: deep }
    const { out, notes } = clean(deep)
    let level = out as Record<string, unknown>
    let depth = 0
    while (typeof level.d === 'object') {
      level = level.d as Record<string, unknown>
      depth++
    }
    expect(level.d).toBe('[Truncated]')
    expect(depth).toBe(9)
    expect(notes._cleaned_).toMatch(/Truncated/)
  })

  test('a property whose getter throws is left out, its siblings kept', () => {
    const input = Object.defineProperty({ kept: 1 }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter')
      },
    })
    const { out, notes } = clean({ input })
    expect(out).toEqual({ input: { kept: 1 } })
    expect(notes._cleaned_).toMatch(/getter/)
  })

  test('toJSON is not called (it could throw or return anything)', () => {
    const input = {
      toJSON() {
        throw new Error('toJSON')
      },
      kept: 1,
    }
    expect(clean({ input }).out).toEqual({ input: { kept: 1 } })
  })

  test.each([
    ['a Proxy whose traps throw', hostileProxy],
    ['a revoked Proxy', revokedProxy],
  ])('%s nested in props is left out, its siblings kept', (_, make) => {
    const { out, notes } = clean({ kept: 1, bad: make(), nested: { fine: true, bad: make() } })
    expect(out).toEqual({ kept: 1, nested: { fine: true } })
    expect(notes._cleaned_).toBeTruthy()
  })

  test.each([
    ['a Proxy whose traps throw', hostileProxy],
    ['a revoked Proxy', revokedProxy],
  ])('%s as the props themselves does not throw', (_, make) => {
    expect(() => clean(make())).not.toThrow()
  })
})

describe('prototype pollution', () => {
  test('__proto__, constructor and prototype keys are left out, however they arrive', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort()
    const parsed = JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3},"a":{"__proto__":{"polluted":4}},"ok":1}')
    const map = new Map<string, unknown>([
      ['__proto__', { polluted: 5 }],
      ['fine', 1],
    ])
    const { out, notes } = clean({ parsed, map })
    expect(out).toEqual({ parsed: { a: {}, ok: 1 }, map: { fine: 1 } })
    expect(Object.getPrototypeOf((out as { parsed: object }).parsed)).toBe(Object.prototype)
    expect(Object.keys((out as { parsed: object }).parsed)).toEqual(['a', 'ok'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before)
    expect(notes._cleaned_).toMatch(/__proto__|constructor|prototype/)
  })
})

describe('size', () => {
  test('props over 32 KiB make the event rejected', () => {
    const { out, notes } = clean({ blob: 'x'.repeat(MAX_EVENT_BYTES) })
    expect(out).toBeUndefined()
    expect(notes._tooLarge_).toBe(true)
  })

  test('many small values over 32 KiB in total are rejected too', () => {
    const many: Record<string, number> = {}
    for (let i = 0; i < 10_000; i++) many[`key${i}`] = i
    const { out, notes } = clean(many)
    expect(out).toBeUndefined()
    expect(notes._tooLarge_).toBe(true)
  })

  test('stops reading properties once over the limit (a huge object is no long task)', () => {
    let reads = 0
    const huge = {}
    for (let i = 0; i < 5000; i++) {
      Object.defineProperty(huge, `k${i}`, {
        enumerable: true,
        get() {
          reads++
          return 'x'.repeat(1000)
        },
      })
    }
    expect(clean(huge).out).toBeUndefined()
    // About 33 values of 1 000 characters fill 32 KiB.
    expect(reads).toBeLessThan(100)
  })

  // An array of holes or of values JSON has no word for (functions, symbols, undefined) still
  // costs a `null` each once cleaned: ten million of them are 50 MB, not nothing.
  test.each([
    ['a sparse array of 10 million holes', () => new Array(10_000_000)],
    ['an array of a million functions', () => Array.from({ length: 1_000_000 }, () => () => 1)],
    ['an array of a million symbols', () => Array.from({ length: 1_000_000 }, () => Symbol('s'))],
    ['an array of a million undefined', () => new Array(1_000_000).fill(undefined)],
    ['an array of a million nulls', () => new Array(1_000_000).fill(null)],
    ['an array of a million empty objects', () => Array.from({ length: 1_000_000 }, () => ({}))],
  ])('%s is over the limit: the event is rejected', (_, make) => {
    const { out, notes } = clean({ list: make() })
    expect(out).toBeUndefined()
    expect(notes._tooLarge_).toBe(true)
  })

  test('stops reading a sparse array once over the limit (holes count)', () => {
    let reads = 0
    const holes = new Proxy(new Array(1_000_000), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++
        return Reflect.get(target, key, receiver)
      },
    })
    expect(clean({ holes }).out).toBeUndefined()
    // Each hole becomes `null,` (5 bytes): about 6 600 of them fill 32 KiB.
    expect(reads).toBeLessThan(10_000)
  })

  test('stops reading an object of functions once over the limit (left-out values count)', () => {
    let reads = 0
    const methods = {}
    for (let i = 0; i < 100_000; i++) {
      Object.defineProperty(methods, `m${i}`, {
        enumerable: true,
        get() {
          reads++
          return () => i
        },
      })
    }
    expect(clean({ methods }).out).toBeUndefined()
    expect(reads).toBeLessThan(MAX_EVENT_BYTES + 1)
  })

  test('a typed array becomes an array of numbers, read only as far as the limit', () => {
    expect(clean({ bytes: new Uint8Array([1, 2, 3]) }).out).toEqual({ bytes: [1, 2, 3] })
    expect(clean({ bytes: new Float64Array(10_000_000) }).out).toBeUndefined()
  })

  test('what a few left-out values cost does not reject ordinary props', () => {
    const props = { handler: () => 1, nothing: undefined, list: [undefined, 1, , 3], sym: Symbol('x'), text: 'x'.repeat(30_000) }
    expect(clean(props).out).toEqual({ list: [null, 1, null, 3], text: 'x'.repeat(30_000) })
  })

  test('a getter that cleans other props meanwhile (a track() from inside) has a budget apart', () => {
    let inner: ReturnType<typeof clean> | undefined
    const props = {
      first: 'x'.repeat(20_000),
      get nested() {
        // Together with the outer props, over 32 KiB; each on its own, under.
        inner = clean({ blob: 'y'.repeat(20_000) })
        return { deep: 1 }
      },
    }
    expect(clean(props).out).toEqual({ first: 'x'.repeat(20_000), nested: { deep: 1 } })
    expect(inner!.out).toEqual({ blob: 'y'.repeat(20_000) })
  })

  test('props comfortably under the limit pass', () => {
    const { out } = clean({ blob: 'x'.repeat(20_000), list: Array.from({ length: 500 }, (_, i) => i) })
    expect(out).toBeDefined()
  })
})

describe('any input (seeded fuzz)', () => {
  function generator(seed: number) {
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!
    const leaf = (): unknown =>
      pick<() => unknown>([
        () => random() * 1e6,
        () => NaN,
        () => -0,
        () => Infinity,
        () => BigInt(Math.floor(random() * 1e9)),
        () => 'str' + String.fromCharCode(Math.floor(random() * 0xffff)),
        () => '\uD800',
        () => true,
        () => null,
        () => undefined,
        () => Symbol('s'),
        () => () => 1,
        () => new Date(random() * 4e12),
        () => new Uint8Array([1, 2, 3]),
        () => document.createElement('span'),
        () => hostileProxy(),
        () => revokedProxy(),
        () => /re/g,
        () => new Error('e'),
        () => Object.create(null),
      ])()
    const value = (depth: number): unknown => {
      if (depth > 4 || random() < 0.4) return leaf()
      const kind = random()
      if (kind < 0.3) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1))
      if (kind < 0.4) return new Map([[pick(['a', '__proto__', 'b']), value(depth + 1)]])
      if (kind < 0.5) return new Set([value(depth + 1)])
      const object: Record<string, unknown> = {}
      for (let i = 0; i < Math.floor(random() * 4); i++) object[pick(['a', 'b', 'constructor', 'prototype', 'x y', ''])] = value(depth + 1)
      if (random() < 0.1) object.self = object
      return object
    }
    return () => {
      const props: Record<string, unknown> = {}
      for (let i = 0; i < 4; i++) props['k' + i] = value(0)
      return props
    }
  }

  test('1 000 generated props: never throws, always JSON-safe, Object.prototype untouched', () => {
    const next = generator(42)
    for (let run = 0; run < 1000; run++) {
      const input = next()
      let out: ReturnType<typeof cleanProps>
      expect(() => (out = cleanProps(input, {}))).not.toThrow()
      if (out === undefined) continue
      const json = JSON.stringify(out)
      expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(JSON.parse(json))))
      expect(() => JSON.parse(json)).not.toThrow()
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
