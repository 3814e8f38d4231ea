/**
 * The touchpoints installed into a real createJourney: what reaches the endpoint. Only the edges
 * are fake (IndexedDB, the clock, fetch, what happy-dom cannot do: layout, visibility).
 */
import { beforeEach, describe, expect, test } from 'vitest'
import { clicks } from '../../src/touchpoints/clicks'
import { campaign } from '../../src/touchpoints/campaign'
import { forms } from '../../src/touchpoints/forms'
import { defaults } from '../../src/touchpoints'
import { engagement } from '../../src/touchpoints/engagement'
import { pageViews, TITLE_WAIT_MS } from '../../src/touchpoints/page-views'
import { scrollDepth } from '../../src/touchpoints/scroll-depth'
import type { JourneyEvent } from '../../src/types'
import { fakeBeacon, leavePage, setVisibility } from '../helpers/browser'
import { usePage } from '../helpers/journey'
import { advance, idle } from '../helpers/time'
import { setReferrer } from './context'

const page = usePage()
const MARKER = 'MARKER-1d9c'
/** The unload path's sendBeacon (happy-dom's own would really send). */
let beacon: ReturnType<typeof fakeBeacon>
beforeEach(() => {
  beacon = fakeBeacon()
  beacon.install()
})

/** Everything sent to the endpoint, by fetch or beacon, as one string. */
const wire = () => [...page.fetch.requests.map((request) => request.body), ...beacon.calls.map((call) => String(call.data))].join('\n')
const sent = (name?: string): JourneyEvent[] => page.fetch.sent().filter((event) => !name || event.name === name)
/** At least once: what a beacon carried stays stored and goes again; collectors de-duplicate by id. */
const unique = (events: JourneyEvent[]) => [...new Map(events.map((event) => [event.id, event])).values()]
/** Lets the journey read its state, page views take their title, then decides and sends what was tracked. */
async function deliver(journey: { flush(): Promise<void> }) {
  await advance(TITLE_WAIT_MS)
  await idle()
  await journey.flush()
  await idle()
}
/** A visitor's click (happy-dom's element.click() cannot be cancelled, and follows links). */
const click = (element: Element) => element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }))
const stayOnPage = (event: Event) => event.preventDefault()

