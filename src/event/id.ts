/**
 * Event ids and the page context every event carries.
 */
import { scrubText } from '../privacy/text'
import type { EventContext } from '../types'

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

export const LIBRARY = { name: 'journeykit', version: __VERSION__ } as const

let cachedHref = ''
let cachedTitle = ''
let cachedScrub: unknown
let cachedContext: EventContext | undefined

/**
 * The page context at this moment, with the URL, referrer and title scrubbed by the privacy rules
 * (`scrub` is the URL scrubber with the site's `redactParams`). Scrubbing costs a few
 * microseconds, so the context is reused until the URL or the title changes (an SPA route change,
 * a new title); the referrer does not change within a document.
 */
export function pageContext(scrub: (url: string) => string, href = location.href, title = document.title): EventContext {
  if (href !== cachedHref || title !== cachedTitle || scrub !== cachedScrub || !cachedContext) {
    const url = scrub(href)
    // The path of the scrubbed URL, never the raw one: a URL scrubbed to nothing has no path.
    let path = ''
    try {
      path = new URL(url).pathname
    } catch {
      // not a URL after scrubbing
    }
    cachedHref = href
    cachedTitle = title
    cachedScrub = scrub
    cachedContext = {
      url,
      path,
      title: scrubText(title, scrub),
      referrer: scrub(document.referrer),
      locale: navigator.language || '',
      screen: { width: screen.width, height: screen.height },
      // Every field of the envelope is present, null when unknown (design.md): these two are
      // filled in by the campaign() touchpoint when it is installed.
      channel: null,
      campaign: null,
      library: LIBRARY,
    }
  }
  return cachedContext
}
