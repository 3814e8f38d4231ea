/**
 * Event ids, which are also the queue's order keys: the one place that knows their format.
 */

// Filled on first use, so that importing this module (every bundle does) costs nothing.
const HEX: string[] = []

// Random bytes are drawn 256 at a time: one getRandomValues call serves 28 ids.
let pool: Uint8Array | undefined
let poolAt = 256
function randomByte(): number {
  if (!pool || poolAt >= 256) {
    pool = new Uint8Array(256)
    if (typeof crypto !== 'undefined' && crypto.getRandomValues) crypto.getRandomValues(pool)
    else for (let i = 0; i < 256; i++) pool[i] = (Math.random() * 256) | 0
    poolAt = 0
  }
  return pool[poolAt++]!
}

let lastMs = 0
let counter = 0

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds, then a 12-bit counter that keeps ids made in the
 * same millisecond in order, then 62 random bits. Ids made in one tab sort in the order they were
 * made even if the wall clock steps back, which is what the queue's storage order relies on.
 */
export function uuidv7(): string {
  if (!HEX.length) for (let i = 0; i < 256; i++) HEX.push((i + 256).toString(16).slice(1))
  let ms = Date.now()
  if (ms > lastMs) {
    lastMs = ms
    counter = randomByte() & 0x7f // leaves room to count up within the millisecond
  } else {
    ms = lastMs
    if (++counter > 0xfff) {
      ms = ++lastMs
      counter = 0
    }
  }
  const b = [
    ms / 2 ** 40, ms / 2 ** 32, ms >>> 24, ms >>> 16, ms >>> 8, ms,
    0x70 | (counter >>> 8), counter,
    0x80 | (randomByte() & 0x3f),
  ]
  let id = ''
  for (let i = 0; i < 16; i++) {
    id += HEX[(i < 9 ? b[i]! : randomByte()) & 0xff]
    if (i === 3 || i === 5 || i === 7 || i === 9) id += '-'
  }
  return id
}

/**
 * When an event was tracked: the milliseconds at the start of its order key, a UUIDv7 (0 for a key
 * that is not one).
 */
export function trackedAt(key: string): number {
  return parseInt(key.slice(0, 8) + key.slice(9, 13), 16) || 0
}
