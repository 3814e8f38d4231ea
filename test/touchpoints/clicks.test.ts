import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { clicks, type ClicksOptions } from '../../src/touchpoints/clicks'
import { install } from './context'

let active: ReturnType<typeof install> | undefined
function start(options?: ClicksOptions) {
  active = install(clicks(options))
  return active
}
/** Adds markup to the page and returns its first element. */
function add(html: string): HTMLElement {
  document.body.innerHTML = html
  return document.body.firstElementChild as HTMLElement
}
/** A visitor's click (happy-dom's element.click() makes one that cannot be cancelled). */
const click = (element: Element, type = 'click', button = 0) =>
  element.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, button }))
const middleClick = (element: Element, button = 1) => click(element, 'auxclick', button)

// Links here do not navigate: the test page stays. (happy-dom follows a link when the click
// bubbles through it, so the default is prevented on the way down.)
const stay = (event: Event) => event.preventDefault()
beforeEach(() => {
  document.addEventListener('click', stay, true)
  expect(location.origin).toBe('http://localhost:3000')
})
afterEach(() => {
  document.removeEventListener('click', stay, true)
  active?.teardown()
  active = undefined
  document.body.innerHTML = ''
})

describe('clicks(): links', () => {
  test('outbound_click for a link to another site, with its URL scrubbed', () => {
    const { recorded } = start()
    add('<a href="https://partner.example/offer?ref=us&email=ann%40mail.example&utm_source=x"><span>Partner</span></a>')
      .querySelector('span')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }))
    expect(recorded.map(({ name, props }) => ({ name, props }))).toEqual([
      { name: 'outbound_click', props: { url: 'https://partner.example/offer?ref=us&utm_source=x' } },
    ])
  })

  test('links within the site, or to internalHosts and their subdomains, are not outbound', () => {
    const { recorded } = start({ internalHosts: ['example.com'] })
    for (const href of ['/pricing', `${location.origin}/plans`, 'https://example.com/', 'https://docs.example.com/a', '#top']) {
      click(add(`<a href="${href}">x</a>`))
    }
    expect(recorded).toEqual([])
  })

  test('a middle click opens the link too; a right click does not', () => {
    const { props } = start()
    const link = add('<a href="https://partner.example/">x</a>')
    middleClick(link)
    middleClick(link, 2)
    expect(props('outbound_click')).toHaveLength(1)
  })

  test('file_download for links to documents, by extension in any case or by the download attribute', () => {
    const { recorded } = start()
    click(add('<a href="/files/Price-List.PDF?token=abc">x</a>'))
    click(add('<a href="https://cdn.example/app-1.2.dmg">x</a>'))
    click(add('<a href="/export" download>x</a>'))
    expect(recorded.map(({ name, props }) => ({ name, props }))).toEqual([
      { name: 'file_download', props: { url: `${location.origin}/files/Price-List.PDF`, extension: 'pdf' } },
      { name: 'file_download', props: { url: 'https://cdn.example/app-1.2.dmg', extension: 'dmg' } },
      { name: 'file_download', props: { url: `${location.origin}/export`, extension: undefined } },
    ])
  })

  test('download extensions can be chosen, or turned off', () => {
    const chosen = start({ downloads: ['csv'] })
    click(add('<a href="/report.csv">x</a>'))
    click(add('<a href="/report.pdf">x</a>'))
    expect(chosen.names()).toEqual(['file_download'])
    active!.teardown()

    const off = start({ downloads: [] })
    click(add('<a href="/report.csv" download>x</a>'))
    click(add('<a href="https://cdn.example/report.csv">x</a>'))
    expect(off.names()).toEqual(['outbound_click'])
  })

  test('contact_click for e-mail, phone and SMS links, without the address or number', () => {
    const { recorded } = start()
    click(add('<a href="mailto:sales@shop.example?subject=Hi">x</a>'))
    click(add('<a href="tel:+14155550100">x</a>'))
    click(add('<a href="sms:+14155550100">x</a>'))
    expect(recorded.map(({ name, props }) => ({ name, props }))).toEqual([
      { name: 'contact_click', props: { method: 'email' } },
      { name: 'contact_click', props: { method: 'phone' } },
      { name: 'contact_click', props: { method: 'sms' } },
    ])
    expect(JSON.stringify(recorded)).not.toMatch(/sales@|4155550100/)
  })

  test('javascript: and other schemes are not links to anywhere', () => {
    const { recorded } = start()
    click(add('<a href="javascript:void(0)">x</a>'))
    click(add('<a href="ftp://files.example/a.zip">x</a>'))
    expect(recorded).toEqual([])
  })

  test('each kind can be turned off', () => {
    const { recorded } = start({ outbound: false, contacts: false, markup: false })
    click(add('<a href="https://partner.example/">x</a>'))
    click(add('<a href="mailto:a@b.example">x</a>'))
    click(add('<button data-journey="start_trial">x</button>'))
    expect(recorded).toEqual([])
  })
})

describe('clicks(): touchpoints declared in markup', () => {
  test('data-journey names the event and data-journey-* give its props', () => {
    const { recorded } = start()
    add('<button data-journey="start_trial" data-journey-plan="pro" data-journey-plan-tier="2" data-other="no"><b>Start</b></button>')
      .querySelector('b')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }))
    expect(recorded.map(({ name, props }) => ({ name, props }))).toEqual([{ name: 'start_trial', props: { plan: 'pro', planTier: '2' } }])
  })

  test('a declared link records its event and what the link is', () => {
    const { names } = start()
    click(add('<a href="https://partner.example/" data-journey="partner_offer">x</a>'))
    expect(names()).toEqual(['partner_offer', 'outbound_click'])
  })

  // happy-dom does not retarget events leaving a shadow root, so this only shows nothing breaks;
  // test/browser/touchpoints.test.ts proves it where event.target is the host.
  test('sees links and markup inside shadow roots (web components)', () => {
    const { names } = start()
    const host = add('<x-card></x-card>')
    const shadow = host.attachShadow({ mode: 'open' })
    shadow.innerHTML = '<a href="https://partner.example/"><span>x</span></a><button data-journey="start_trial">go</button>'
    shadow.querySelector('span')!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }))
    shadow.querySelector('button')!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }))
    expect(names()).toEqual(['outbound_click', 'start_trial'])
  })

  test('clicks elsewhere record nothing', () => {
    const { recorded } = start()
    click(add('<div><p>text</p><button>plain</button></div>').querySelector('p')!)
    click(document.body)
    document.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    expect(recorded).toEqual([])
  })
})

describe('clicks(): lifecycle', () => {
  test('teardown stops listening', () => {
    const { recorded, teardown } = start()
    teardown()
    click(add('<a href="https://partner.example/">x</a>'))
    expect(recorded).toEqual([])
  })

  test('a broken link or a failing track() never reaches the page', () => {
    const fake = start()
    fake.ctx.track = () => {
      throw new Error('broken')
    }
    const link = add('<a href="https://partner.example/">x</a>')
    expect(() => click(link)).not.toThrow()
    expect(fake.ctx.warn).toHaveBeenCalledWith('plugin_failed', expect.stringContaining('broken'))
  })
})
