// A generated but realistic data set for the journey map: visitors arriving over the last 90
// days from a mix of channels and campaigns, on desktop, mobile and tablet, browsing through the
// phases of journeykit's default model with the drop-off a small shop sees, some buying, a few
// coming back or sharing. Events have the wire format and the phase changes journeykit makes.
//
//   node examples/collector/seed.mjs                      # 1,000,000 events into data/seed.duckdb
//   node examples/collector/seed.mjs --events 50000 --database /tmp/x.duckdb
//   DATABASE=postgres://… node examples/collector/seed.mjs
//
// `generateVisitors()` is also used by the tests (with a small count and a fixed seed) to check
// the map's SQL against what the generator knows about each visitor.
import { fileURLToPath, pathToFileURL } from 'node:url'
import { CONVERSIONS } from './journey.mjs'
import { openStore } from './store/index.mjs'

const DAY = 86_400_000

/** A small deterministic random number generator (mulberry32), so a seed gives the same data. */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Channel mix and how likely each channel's visitors are to move on: [share, consideration, decision given consideration].
const CHANNELS = [
  { channel: 'organic_search', share: 0.33, consider: 0.35, decide: 0.3, landings: ['/', '/blog/choosing-a-plan/', '/features/'] },
  { channel: 'direct', share: 0.2, consider: 0.4, decide: 0.35, landings: ['/'] },
  { channel: 'email', share: 0.12, consider: 0.55, decide: 0.45, landings: ['/', '/pricing/'], campaigns: [['nov', 'newsletter', 'email'], ['spring-sale', 'newsletter', 'email'], ['welcome', 'crm', 'email']] },
  { channel: 'paid_search', share: 0.12, consider: 0.45, decide: 0.35, landings: ['/', '/pricing/'], campaigns: [['brand', 'google', 'cpc'], ['generic-plans', 'google', 'cpc'], ['bing-brand', 'bing', 'cpc']] },
  { channel: 'organic_social', share: 0.08, consider: 0.25, decide: 0.2, landings: ['/', '/blog/choosing-a-plan/'] },
  { channel: 'paid_social', share: 0.06, consider: 0.3, decide: 0.25, landings: ['/features/'], campaigns: [['retargeting', 'facebook', 'paid_social'], ['launch-video', 'instagram', 'paid_social']] },
  { channel: 'referral', share: 0.05, consider: 0.4, decide: 0.35, landings: ['/', '/features/'] },
  { channel: null, share: 0.04, consider: 0.3, decide: 0.3, landings: ['/'] },
]
const DEVICES = [['desktop', 0.55], ['mobile', 0.4], ['tablet', 0.05]]
const PURCHASE_GIVEN_DECISION = 0.45

const pick = (rand, weighted) => {
  let r = rand() * weighted.reduce((sum, [, weight]) => sum + weight, 0)
  for (const [value, weight] of weighted) if ((r -= weight) < 0) return value
  return weighted[weighted.length - 1][0]
}

/**
 * Yields visitors, each `{ anonymousId, channel, campaign, device, converted, phases, events }`
 * (`phases`: the phases the visitor was in, in order), until about `events` events are made.
 */
