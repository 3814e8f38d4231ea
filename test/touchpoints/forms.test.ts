import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { forms, type FormsOptions } from '../../src/touchpoints/forms'
import { install } from './context'

const MARKER = 'MARKER-7f3a'
const browserSubmit = HTMLFormElement.prototype.submit
/** Navigations that form.submit() would have started (the browser's part, faked). */
let navigations: HTMLFormElement[] = []
/** How many times any field's value was read. */
let valueReads = 0

let active: ReturnType<typeof install> | undefined
function start(options?: FormsOptions) {
  active = install(forms(options))
  return active
}

/** Builds a form, fills every field with a marker, and counts every read of a value. */
function form(html: string, attributes: Record<string, string> = {}): HTMLFormElement {
  const element = document.createElement('form')
  // No constraint validation: happy-dom's would read the values this test counts.
  element.noValidate = true
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  element.innerHTML = html
  for (const field of element.querySelectorAll('input, select, textarea')) {
    const own = field as HTMLInputElement
    if (own.type !== 'checkbox' && own.type !== 'radio' && own.tagName !== 'SELECT') own.value = `${MARKER}-${own.name}`
    Object.defineProperty(field, 'value', {
      get: () => {
        valueReads++
        return MARKER
      },
      set: () => {},
    })
  }
  document.body.append(element)
  return element
}

const SIGNUP = `
  <input name="email" type="email" autocomplete="email">
  <input name="company">
  <input name="password" type="password">
  <input name="csrf" type="hidden">
  <input name="card" autocomplete="cc-number">
  <select name="plan"><option>pro</option></select>
  <textarea name="message"></textarea>
  <input type="checkbox" name="terms">
  <button type="submit">Sign up</button>
  <input type="submit" value="Go">`

beforeEach(() => {
  navigations = []
  valueReads = 0
  HTMLFormElement.prototype.submit = function (this: HTMLFormElement) {
    navigations.push(this)
  }
  // Forms here are handled by script, as in a single-page app: no navigation.
  window.addEventListener('submit', (event) => event.preventDefault())
  history.replaceState(null, '', '/signup?utm_source=x')
})
afterEach(() => {
  active?.teardown()
  active = undefined
  document.body.innerHTML = ''
  HTMLFormElement.prototype.submit = browserSubmit
})

describe('forms(): form_submit', () => {
  test('records a submission with the form’s structure, never a value', () => {
    const { props, recorded } = start()
    const signup = form(SIGNUP, { id: 'signup-form', name: 'signup', action: '/api/signup?token=abc', method: 'POST' })
    signup.querySelector('button')!.click()
    expect(props('form_submit')).toEqual([
      { formId: 'signup-form', formName: 'signup', action: '/api/signup', method: 'post', fields: 7 },
    ])
    expect(valueReads).toBe(0)
    expect(JSON.stringify(recorded)).not.toContain(MARKER)
  })

  test('reads attributes, so fields named id, name, action or method cannot stand in for them', () => {
    const { props } = start()
    const tricky = form('<input name="id"><input name="name"><input name="action"><input name="method">', { id: 'contact' })
    tricky.requestSubmit()
    expect(props('form_submit')).toEqual([{ formId: 'contact', formName: undefined, action: '/signup', method: 'get', fields: 4 }])
  })

  test('names the host of a form that posts to another site, without its query', () => {
    const { props } = start()
    form('<input name="q">', { action: 'https://forms.partner.example/f/123?email=ann%40mail.example' }).requestSubmit()
    expect(props('form_submit')[0]).toMatchObject({ action: 'forms.partner.example/f/123' })
  })

  test('records forms submitted by script with form.submit(), which fires no submit event', () => {
    const { props } = start()
    const scripted = form('<input name="q">', { id: 'search' })
    scripted.submit()
    expect(props('form_submit')).toHaveLength(1)
    expect(navigations).toEqual([scripted]) // the page's submit still happens
  })

  test('a handler that stops the submit event and calls form.submit() later is one submission', () => {
    const { props } = start()
    const validated = form('<input name="q">', { id: 'checkout' })
    validated.addEventListener('submit', (event) => {
      event.preventDefault()
      // Called through the prototype: happy-dom runs `validated.submit()` with `this` set to the
      // element behind its proxy, not the element scripts (and submit events) see.
      HTMLFormElement.prototype.submit.call(validated)
    })
    validated.requestSubmit()
    expect(props('form_submit')).toHaveLength(1)
    validated.requestSubmit() // a second attempt is a second submission
    expect(props('form_submit')).toHaveLength(2)
  })

  test('leaves out forms marked data-journey-ignore', () => {
    const { recorded } = start({ start: true, abandon: true })
    const ignored = form('<input name="q">', { 'data-journey-ignore': '' })
    ignored.querySelector('input')!.dispatchEvent(new Event('input', { bubbles: true }))
    ignored.requestSubmit()
    ignored.submit()
    active!.plugin.onHide!()
    expect(recorded).toEqual([])
  })

  test('fieldNames lists field names, never password, hidden, payment or secret-named fields', () => {
    const { props } = start({ fieldNames: true })
    form(
      `${SIGNUP}<input name="pin"><input name="ssn"><input id="nickname"><input name="company">` +
        '<input name="sms" autocomplete="one-time-code"><input name="repeat" autocomplete="new-password"><input name="card_holder">',
    ).requestSubmit()
    expect(props('form_submit')[0]!.fieldNames).toEqual(['email', 'company', 'plan', 'message', 'terms', 'nickname'])
    expect(valueReads).toBe(0)
  })

  test('teardown puts form.submit back and stops listening', () => {
    const { recorded, teardown } = start()
    teardown()
    expect(HTMLFormElement.prototype.submit).not.toBe(browserSubmit) // our fake navigation stays
    const later = form('<input name="q">')
    later.requestSubmit()
    later.submit()
    expect(recorded).toEqual([])
    expect(navigations).toEqual([later])
  })

  test('a failing track() never reaches the page', () => {
    const fake = start()
    fake.ctx.track = () => {
      throw new Error('broken')
    }
    const broken = form('<input name="q">')
    expect(() => broken.submit()).not.toThrow()
    expect(navigations).toEqual([broken])
    expect(fake.ctx.warn).toHaveBeenCalledWith('plugin_failed', expect.stringContaining('broken'))
  })
})