describe('touchpoints in a real journey', () => {
  test('defaults(): a landing from a campaign, its route changes and clicks reach the endpoint with campaign and channel', async () => {
    history.replaceState(null, '', '/landing?utm_source=newsletter&utm_medium=email&utm_campaign=nov&gclid=Cj0_x')
    setReferrer('https://mail.google.com/')
    const journey = page.make({ touchpoints: defaults() })
    history.pushState({}, '', '/pricing')
    history.replaceState({ restored: true }, '', '/pricing')
    history.pushState({}, '', '/plans')
    document.addEventListener('click', stayOnPage, true)
    document.body.innerHTML = '<a href="https://partner.example/x?token=abc">partner</a>'
    click(document.querySelector('a')!)
    document.removeEventListener('click', stayOnPage, true)
    await deliver(journey)

    const views = sent('page_view')
    expect(views.map((event) => event.context.path)).toEqual(['/landing', '/pricing', '/plans'])
    for (const event of page.fetch.sent()) {
      expect(event.context.channel).toBe('email')
      expect(event.context.campaign).toEqual({ source: 'newsletter', medium: 'email', name: 'nov', clickIdParam: 'gclid', clickId: 'Cj0_x' })
      expect(event.context.firstTouch).toMatchObject({ channel: 'email', referrer: 'mail.google.com', landing: '/landing' })
    }
    expect(views[0]!.context.url).toBe('http://localhost:3000/landing?utm_source=newsletter&utm_medium=email&utm_campaign=nov&gclid=Cj0_x')
    expect(sent('outbound_click').map((event) => event.props)).toEqual([{ url: 'https://partner.example/x' }])
  })

  test('the first touch is kept in IndexedDB across page loads, and conversions carry the history', async () => {
    history.replaceState(null, '', '/?utm_source=google&utm_medium=cpc')
    setReferrer('https://www.google.com/')
    const first = page.make({ touchpoints: [pageViews(), campaign()] })
    await deliver(first)
    first.destroy()

    // Next load, a later session, from a newsletter.
    await advance(31 * 60 * 1000, 60_000)
    history.replaceState(null, '', '/offer?utm_source=newsletter&utm_medium=email')
    setReferrer('')
    const second = page.make({ touchpoints: [pageViews(), campaign()] })
    second.track('purchase', { total: 20 })
    await deliver(second)

    const purchase = sent('purchase')[0]!
    expect(purchase.context.channel).toBe('email')
    expect(purchase.context.firstTouch).toMatchObject({ channel: 'paid_search', campaign: { source: 'google' } })
    expect((purchase.context.touches as Array<{ channel: string }>).map((touch) => touch.channel)).toEqual(['paid_search', 'email'])
    expect(sent('page_view').at(-1)!.context.touches).toBeUndefined()
  })

  test('a form whose fields hold markers: the submission arrives, no marker does', async () => {
    history.replaceState(null, '', '/contact')
    const journey = page.make({ touchpoints: [forms({ start: true, abandon: true, fieldNames: true })] })
    document.body.innerHTML = `
      <form id="contact-form" action="/send?email=${MARKER}%40x.example">
        <input name="email" value="${MARKER}@mail.example"><input name="password" type="password" value="${MARKER}">
        <input type="hidden" name="csrf" value="${MARKER}"><input name="cc" autocomplete="cc-number" value="4111111111111111">
        <textarea name="message">${MARKER}</textarea><select name="topic"><option selected>${MARKER}</option></select>
      </form>
      <form id="newsletter"><input name="first_name" value="${MARKER}"></form>`
    const [contact, newsletter] = [...document.forms]
    contact!.addEventListener('submit', stayOnPage)
    contact!.querySelector('textarea')!.dispatchEvent(new Event('input', { bubbles: true }))
    newsletter!.querySelector('input')!.dispatchEvent(new Event('input', { bubbles: true }))
    contact!.requestSubmit()
    leavePage()
    await deliver(journey)
    const beaconed = (await beacon.batches()).flatMap((batch) => batch.events)
    const events = unique([...page.fetch.sent(), ...beaconed])

    expect(wire()).not.toContain(MARKER)
    expect(wire()).not.toContain('4111111111111111')
    const named = (name: string) => events.filter((event) => event.name === name)
    expect(named('form_submit').map((event) => event.props)).toEqual([
      { formId: 'contact-form', action: '/send', method: 'get', fields: 5, fieldNames: ['email', 'message', 'topic'], touched: 1, duration: 0 },
    ])
    expect(named('form_start').map((event) => event.props.formId)).toEqual(['contact-form', 'newsletter'])
    expect(named('form_abandon').map((event) => event.props.formId)).toEqual(['newsletter'])
  })

  test('an e-mail address and a token in the landing URL never leave', async () => {
    history.replaceState(null, '', `/welcome?email=ann%40mail.example&token=${MARKER}&utm_source=invite`)
    setReferrer(`https://app.example/reset?token=${MARKER}`)
    const journey = page.make({ touchpoints: defaults() })
    journey.track('signup')
    await deliver(journey)
    expect(page.fetch.requests.length).toBeGreaterThan(0)
    expect(wire()).not.toMatch(/ann%40|ann@|mail\.example|MARKER/)
    expect(sent('page_view')[0]!.context.url).toBe('http://localhost:3000/welcome?utm_source=invite')
  })

  test('engagement and scroll depth leave with the unload send', async () => {
    history.replaceState(null, '', '/article')
    Object.defineProperty(document.documentElement, 'scrollHeight', { value: 3000, configurable: true })
    const journey = page.make({ touchpoints: defaults() })
    await deliver(journey)
    await advance(5_000, 1_000)
    Object.defineProperty(window, 'scrollY', { value: 2400, configurable: true })
    window.dispatchEvent(new Event('scroll'))
    await advance(3_000, 1_000)
    leavePage()
    await idle()
    const events = unique([...page.fetch.sent(), ...(await beacon.batches()).flatMap((batch) => batch.events)])
    const names = events.map((event) => event.name)
    expect(names.filter((name) => name === 'scroll_depth')).toHaveLength(5)
    const engaged = events.find((event) => event.name === 'engagement')!
    expect(engaged.props).toEqual({ engagedMs: expect.any(Number), path: '/article' })
    expect(engaged.props.engagedMs).toBeGreaterThanOrEqual(8_000)
    setVisibility('visible')
  })

  test('destroy() removes every listener and wrapper the touchpoints installed', async () => {
    const push = history.pushState
    const submit = HTMLFormElement.prototype.submit
    history.replaceState(null, '', '/start')
    const journey = page.make({
      touchpoints: [pageViews(), campaign(), forms({ start: true, abandon: true }), clicks(), scrollDepth(), engagement()],
    })
    expect(history.pushState).not.toBe(push)
    await deliver(journey)
    const before = page.fetch.sent().length
    journey.destroy()
    expect(history.pushState).toBe(push)
    expect(HTMLFormElement.prototype.submit).toBe(submit)
    history.pushState({}, '', '/after')
    document.body.innerHTML = '<a href="https://partner.example/">x</a><form><input name="q"></form>'
    document.addEventListener('click', stayOnPage, true)
    click(document.querySelector('a')!)
    document.removeEventListener('click', stayOnPage, true)
    document.forms[0]!.addEventListener('submit', stayOnPage)
    document.forms[0]!.requestSubmit()
    window.dispatchEvent(new Event('scroll'))
    await idle()
    expect(page.fetch.sent().length).toBe(before)
  })
})
