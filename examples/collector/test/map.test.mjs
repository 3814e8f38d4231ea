// What the journey map derives from the events, and that the pages render it safely.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCollector } from '../server.mjs'
import { journeyOf, lanesFor, summarize } from '../journey.mjs'
import { batch, event, shopJourney } from '../test-fixtures.mjs'

const dir = mkdtempSync(join(tmpdir(), 'journeykit-map-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const records = (events) => events.map((e) => ({ receivedAt: e.timestamp, sentAt: e.timestamp, event: e }))

test('summarizes a visitor: first touch, campaign, phase, conversion', () => {
  const events = shopJourney('anon-a')
  // A later visit from organic search does not change the first touch.
  events.push(event({ anonymousId: 'anon-a', sessionId: 'session-2', phase: 'advocacy', timestamp: '2026-11-25T09:00:00Z', context: { channel: 'organic_search', campaign: undefined } }))
  const summary = summarize('anon-a', records(events).reverse())
  assert.equal(summary.channel, 'email')
  assert.deepEqual(summary.campaign, { source: 'newsletter', medium: 'email', name: 'nov' })
  assert.equal(summary.phase, 'advocacy')
  assert.equal(summary.converted, true)
  assert.equal(summary.conversion.name, 'purchase')
  assert.equal(summary.events, events.length)
  assert.equal(summary.sessions, 2)
  assert.equal(summary.lastSeen, '2026-11-25T09:00:00.000Z')
})

test("prefers the library's own first-touch attribution when events carry it", () => {
  const firstTouch = { channel: 'paid_search', campaign: { source: 'google', medium: 'cpc', name: 'brand' } }
  const events = [event({ context: { channel: 'direct', campaign: undefined, firstTouch } })]
  const summary = summarize('anon-1', records(events))
  assert.equal(summary.channel, 'paid_search')
  assert.equal(summary.campaign.name, 'brand')
})

test('lays touchpoints out in the lane of the phase they carried', () => {
  const { lanes, steps } = journeyOf('anon-b', records(shopJourney('anon-b')))
  assert.deepEqual(lanes, ['awareness', 'consideration', 'decision', 'retention', 'advocacy'])
  const lane = (predicate) => steps.find(predicate)?.lane
  assert.equal(lane((s) => s.path === '/pricing/' && s.type === 'page'), 'consideration')
  assert.equal(lane((s) => s.path === '/checkout/' && s.type === 'page'), 'decision')
  assert.equal(lane((s) => s.name === 'share'), 'advocacy')
  assert.equal(steps.find((s) => s.name === 'purchase').kind, 'conversion')
  assert.equal(steps.find((s) => s.name === 'scroll_depth').kind, 'minor')
  assert.deepEqual(
    steps.filter((s) => s.kind === 'phase').map((s) => `${s.from}>${s.to}`),
    ['awareness>consideration', 'consideration>decision', 'decision>advocacy'],
  )
})

test('uses the b2b lanes, or the phases seen in order, for other models', () => {
  const at = (phase, i) => ({ receivedAt: 'x', sentAt: 'x', event: event({ phase, timestamp: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }) })
  assert.deepEqual(lanesFor([at('need', 0), at('evaluation', 1)]), ['need', 'research', 'evaluation', 'negotiation', 'onboarding', 'retention', 'expansion', 'advocacy'])
  assert.deepEqual(lanesFor([at('browse', 0), at('trial', 1), at('paid', 2)]), ['browse', 'trial', 'paid'])
})

test('serves the list and the visitor map, escaping what pages sent', async () => {
  const collector = await startCollector({ port: 0, database: join(dir, 'events.duckdb') })
  const hostile = '<img src=x onerror=alert(1)>'
  const events = shopJourney('anon-c')
  events.push(event({ anonymousId: 'anon-c', name: hostile, props: { note: hostile }, context: { path: `/${hostile}` } }))
  await fetch(collector.collectUrl, { method: 'POST', body: JSON.stringify(batch(events)) })

  const list = await fetch(`${collector.url}/`)
  assert.equal(list.status, 200)
  assert.match(list.headers.get('content-security-policy'), /script-src 'nonce-/)
  const listHtml = await list.text()
  assert.match(listHtml, /href="\/visitor\/anon-c"/)
  assert.match(listHtml, /data-channel>email</)
  assert.match(listHtml, /data-campaign>nov</)

  const res = await fetch(`${collector.url}/visitor/anon-c`)
  const html = await res.text()
  assert.equal(res.status, 200)
  assert.ok(!html.includes(hostile), 'untrusted text is escaped')
  assert.match(html, /class="marker page" data-kind="page" [^>]*data-path="\/pricing\/"[^>]*data-lane="consideration"/)
  assert.match(html, /class="marker phase" [^>]*data-from="consideration" data-to="decision"/)
  assert.match(html, /data-converted="true">✓ purchase/)

  const partial = await (await fetch(`${collector.url}/visitor/anon-c?partial=1`)).text()
  assert.ok(!partial.startsWith('<!doctype'), 'the live-update fragment is content only')

  assert.equal((await fetch(`${collector.url}/visitor/nobody`)).status, 404)
  const api = await (await fetch(`${collector.url}/api/visitors`)).json()
  assert.equal(api.visitors[0].anonymousId, 'anon-c')
  await collector.close()
})

test('puts a phase change before the touchpoint that caused it, whatever order they arrived in', () => {
  const events = shopJourney('anon-d')
  const i = events.findIndex((e) => e.name === 'phase_change')
  // The trigger arrives first (e.g. the phase_change's batch was retried).
  ;[events[i], events[i + 1]] = [events[i + 1], events[i]]
  const { steps } = journeyOf('anon-d', records(events))
  const j = steps.findIndex((s) => s.kind === 'phase')
  assert.equal(steps[j + 1].path, '/features/')
  assert.equal(steps[j + 1].lane, 'consideration')
})

test('the map of all visitors escapes what pages sent: channel, campaign, paths, names, rules (also in the flow picture)', async () => {
  const collector = await startCollector({ port: 0, database: join(dir, 'hostile.duckdb') })
  try {
    const hostile = '<img src=x onerror=alert(1)>'
    const events = shopJourney('anon-hostile', Date.now() - 60_000).map((e) => ({
      ...e,
      name: e.name === 'add_to_cart' ? hostile : e.name,
      props: e.name === 'phase_change' ? { ...e.props, rule: `decision.${hostile}` } : e.props,
      context: { ...e.context, channel: hostile, campaign: { source: hostile, medium: hostile, name: hostile }, path: e.type === 'page' ? `/${hostile}/` : e.context.path },
    }))
    assert.equal((await fetch(collector.collectUrl, { method: 'POST', body: JSON.stringify(batch(events)) })).status, 200)
    for (const path of ['/', `/?channel=${encodeURIComponent(hostile)}&campaign=${encodeURIComponent(hostile)}&landing=${encodeURIComponent(`/${hostile}/`)}`]) {
      const res = await fetch(collector.url + path)
      const html = await res.text()
      assert.equal(res.status, 200)
      assert.ok(html.includes('<svg'), 'the flow is drawn')
      assert.ok(!html.includes(hostile), `${path}: untrusted text is escaped`)
      assert.ok(!/<img/i.test(html), path)
    }
  } finally {
    await collector.close()
  }
})