describe('forms(): form_start and form_abandon', () => {
  const type = (field: Element, kind = 'input') => field.dispatchEvent(new Event(kind, { bubbles: true }))

  test('are off by default', () => {
    const { recorded, plugin } = start()
    const contact = form(SIGNUP)
    type(contact.querySelector('[name=company]')!)
    plugin.onHide?.()
    expect(recorded).toEqual([])
  })

  test('form_start on the first change of a field, once per form', () => {
    const { props } = start({ start: true })
    const contact = form(SIGNUP, { id: 'contact' })
    type(contact.querySelector('[name=company]')!)
    type(contact.querySelector('[name=message]')!)
    type(contact.querySelector('[name=plan]')!, 'change')
    expect(props('form_start')).toEqual([{ formId: 'contact', formName: undefined, action: '/signup', method: 'get', fields: 7 }])
    expect(valueReads).toBe(0)
  })

  test('password, hidden and payment fields never start a form', () => {
    const { recorded } = start({ start: true })
    const login = form(SIGNUP)
    for (const name of ['password', 'csrf', 'card']) type(login.querySelector(`[name=${name}]`)!)
    expect(recorded).toEqual([])
  })

  test('form_abandon when the page is hidden with a started form unsent, with fields touched and time taken', () => {
    vi.useFakeTimers({ now: 1_000_000 })
    try {
      const { props, recorded, plugin } = start({ abandon: true })
      const left = form(SIGNUP, { id: 'quote' })
      const sent = form('<input name="q">', { id: 'search' })
      type(left.querySelector('[name=company]')!)
      vi.advanceTimersByTime(4000)
      type(left.querySelector('[name=email]')!)
      type(left.querySelector('[name=email]')!)
      type(left.querySelector('[name=password]')!) // not counted
      type(sent.querySelector('input')!)
      sent.requestSubmit()
      vi.advanceTimersByTime(1000)
      plugin.onHide!()
      plugin.onHide!() // hidden again: already told
      expect(props('form_start')).toEqual([]) // start not asked for
      expect(props('form_abandon')).toEqual([
        { formId: 'quote', formName: undefined, action: '/signup', method: 'get', fields: 7, touched: 2, duration: 5000 },
      ])
      expect(props('form_submit')[0]).toMatchObject({ formId: 'search', touched: 1, duration: 0 })
      expect(JSON.stringify(recorded)).not.toContain(MARKER)
      expect(valueReads).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  test('a visitor who comes back and submits after a form_abandon gets a form_submit, and no second start', () => {
    const { names, plugin } = start({ start: true, abandon: true })
    const contact = form(SIGNUP, { id: 'contact' })
    type(contact.querySelector('[name=company]')!)
    plugin.onHide!()
    type(contact.querySelector('[name=message]')!)
    contact.requestSubmit()
    plugin.onHide!()
    expect(names()).toEqual(['form_start', 'form_abandon', 'form_submit'])
  })
})
