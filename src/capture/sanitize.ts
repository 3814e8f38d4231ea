/**
 * Turns whatever a page passes as event props into JSON-safe data, without throwing. The rules
 * (documented in the README, "Bad input"):
 * - props that are not a plain object are replaced by `{}`;
 * - `undefined`, functions and symbols are left out; BigInt becomes a string; NaN and ±Infinity
 *   become null; a Date becomes its ISO string; a Map becomes an object, a Set an array;
 * - DOM nodes and windows are left out; circular references become "[Circular]"; anything nested
 *   deeper than 10 levels becomes "[Truncated]";
 * - keys `__proto__`, `constructor` and `prototype` are left out (no prototype pollution);
 * - a property whose getter throws is left out;
 * - a typed array (`Uint8Array`, …) becomes an array of numbers;
 * - an event larger than 32 KiB is rejected as a whole. The size is counted as cleaning goes, in
 *   bytes of the JSON it will be: what is left out counts too (a hole or a function in an array
 *   is a `null`; an object entry left out costs a byte), so that cleaning stops early on a
 *   `new Array(1e7)` instead of walking ten million holes.
 * Every rule that changed something is reported once per kind.
 */
import type { Props } from '../types'

export const MAX_EVENT_BYTES = 32 * 1024
const MAX_DEPTH = 10
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * What cleaning noticed: the caller turns these into one warning each. Its fields are written
 * `_name_`: the build shortens them; not public.
 */
export interface CleanReport {
  /** Something was left out or converted: what, in the development build (`true` in production). */
  _cleaned_?: string | true
  /** The props could not be used at all: why, in the development build (`true` in production). */
  _invalid_?: string | true
  /** Too large to send: the event is rejected. */
  _tooLarge_?: boolean
}

/**
 * Returns JSON-safe props, or undefined when the event must be rejected (too large). One call is
 * one walk: its byte budget and the objects it is inside are this call's own, so a getter that
 * tracks another event (and cleans its props) meanwhile does not disturb them.
 */
export function cleanProps(input: unknown, report: CleanReport): Props | undefined {
  if (input == null) return {}
  try {
    const list = Array.isArray(input) || ArrayBuffer.isView(input)
    if (typeof input !== 'object' || list || isHostObject(input)) {
      report._invalid_ = (__DEV__ && `props must be a plain object, got ${list ? 'an array' : typeof input}`) || true
      return {}
    }
  } catch {
    // A revoked Proxy throws even from Array.isArray.
    report._invalid_ = (__DEV__ && 'props could not be read') || true
    return {}
  }
  /** Bytes of JSON still allowed, counted as cleaning goes: below 0, the event is too large. */
  let left = MAX_EVENT_BYTES
  /** The objects being cleaned, outermost first: one met again is a circular reference. */
  const parents: object[] = []
  function cleanValue(value: unknown): unknown {
    switch (typeof value) {
      case 'string':
        left -= value.length + 2
        return value
      case 'number':
        left -= 8
        if (Number.isFinite(value)) return value
        report._cleaned_ = (__DEV__ && 'NaN and Infinity became null') || true
        return null
      case 'boolean':
        left -= 5
        return value
      case 'bigint':
        report._cleaned_ = (__DEV__ && 'a BigInt became a string') || true
        left -= 20
        return value.toString()
      case 'object':
        break
      default:
        // undefined, function, symbol: JSON has no such thing. The caller pays for the null or the
        // looking it costs, so that an array of a million of them stops early.
        if (value !== undefined) report._cleaned_ = (__DEV__ && `a ${typeof value} was left out`) || true
        return undefined
    }
    if (value === null) {
      left -= 4
      return null
    }
    if (parents.includes(value)) {
      report._cleaned_ = (__DEV__ && 'a circular reference became "[Circular]"') || true
      left -= 12
      return '[Circular]'
    }
    if (parents.length >= MAX_DEPTH) {
      report._cleaned_ = (__DEV__ && `values nested deeper than ${MAX_DEPTH} levels became "[Truncated]"`) || true
      left -= 13
      return '[Truncated]'
    }
    parents.push(value)
    // Everything below can meet a Proxy whose traps throw (even instanceof and Array.isArray do).
    try {
      if (value instanceof Date) {
        left -= 26
        return isNaN(value.getTime()) ? null : value.toISOString()
      }
      if (isHostObject(value)) {
        report._cleaned_ = (__DEV__ && 'a DOM node or window was left out') || true
        return undefined
      }
      // Brackets and separators count: `[{},{},…]` of a million empty objects is not free.
      left -= 2
      if (Array.isArray(value) || value instanceof Set || ArrayBuffer.isView(value)) {
        const out: unknown[] = []
        // A DataView is not iterable: it has no items to give.
        for (const item of Symbol.iterator in value ? (value as Iterable<unknown>) : []) {
          if (left < 0) break
          let cleaned = cleanValue(item)
          // A hole, undefined, a function or a symbol is a `null` in JSON.
          if (cleaned === undefined) {
            cleaned = null
            left -= 4
          }
          left -= 1
          out.push(cleaned)
        }
        return out
      }
      const out: Record<string, unknown> = {}
      const map = value instanceof Map ? value : undefined
      // Keys first, values one by one: a huge object stops being read once the budget is spent.
      for (const rawKey of map ? map.keys() : Object.keys(value)) {
        const key = String(rawKey)
        if (UNSAFE_KEYS.has(key)) {
          report._cleaned_ = (__DEV__ && `the key "${key}" was left out`) || true
          continue
        }
        if (left < 0) break
        const item = map ? map.get(rawKey) : readProperty(value, key, report)
        const cleaned = cleanValue(item)
        if (cleaned !== undefined) {
          left -= key.length + 4
          out[key] = cleaned
        } else left -= 1 // left out, but it was looked at
      }
      return out
    } catch {
      // A Proxy or exotic object that throws on enumeration.
      report._cleaned_ = (__DEV__ && 'an object that could not be read was left out') || true
      return undefined
    } finally {
      parents.pop()
    }
  }

  const out = cleanValue(input)
  if (left < 0) {
    report._tooLarge_ = true
    return undefined
  }
  return out && typeof out === 'object' && !Array.isArray(out) ? (out as Props) : {}
}

function isHostObject(value: object): boolean {
  const v = value as { nodeType?: unknown; nodeName?: unknown; window?: unknown }
  return (typeof v.nodeType === 'number' && typeof v.nodeName === 'string') || v.window === value
}

function readProperty(object: object, key: string, report: CleanReport): unknown {
  try {
    return (object as Record<string, unknown>)[key]
  } catch {
    report._cleaned_ = (__DEV__ && 'a property whose getter threw was left out') || true
    return undefined
  }
}
