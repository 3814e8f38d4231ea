// The journey map's SQL against each database, checked against what the data generator knows
// about every visitor it made (seed.mjs, a small fixed-seed data set).
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { CONVERSIONS, PRESETS } from '../journey.mjs'
import { journeyMap } from '../overview.mjs'
import { UNKNOWN_CHANNEL } from '../queries.mjs'
import { generateVisitors, seed } from '../seed.mjs'
import { openStore } from '../store/index.mjs'
import { BACKENDS, cleanUp } from '../test-backends.mjs'

after(cleanUp)

const NOW = Date.parse('2026-11-30T12:00:00Z')
const OPTIONS = { events: 4000, seed: 7, now: NOW, days: 60 }
const visitors = [...generateVisitors(OPTIONS)]
const phases = PRESETS.default

/** What the map should say for the visitors that pass `keep`, computed from the generator's own record. */
function expected(keep = () => true) {
  const chosen = visitors.filter(keep)
  const byChannel = new Map()
  for (const v of chosen) {
    const key = v.channel ?? UNKNOWN_CHANNEL
    const row = byChannel.get(key) ?? { channel: key, visitors: 0, converted: 0 }
    row.visitors++
    if (v.converted) row.converted++
    byChannel.set(key, row)
  }
  const reached = phases.map((phase) => chosen.filter((v) => v.phases.includes(phase)).length)
  const movedOn = phases.map((phase) => chosen.filter((v) => v.phases.includes(phase) && v.phases.at(-1) !== phase).length)
  return { chosen, byChannel, reached, movedOn }
}

for (const backend of BACKENDS) {
  describe(`journey map queries on ${backend.name}`, { skip: backend.skip }, () => {
    let store
    before(async () => {
      store = await openStore({ ...backend.options(), conversions: CONVERSIONS })
      await seed(store, OPTIONS)
    })
    after(() => store?.close())

    test('totals, funnel and conversion by channel match the generated visitors', async () => {
      const map = await journeyMap(store, { period: 'all' })
      const want = expected()
      assert.equal(map.totals.visitors, visitors.length)
      assert.equal(map.totals.converted, want.chosen.filter((v) => v.converted).length)
      assert.equal(map.totals.events, visitors.reduce((n, v) => n + v.events.length, 0))
      assert.deepEqual(map.phases, phases)
      assert.deepEqual(map.funnel.map((step) => step.reached), want.reached)
      assert.deepEqual(map.funnel.slice(0, -1).map((step) => step.movedOn), want.movedOn.slice(0, -1))
      for (const step of map.funnel.slice(0, -1)) if (step.movedOn) assert.ok(step.medianMs > 0, `${step.phase} has a median time`)
      assert.deepEqual(
        Object.fromEntries(map.channels.map((row) => [row.channel, [row.visitors, row.converted]])),
        Object.fromEntries([...want.byChannel.values()].map((row) => [row.channel, [row.visitors, row.converted]])),
      )
    })

    test('the flow: each visitor enters from their channel and leaves to one outcome, along the phases they went through', async () => {
      const { flow } = await journeyMap(store, { period: 'all' })
      const sum = (pred) => flow.links.filter(pred).reduce((n, link) => n + link.value, 0)
      assert.equal(sum((l) => l.source.startsWith('channel:')), visitors.length)
      assert.equal(sum((l) => l.target === 'outcome:converted'), visitors.filter((v) => v.converted).length)
      assert.equal(sum((l) => l.target === 'outcome:not converted'), visitors.filter((v) => !v.converted).length)
      const steps = new Map()
      for (const v of visitors) for (let i = 1; i < v.phases.length; i++) steps.set(`${v.phases[i - 1]}→${v.phases[i]}`, (steps.get(`${v.phases[i - 1]}→${v.phases[i]}`) ?? 0) + 1)
      const links = new Map(flow.links.filter((l) => l.source.startsWith('phase:') && l.target.startsWith('phase:')).map((l) => [`${l.source.slice(6)}→${l.target.slice(6)}`, l.value]))
      assert.deepEqual(Object.fromEntries([...links].sort()), Object.fromEntries([...steps].sort()))
    })

    test('touchpoints per phase: the rules that moved visitors in and what they did there', async () => {
      const { byPhase } = await journeyMap(store, { period: 'all' })
      const decision = byPhase.find((p) => p.phase === 'decision')
      assert.deepEqual(decision.movedInBy.map((m) => [m.rule, m.visitors]), [['decision.intent', expected().reached[2]]])
      assert.equal(decision.seenMost.find((t) => t.touchpoint === 'add_to_cart').visitors, expected().reached[2])
      assert.ok(decision.seenMost.length <= 5)
      const awareness = byPhase.find((p) => p.phase === 'awareness')
      assert.deepEqual(awareness.movedInBy, [], 'nobody moves into the first phase')
      assert.ok(!awareness.seenMost.some((t) => t.touchpoint === 'scroll_depth'), 'frequent automatic touchpoints are not ranked')
    })

    test('filters: channel, campaign, landing page, device and period', async () => {
      const cases = [
        [{ channel: 'email' }, (v) => v.channel === 'email'],
        [{ channel: UNKNOWN_CHANNEL }, (v) => v.channel === null],
        [{ campaign: 'brand' }, (v) => v.campaign?.name === 'brand'],
        [{ landing: '/pricing/' }, (v) => v.events[0].context.path === '/pricing/'],
        [{ device: 'mobile' }, (v) => v.device === 'mobile'],
        [{ from: NOW - 7 * 86_400_000 }, (v) => Date.parse(v.events[0].timestamp) + 150 >= NOW - 7 * 86_400_000],
      ]
      for (const [filter, keep] of cases) {
        const want = expected(keep)
        assert.ok(want.chosen.length > 0, `the data set has visitors for ${JSON.stringify(filter)}`)
        const map = await journeyMap(store, { period: 'all', ...filter })
        assert.equal(map.totals.visitors, want.chosen.length, JSON.stringify(filter))
        assert.deepEqual(map.funnel.map((step) => step.reached), want.reached, JSON.stringify(filter))
      }
      const options = await store.filterOptions({})
      assert.deepEqual(options.filter((o) => o.filter === 'device').map((o) => o.value).sort(), ['desktop', 'mobile', 'tablet'])
      assert.ok(options.some((o) => o.filter === 'campaign' && o.value === 'nov'))
    })

    test('conversion by campaign', async () => {
      const { campaigns } = await journeyMap(store, { period: 'all' })
      for (const row of campaigns) {
        const of = visitors.filter((v) => v.campaign?.name === row.campaign)
        assert.equal(row.visitors, of.length, row.campaign)
        assert.equal(row.converted, of.filter((v) => v.converted).length, row.campaign)
      }
      assert.ok(campaigns.length >= 5)
    })

    test('the visitor list: the most recently seen first, with their current phase', async () => {
      const list = await store.visitors({}, 20)
      assert.equal(list.length, 20)
      const lastSeen = list.map((row) => row.last_seen)
      assert.deepEqual(lastSeen, [...lastSeen].sort((a, b) => b - a))
      for (const row of list) {
        const v = visitors.find((x) => x.anonymousId === row.anonymous_id)
        assert.equal(row.phase, v.phases.at(-1))
        assert.equal(row.events, v.events.length)
        assert.equal(row.converted_ts !== null, v.converted)
      }
    })
  })
}
