/**
 * The Segment-spec wire format: the mapping of every event type and automatic touchpoint against
 * the spec's field list, and the format inside a real createJourney (headers, body, retries with
 * the same messageId, a refused write key, the 32 KB message limit, beforeSend and mapEvent).
 * Only the edges are fake (IndexedDB, the clock, fetch).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { requestBody } from '../../src/delivery/wire'
import { ASSUMED_GROWTH } from '../../src/formats/segment'
import { MAX_MESSAGE_BYTES, segment, toSegmentMessage, type SegmentMessage, type SegmentOptions } from '../../src/segment'
import { createJourney } from '../../src/journey'
import { defaults } from '../../src/touchpoints'
import type { JourneyEvent } from '../../src/types'
import { fakeBeacon, leavePage, restoreBrowser, setVisibility, supportKeepalive } from '../helpers/browser'
import { fakeFetch, type FakeFetch } from '../helpers/fetch'
import { ENDPOINT, usePage } from '../helpers/journey'
import { advance, idle } from '../helpers/time'
import { event as journeyEvent, setReferrer } from '../touchpoints/context'

const WRITE_KEY = 'wk_2QvTest'
const BASIC = 'Basic ' + Buffer.from(WRITE_KEY + ':').toString('base64')
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The Segment spec's requirements for one message of a batch; returns what is wrong. */
function specProblems(message: SegmentMessage): string[] {
  const problems: string[] = []
  const need = (ok: unknown, what: string) => ok || problems.push(what)
  need(['track', 'page', 'identify'].includes(message.type), `type ${String(message.type)}`)
  need(typeof message.messageId === 'string' && message.messageId.length > 0 && message.messageId.length <= 100, 'messageId')
  // "Every call needs a userId or an anonymousId."
  need(typeof message.anonymousId === 'string' && message.anonymousId.length > 0, 'anonymousId')
  need(message.userId === undefined || (typeof message.userId === 'string' && message.userId.length > 0), 'userId')
  need(ISO.test(message.timestamp), 'timestamp')
  need(message.originalTimestamp === message.timestamp, 'originalTimestamp')
  need(message.channel === 'web', 'channel')
  if (message.type === 'track') {
    need(typeof message.event === 'string' && message.event.length > 0 && message.event.length <= 255, 'event')
    need(message.properties && typeof message.properties === 'object' && !Array.isArray(message.properties), 'properties')
    need(message.traits === undefined, 'no traits on track')
  } else if (message.type === 'page') {
    need(message.properties && typeof message.properties.url === 'string', 'page properties.url')
    need(message.event === undefined, 'no event on page')
  } else {
    need(message.traits && typeof message.traits === 'object' && !Array.isArray(message.traits), 'traits')
    need(message.event === undefined && message.properties === undefined, 'identify carries traits only')
  }
  const context = message.context
  for (const key of ['path', 'referrer', 'search', 'title', 'url'] as const) need(typeof context.page[key] === 'string', `context.page.${key}`)
  need(context.library.name === 'journeykit' && typeof context.library.version === 'string', 'context.library')
  need(typeof context.locale === 'string', 'context.locale')
  need(Number.isFinite(context.screen.width) && Number.isFinite(context.screen.height), 'context.screen')
  if (context.campaign) {
    for (const [key, value] of Object.entries(context.campaign)) {
      need(['name', 'source', 'medium', 'term', 'content'].includes(key) && typeof value === 'string', `context.campaign.${key}`)
    }
  }
  need(typeof context.journey.phase === 'string' && typeof context.journey.sessionId === 'string', 'context.journey')
  need(new TextEncoder().encode(JSON.stringify(message)).length <= MAX_MESSAGE_BYTES, 'at most 32 KB')
  return problems
}