export function* generateVisitors({ events: target = 1_000_000, seed = 1, now = Date.now(), days = 90 } = {}) {
  const rand = random(seed)
  let made = 0
  let n = 0
  while (made < target) {
    n++
    const source = pick(rand, CHANNELS.map((c) => [c, c.share]))
    const campaignTuple = source.campaigns ? source.campaigns[Math.floor(rand() * source.campaigns.length)] : null
    const campaign = campaignTuple ? { name: campaignTuple[0], source: campaignTuple[1], medium: campaignTuple[2] } : null
    const device = pick(rand, DEVICES)
    const anonymousId = `v${seed}-${n.toString(36)}`
    const landing = source.landings[Math.floor(rand() * source.landings.length)]
    let t = now - rand() * days * DAY
    const firstTouch = source.channel ? { channel: source.channel, campaign: campaign ?? {}, landing } : null
    let session = 1
    let phase = 'awareness'
    const phases = ['awareness']
    const list = []
    const event = (type, name, path, props = {}) => {
      t += 2000 + rand() * 40_000
      list.push({
        id: `${anonymousId}-${list.length}`,
        type,
        name,
        props,
        timestamp: new Date(Math.min(t, now - 1000)).toISOString(),
        anonymousId,
        userId: null,
        sessionId: `${anonymousId}-s${session}`,
        phase,
        context: { url: `https://shop.example${path}`, path, title: 'Shop', referrer: null, channel: source.channel, campaign, ...(firstTouch ? { firstTouch } : {}), library: { name: 'journeykit', version: '0.1.0' } },
      })
    }
    const move = (to, rule, path) => {
      const from = phase
      phase = to
      phases.push(to)
      event('track', 'phase_change', path, { from, to, rule })
    }
    const page = (path) => {
      event('page', 'page', path)
      if (rand() < 0.6) event('track', 'scroll_depth', path, { percent: 50 })
      if (rand() < 0.3) event('track', 'engagement', path, { seconds: Math.round(rand() * 120) })
    }
    page(landing)
    if (rand() < 0.5) page('/blog/choosing-a-plan/')
    let converted = false
    if (rand() < source.consider) {
      move('consideration', 'consideration.product-page', '/features/')
      page('/features/')
      page('/pricing/')
      if (rand() < 0.3) event('track', 'video_play', '/features/', { id: 'tour' })
      if (rand() < source.decide) {
        move('decision', 'decision.intent', '/pricing/')
        event('track', 'add_to_cart', '/pricing/', { sku: rand() < 0.5 ? 'pro' : 'team' })
        page('/cart/')
        if (rand() < 0.8) page('/checkout/')
        if (rand() < PURCHASE_GIVEN_DECISION) {
          event('track', 'form_submit', '/checkout/', { formId: 'checkout' })
          page('/thank-you/')
          event('track', 'purchase', '/thank-you/', { value: 29, currency: 'EUR' })
          converted = true
          if (rand() < 0.3) {
            session++
            t += DAY * (1 + rand() * 20)
            move('retention', 'retention.returning-customer', '/account/')
            page('/account/')
          }
          if (rand() < 0.15) {
            move('advocacy', 'advocacy.recommendation', '/thank-you/')
            event('track', 'share', '/thank-you/', { method: 'copy_link' })
          }
        }
      }
    }
    // As journeykit does: a phase change carries the timestamp of the touchpoint that caused it.
    list.forEach((e, i) => {
      if (e.name === 'phase_change' && list[i + 1]) e.timestamp = list[i + 1].timestamp
    })
    made += list.length
    yield { anonymousId, channel: source.channel, campaign, device, converted, phases, events: list }
  }
}

/** Stores generated visitors (`generateVisitors` options) in `store`, 5,000 events a batch. Resolves with the number of events. */
export async function seed(store, options) {
  let pending = []
  const devices = new Map()
  let count = 0
  const flush = async () => {
    if (!pending.length) return
    const events = pending
    pending = []
    const last = events.reduce((latest, e) => (e.timestamp > latest ? e.timestamp : latest), '')
    await store.add({ sentAt: last, events }, { receivedAt: Date.parse(last) + 150, device: (event) => devices.get(event.anonymousId), maxPerVisitor: Infinity })
    devices.clear()
  }
  for (const visitor of generateVisitors(options)) {
    devices.set(visitor.anonymousId, visitor.device)
    pending.push(...visitor.events)
    count += visitor.events.length
    if (pending.length >= 5000) await flush()
  }
  await flush()
  return count
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const option = (name, fallback) => {
    const at = args.indexOf(name)
    return at === -1 ? fallback : args[at + 1]
  }
  const database = option('--database', process.env.DATABASE || fileURLToPath(new URL('./data/seed.duckdb', import.meta.url)))
  const events = Number(option('--events', 1_000_000))
  const store = await openStore({ database, conversions: CONVERSIONS })
  const started = Date.now()
  const stored = await seed(store, { events, seed: Number(option('--seed', 1)) })
  console.log(`stored ${stored} events in ${database.replace(/:[^:@/]*@/, ':***@')} in ${((Date.now() - started) / 1000).toFixed(1)} s (${await store.count()} in the store)`)
  await store.close()
}
