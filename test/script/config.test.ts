/**
 * The script tag's own element and its `data-*` attributes read into options
 * (src/script/config.ts).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { findOwnScript, optionsFromScript } from '../../src/script/config'
import type { ScriptTagWindow } from '../helpers/script-tag'

const happyDOM = (window as ScriptTagWindow).happyDOM

// happy-dom does not load script files; let a script tag with a src count as loaded, quietly.
beforeEach(() => {
  if (happyDOM) happyDOM.settings.handleDisabledFileLoadingAsSuccess = true
})

afterEach(() => {
  for (const script of document.querySelectorAll('script')) script.remove()
  if (happyDOM) happyDOM.settings.handleDisabledFileLoadingAsSuccess = false
})

function scriptTag(attributes: Record<string, string>, src = 'https://cdn.example/npm/journeykit@0.1.0/dist/journeykit.iife.js'): HTMLScriptElement {
  const script = document.createElement('script')
  if (src) script.setAttribute('src', src)
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value)
  document.head.appendChild(script)
  return script
}

describe('optionsFromScript', () => {
  test('reads every documented data-* attribute', () => {
    const script = scriptTag({
      'data-endpoint': '/collect',
      'data-batch-size': '5',
      'data-flush-interval': '2000',
      'data-max-queue-size': '300',
      'data-session-timeout': '60000',
      'data-consent': 'pending',
      'data-privacy-signals': 'ignore',
      'data-phases': 'b2b',
      'data-redact-params': 'invite, ref_code',
      'data-debug': '',
    })
    expect(optionsFromScript(script)).toEqual({
      endpoint: '/collect',
      batchSize: 5,
      flushInterval: 2000,
      maxQueueSize: 300,
      sessionTimeout: 60_000,
      consent: 'pending',
      privacySignals: 'ignore',
      phases: 'b2b',
      redactParams: ['invite', 'ref_code'],
      debug: true,
    })
  })

  test('absent attributes leave the defaults; data-debug="false" is off', () => {
    const options = optionsFromScript(scriptTag({ 'data-endpoint': '/collect', 'data-debug': 'false', 'data-batch-size': '' }))
    expect(options).toMatchObject({ endpoint: '/collect', batchSize: undefined, flushInterval: undefined, consent: undefined, debug: false })
  })

  test('an unreadable number is passed on as NaN, for createJourney to refuse', () => {
    expect(optionsFromScript(scriptTag({ 'data-endpoint': '/c', 'data-batch-size': 'ten' })).batchSize).toBeNaN()
  })
})

describe('findOwnScript', () => {
  test('finds the journeykit script tag with data-endpoint', () => {
    scriptTag({ 'data-endpoint': '/other' }, 'https://cdn.example/other.js')
    const own = scriptTag({ 'data-endpoint': '/collect' })
    expect(findOwnScript()).toBe(own)
  })

  test('finds nothing without data-endpoint', () => {
    scriptTag({})
    expect(findOwnScript()).toBeUndefined()
  })

  test('an element named "currentScript" cannot stand in for it', () => {
    const img = document.createElement('img')
    img.setAttribute('name', 'currentScript')
    img.setAttribute('data-endpoint', 'https://attacker.example/')
    document.body.appendChild(img)
    const own = scriptTag({ 'data-endpoint': '/collect' })
    expect(findOwnScript()).toBe(own)
    img.remove()
  })
})