/** Every automatic touchpoint's event, with the props the README documents for it. */
const TOUCHPOINT_EVENTS: Array<[string, Record<string, unknown>]> = [
  ['form_submit', { formId: 'contact', action: '/send', method: 'post', fields: 3, touched: 2, duration: 4100 }],
  ['form_start', { formId: 'contact' }],
  ['form_abandon', { formId: 'newsletter' }],
  ['outbound_click', { url: 'https://partner.example/x' }],
  ['file_download', { url: 'https://shop.example/price-list.pdf', extension: 'pdf' }],
  ['contact_click', { method: 'email' }],
  ['scroll_depth', { percent: 75 }],
  ['engagement', { engagedMs: 8200, path: '/article' }],
  ['web_vital', { name: 'LCP', value: 1830, rating: 'good', id: 'v5-1', navigationType: 'navigate' }],
  ['phase_change', { from: 'awareness', to: 'consideration', rule: 'pricing page' }],
]

describe('mapping a journeykit event to a Segment message', () => {
  test.each(TOUCHPOINT_EVENTS)('the automatic touchpoint %s is a track call under its own name', (name, props) => {
    const event = journeyEvent({ type: 'track', name, props })
    const message = toSegmentMessage(event)
    expect(specProblems(message)).toEqual([])
    expect(message).toMatchObject({ type: 'track', event: name, properties: props, messageId: event.id })
  })

  test('a custom track call keeps name and props; identity, time and ids carry over', () => {
    const event = journeyEvent({ name: 'add_to_cart', props: { sku: 'A1', price: 20 }, userId: 'u-7', phase: 'decision', sessionId: 's-1' })
    const message = toSegmentMessage(event)
    expect(specProblems(message)).toEqual([])
    expect(message).toMatchObject({
      type: 'track',
      event: 'add_to_cart',
      properties: { sku: 'A1', price: 20 },
      messageId: event.id,
      anonymousId: event.anonymousId,
      userId: 'u-7',
      timestamp: event.timestamp,
    })
    expect(message.context.journey).toEqual({ phase: 'decision', sessionId: 's-1', channel: null })
  })

  test('no userId field before identify()', () => {
    const message = toSegmentMessage(journeyEvent({ userId: null }))
    expect('userId' in message).toBe(false)
    expect(specProblems(message)).toEqual([])
  })

  test('a page view is a page call whose properties start with the page fields', () => {
    const event = journeyEvent({
      type: 'page',
      name: 'page_view',
      props: { section: 'docs' },
      context: { ...journeyEvent().context, url: 'https://shop.example/pricing?plan=pro', path: '/pricing', title: 'Pricing', referrer: 'https://www.google.com/' },
    })
    const message = toSegmentMessage(event)
    expect(specProblems(message)).toEqual([])
    const page = { path: '/pricing', referrer: 'https://www.google.com/', search: '?plan=pro', title: 'Pricing', url: 'https://shop.example/pricing?plan=pro' }
    expect(message.context.page).toEqual(page)
    expect(message.properties).toEqual({ ...page, section: 'docs' })
    expect(message.event).toBeUndefined()
  })

  test('identify() is an identify call with its traits', () => {
    const message = toSegmentMessage(journeyEvent({ type: 'identify', name: 'identify', props: { plan: 'pro' }, userId: 'u-7' }))
    expect(specProblems(message)).toEqual([])
    expect(message).toMatchObject({ type: 'identify', userId: 'u-7', traits: { plan: 'pro' } })
  })

  test('campaign: the five spec fields in context.campaign, click ids, channel and touches under context.journey', () => {
    const firstTouch = { channel: 'paid_search', campaign: { source: 'google' }, landing: '/', at: '2026-11-20T10:00:00.000Z' }
    const event = journeyEvent({
      context: {
        ...journeyEvent().context,
        channel: 'email',
        campaign: { source: 'newsletter', medium: 'email', name: 'nov', term: 'shoes', content: 'hero', clickIdParam: 'gclid', clickId: 'Cj0' },
        firstTouch,
      },
    })
    const message = toSegmentMessage(event)
    expect(specProblems(message)).toEqual([])
    expect(message.context.campaign).toEqual({ name: 'nov', source: 'newsletter', medium: 'email', term: 'shoes', content: 'hero' })
    expect(message.context.journey).toEqual({
      phase: event.phase,
      sessionId: event.sessionId,
      channel: 'email',
      campaign: { clickIdParam: 'gclid', clickId: 'Cj0' },
      firstTouch,
    })
    // Nothing of journeykit's context is lost or left at the top where the spec has no such field.
    expect(Object.keys(message.context).sort()).toEqual(['campaign', 'journey', 'library', 'locale', 'page', 'screen'])
  })

  test('a campaign with fewer fields leaves the others out (no undefined, no null)', () => {
    const message = toSegmentMessage(journeyEvent({ context: { ...journeyEvent().context, channel: 'referral', campaign: { source: 'blog.example' } } }))
    expect(JSON.parse(JSON.stringify(message)).context.campaign).toEqual({ source: 'blog.example' })
    expect(message.context.journey.campaign).toBeUndefined()
  })
})

describe('segment() set-up', () => {
  test('refuses a missing or empty write key and a mapEvent that is not a function', () => {
    expect(() => segment({} as never)).toThrow(/writeKey/)
    expect(() => segment({ writeKey: '  ' })).toThrow(/writeKey/)
    expect(() => segment(undefined as never)).toThrow(/writeKey/)
    expect(() => segment({ writeKey: 'k', mapEvent: 'rename' as never })).toThrow(/mapEvent/)
    expect(() => segment({ writeKey: 'ключ' })).toThrow(/Latin-1/)
  })


  test('createJourney refuses a format that is not one', () => {
    expect(() => createJourney({ endpoint: '/v1/batch', format: 'segment' as never })).toThrow(/format/)
    expect(() => createJourney({ endpoint: '/v1/batch', format: {} as never })).toThrow(/format/)
  })
})

describe("the format's transport", () => {
  const FOR_THIS_PAGE = 2_147_483_647
  let fetch: FakeFetch
  let warnings: Array<[string, Record<string, unknown> | undefined]>
  beforeEach(() => {
    fetch = fakeFetch()
    fetch.install()
    supportKeepalive()
    warnings = []
  })
  afterEach(() => restoreBrowser())

  const transportOf = (headers?: Record<string, string>, options: Partial<SegmentOptions> = {}) =>
    segment({ writeKey: 'abc123', ...options })('https://hosted.example/v1/batch', headers, (code, _message, detail) => warnings.push([code, detail]))
  /** A body as delivery hands it to the transport (delivery/wire.ts). */
  const body = (events: JourneyEvent[], dropped = 0) => requestBody(events.map((event) => [event.id, JSON.stringify(event)]), dropped)
  /** A page view of a product page reached from a newsletter: the URL and query a page call repeats. */
  function campaignView(query = '?utm_source=newsletter&utm_medium=email&utm_campaign=black-friday-2026&utm_content=hero') {
    const view = journeyEvent({ type: 'page', name: 'page_view' })
    const path = '/collections/summer/products/linen-shirt-blue'
    view.context = { ...view.context, url: 'https://shop.example.com' + path + query, path, title: 'Linen shirt, blue – Summer collection', referrer: 'https://www.google.com/' }
    return view
  }
  const sentBatch = (n = 0) => JSON.parse(fetch.requests[n]!.body) as { batch: SegmentMessage[]; sentAt: string; dropped?: number }

  test("re-encodes journeykit's body as the spec's batch, with the write key as Basic user name and the site's headers over the format's", async () => {
    const events = [journeyEvent({ name: 'signup', props: { plan: 'pro' } }), journeyEvent({ name: 'purchase' })]
    const result = await transportOf({ 'X-Site': '1' }).send(body(events, 3))
    expect(result).toMatchObject({ ok: true, status: 200 })
    expect(fetch.requests[0]!.url).toBe('https://hosted.example/v1/batch')
    expect(fetch.requests[0]!.init.headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Basic YWJjMTIzOg==', 'X-Site': '1' })
    expect(sentBatch()).toEqual({ batch: events.map(toSegmentMessage).map((m) => JSON.parse(JSON.stringify(m))), sentAt: expect.stringMatching(ISO), dropped: 3 })
    await transportOf({ Authorization: 'Bearer proxy' }).send(body(events))
    expect((fetch.requests[1]!.init.headers as Record<string, string>).Authorization).toBe('Bearer proxy')
    expect(Object.keys(sentBatch(1))).toEqual(['batch', 'sentAt'])
  })

  test('a message over 32 000 bytes is left out and reported; a batch with nothing left to send is not sent and counts as done', async () => {
    const big = journeyEvent({ name: 'big', props: { blob: 'x'.repeat(32_200) } })
    const transport = transportOf()
    await transport.send(body([big, journeyEvent({ name: 'small' })]))
    expect(sentBatch().batch.map((m) => m.event)).toEqual(['small'])
    expect(await transport.send(body([big]))).toEqual({ ok: true, retry: false, status: 204 })
    expect(transport.sendOnExit(body([big]))).toBeInstanceOf(Promise)
    expect(fetch.requests).toHaveLength(1)
    expect(warnings.map(([code]) => code)).toEqual(['event_too_large', 'event_too_large', 'event_too_large'])
  })

  test.each([401, 403, 404])('%i: the write key is refused: reported, and answered as a wait for as long as the page lives', async (status) => {
    fetch.setPlan([{ status }, { status: 503 }])
    const transport = transportOf()
    const refused = await transport.send(body([journeyEvent(), journeyEvent()]))
    expect(refused).toMatchObject({ ok: false, status, retry: true, retryAfter: FOR_THIS_PAGE })
    expect(warnings).toEqual([['write_key_refused', { status, count: 2 }]])
    // Any other answer is delivery's to judge, as it comes.
    expect(await transport.send(body([journeyEvent()]))).toMatchObject({ ok: false, status: 503, retry: true, retryAfter: undefined })
    expect(warnings).toHaveLength(1)
  })

  test("the exit budget is told in journeykit's bytes: what is left, shrunk by the largest growth seen", async () => {
    const transport = transportOf()
    expect(transport.budgetLeft()).toBe(60_000 / ASSUMED_GROWTH)
    const growthOf = (n: number) => Buffer.byteLength(fetch.requests[n]!.body) / Buffer.byteLength(sent[n]!)
    const sent = [body([journeyEvent({ name: 'signup' })]), body([campaignView()]), body([journeyEvent({ name: 'purchase' })])]
    for (const journeykitBody of sent) await transport.send(journeykitBody)
    // A page view grows most (its URL and query are repeated in its properties); a smaller growth after it changes nothing.
    expect(growthOf(1)).toBeGreaterThan(growthOf(0))
    expect(growthOf(2)).toBeLessThan(growthOf(1))
    expect(transport.budgetLeft()).toBeCloseTo(60_000 / growthOf(1), 6)
    // An exit body whose Segment form does not fit what the browser has left is not sent.
    expect(transport.sendOnExit(body(Array.from({ length: 40 }, () => journeyEvent({ props: { pad: 'p'.repeat(1500) } }))))).toBeUndefined()
    expect(fetch.requests).toHaveLength(3)
  })

  test('the default touchpoints\' events and page views with long URLs grow by less than ASSUMED_GROWTH as Segment messages', () => {
    const growth = (event: JourneyEvent) => Buffer.byteLength(JSON.stringify(toSegmentMessage(event))) / Buffer.byteLength(JSON.stringify(event))
    for (const [name, props] of TOUCHPOINT_EVENTS) expect(growth(journeyEvent({ name, props })), name).toBeLessThan(ASSUMED_GROWTH)
    expect(growth(campaignView())).toBeGreaterThan(1.7)
    expect(growth(campaignView('?' + 'filter=color-blue&size=m&'.repeat(12)))).toBeLessThan(ASSUMED_GROWTH)
  })
})

describe('the Segment format in a journey', () => {
  const page = usePage()
  let beacon: ReturnType<typeof fakeBeacon>
  beforeEach(() => {
    beacon = fakeBeacon()
    beacon.install()
  })

  /** Every message of every request, in order (duplicates included). */
  const messages = (): SegmentMessage[] => page.fetch.requests.flatMap((request) => (JSON.parse(request.body) as { batch: SegmentMessage[] }).batch)
  async function deliver(journey: { flush(): Promise<void> }) {
    await idle()
    await journey.flush()
    await idle()
  }

  test('the default touchpoints, phases and identify reach /v1/batch as valid Segment messages', async () => {
    history.replaceState(null, '', '/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=nov&gclid=Cj0_x')
    setReferrer('https://mail.google.com/')
    const journey = page.make({ endpoint: 'https://hosted.example/v1/batch', phases: 'default', touchpoints: defaults(), format: segment({ writeKey: WRITE_KEY }) })
    document.body.innerHTML = '<a id="out" href="https://partner.example/x">partner</a><a id="pdf" href="/files/price-list.pdf">prices</a><form id="contact-form"><input name="email"></form>'
    const stay = (event: Event) => event.preventDefault()
    document.addEventListener('click', stay, true)
    for (const id of ['out', 'pdf']) document.getElementById(id)!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }))
    document.removeEventListener('click', stay, true)
    document.forms[0]!.addEventListener('submit', stay)
    document.forms[0]!.requestSubmit()
    journey.track('add_to_cart', { sku: 'A1' })
    journey.identify('user-7', { plan: 'pro' })
    journey.track('purchase', { total: 20 })
    await deliver(journey)

    expect(page.fetch.requests.length).toBeGreaterThan(0)
    for (const request of page.fetch.requests) {
      expect(request.url).toBe('https://hosted.example/v1/batch')
      const headers = request.init.headers as Record<string, string>
      expect(headers.Authorization).toBe(BASIC)
      expect(headers['Content-Type']).toBe('application/json')
      expect(request.init.credentials).toBe('omit')
      const body = JSON.parse(request.body) as Record<string, unknown>
      expect(Object.keys(body).sort()).toEqual(['batch', 'sentAt'])
      expect(body.sentAt).toMatch(ISO)
    }
    const all = messages()
    for (const message of all) {
      expect(specProblems(message), `${message.type} ${message.event ?? ''}`).toEqual([])
      expect(message.messageId).toMatch(UUID)
      expect(message.anonymousId).toMatch(UUID)
    }
    const names = all.map((message) => message.event ?? message.type)
    expect(names).toEqual(expect.arrayContaining(['page', 'phase_change', 'outbound_click', 'file_download', 'form_submit', 'add_to_cart', 'identify', 'purchase']))

    const view = all.find((message) => message.type === 'page')!
    expect(view.context.page).toEqual({ path: '/pricing', referrer: 'https://mail.google.com/', search: expect.stringContaining('utm_source=newsletter'), title: document.title, url: expect.stringContaining('/pricing?') })
    expect(view.context.campaign).toEqual({ source: 'newsletter', medium: 'email', name: 'nov' })
    expect(view.context.journey).toMatchObject({ channel: 'email', campaign: { clickIdParam: 'gclid', clickId: 'Cj0_x' }, firstTouch: { channel: 'email' } })
    expect(all.find((message) => message.event === 'phase_change')!.properties).toMatchObject({ from: 'awareness', to: 'consideration' })
    expect(all.find((message) => message.type === 'identify')).toMatchObject({ userId: 'user-7', traits: { plan: 'pro' } })
    expect(all.find((message) => message.event === 'purchase')!.userId).toBe('user-7')
    expect(all.find((message) => message.event === 'add_to_cart')!.userId).toBeUndefined()
    expect(new Set(all.map((message) => message.messageId)).size).toBe(all.length)
  })

  test('a retried batch carries the same messageIds', async () => {
    page.fetch.setPlan([{ status: 500 }, { status: 503 }], { status: 200 })
    const journey = page.make({ format: segment({ writeKey: WRITE_KEY }), flushInterval: 100 })
    for (let i = 0; i < 5; i++) journey.track('retry_me', { i })
    await deliver(journey)
    await advance(10_000, 200)
    const ids = page.fetch.requests.map((request) => (JSON.parse(request.body) as { batch: SegmentMessage[] }).batch.map((m) => m.messageId))
    expect(page.fetch.requests.map((request) => request.answered)).toEqual([500, 503, 200])
    expect(ids[1]).toEqual(ids[0])
    expect(ids[2]).toEqual(ids[0])
    expect(page.errors.filter((error) => error.code === 'delivery_failed')).toHaveLength(2)
  })

  test('a refused write key (401) is reported, stops sending for the page and keeps the events for the next load', async () => {
    supportKeepalive()
    page.fetch.setPlan([], { status: 401 })
    const first = page.make({ format: segment({ writeKey: 'wrong-key' }), flushInterval: 100 })
    for (let i = 0; i < 3; i++) first.track('kept', { i })
    await deliver(first)
    expect(page.errors.filter((error) => error.code === 'write_key_refused')).toEqual([
      expect.objectContaining({ status: 401, count: 3, message: expect.stringMatching(/write key/) }),
    ])
    // Later events, timers, flush(), going online and leaving the page send nothing more.
    first.track('kept', { i: 3 })
    await advance(120_000, 1000)
    await first.flush()
    window.dispatchEvent(new Event('online'))
    leavePage()
    await idle()
    expect(page.fetch.requests).toHaveLength(1)
    expect(beacon.calls).toHaveLength(0)
    setVisibility('visible')
    first.destroy()
    await idle()

    // The next page load, with the key fixed: everything arrives, under the same ids.
    page.fetch.setPlan([], { status: 200 })
    const refusedIds = (JSON.parse(page.fetch.requests[0]!.body) as { batch: SegmentMessage[] }).batch.map((m) => m.messageId)
    const second = page.make({ format: segment({ writeKey: WRITE_KEY }), flushInterval: 100 })
    await deliver(second)
    const delivered = page.fetch.requests.slice(1).flatMap((request) => (JSON.parse(request.body) as { batch: SegmentMessage[] }).batch)
    expect(delivered.map((m) => m.properties!.i)).toEqual([0, 1, 2, 3])
    expect(delivered.slice(0, 3).map((m) => m.messageId)).toEqual(refusedIds)
  })

  test.each([403, 404])('%i is a refusal too; 400 drops the batch and goes on', async (status) => {
    page.fetch.setPlan([{ status }], { status: 200 })
    const journey = page.make({ format: segment({ writeKey: WRITE_KEY }) })
    journey.track('one')
    await deliver(journey)
    journey.track('two')
    await deliver(journey)
    expect(page.fetch.requests).toHaveLength(1)
    // (The batch's own report follows the refusal: it waits, for the next page load.)
    expect(page.errors.map((error) => error.code)).toEqual(['write_key_refused', 'delivery_failed'])

    page.fetch.setPlan([{ status: 400 }], { status: 200 })
    const next = page.make({ format: segment({ writeKey: WRITE_KEY }) })
    await deliver(next)
    next.track('three')
    await deliver(next)
    // The stored batch (one, two) got the 400 and was dropped; 'three' went on its own.
    expect(page.errors.map((error) => error.code)).toEqual(['write_key_refused', 'delivery_failed', 'delivery_rejected'])
    expect(messages().slice(-1).map((m) => m.event)).toEqual(['three'])
  })

  test('the default format keeps dropping a 401 batch: the refusal is the format’s rule', async () => {
    page.fetch.setPlan([{ status: 401 }], { status: 200 })
    const journey = page.make()
    journey.track('one')
    await deliver(journey)
    journey.track('two')
    await deliver(journey)
    expect(page.errors.map((error) => error.code)).toEqual(['delivery_rejected'])
    expect(page.fetch.requests).toHaveLength(2)
  })

  test('a message over 32 000 bytes is dropped and reported when its batch is sent; the rest of the batch goes', async () => {
    const journey = page.make({ format: segment({ writeKey: WRITE_KEY }) })
    // Under journeykit's own 32 KiB limit, over the spec's 32 KB once mapped.
    journey.track('big', { blob: 'x'.repeat(32_200) })
    journey.track('small')
    await deliver(journey)
    expect(page.errors.map((error) => error.code)).toEqual(['event_too_large'])
    expect(messages().map((m) => m.event)).toEqual(['small'])
  })

  test('beforeSend sees journeykit’s event; mapEvent renames to the tracking plan; a throwing mapEvent changes nothing', async () => {
    const seen: JourneyEvent[] = []
    const journey = page.make({
      beforeSend: (event) => (seen.push(event), event),
      format: segment({
        writeKey: WRITE_KEY,
        mapEvent(message, event) {
          if (event.name === 'explode') throw new Error('bad plan')
          if (message.event === 'add_to_cart') message.event = 'Product Added'
        },
      }),
    })
    journey.track('add_to_cart', { sku: 'A1' })
    journey.track('explode', { n: 1 })
    await deliver(journey)
    expect(seen.map((event) => [event.name, 'props' in event, 'messageId' in event])).toEqual([
      ['add_to_cart', true, false],
      ['explode', true, false],
    ])
    expect(messages().map((m) => m.event)).toEqual(['Product Added', 'explode'])
    expect(messages()[1]!.properties).toEqual({ n: 1 })
    expect(page.errors.some((error) => error.code === 'plugin_failed')).toBe(true)
  })

  test('a site header wins over the format’s; the dropped count travels at the top of the batch', async () => {
    page.fetch.setPlan([{ status: 503 }], { status: 200 })
    const journey = page.make({ format: segment({ writeKey: WRITE_KEY }), headers: { Authorization: 'Bearer proxy' }, maxQueueSize: 2 })
    journey.track('a')
    await deliver(journey)
    for (const name of ['b', 'c', 'd']) journey.track(name)
    await idle()
    await advance(5_000, 500)
    await deliver(journey)
    const last = page.fetch.requests.at(-1)!
    expect((last.init.headers as Record<string, string>).Authorization).toBe('Bearer proxy')
    const body = JSON.parse(last.body) as { batch: SegmentMessage[]; dropped?: number }
    expect(body.batch.map((m) => m.event)).toEqual(['c', 'd'])
    expect(body.dropped).toBe(2)
  })

  test('the exit send speaks the format too, within the keep-alive budget', async () => {
    supportKeepalive()
    const journey = page.make({ format: segment({ writeKey: WRITE_KEY }), endpoint: ENDPOINT, batchSize: 20 })
    await deliver(journey)
    for (let i = 0; i < 60; i++) journey.track('leaving', { i, pad: 'p'.repeat(2000) })
    leavePage()
    // The exit sends are the requests made while the page was being left (synchronously): all in
    // flight at once, so together within the budget.
    const exits = page.fetch.requests.filter((request) => request.keepalive)
    await idle()
    expect(exits.length).toBeGreaterThan(1)
    let inFlight = 0
    for (const request of exits) {
      inFlight += Buffer.byteLength(request.body)
      expect((request.init.headers as Record<string, string>).Authorization).toBe(BASIC)
    }
    expect(inFlight).toBeLessThanOrEqual(60_000)
    for (const message of messages()) expect(specProblems(message)).toEqual([])
    setVisibility('visible')
  })
})
