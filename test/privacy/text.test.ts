/**
 * Title hygiene: the page title goes out with every event, scrubbed by the URL rules.
 */
import { describe, expect, test } from 'vitest'
import { scrubText } from '../../src/privacy/text'
import { scrubUrl } from '../../src/privacy/url'
import { EMAIL, HEX, IDN_EMAILS, JWT, TOKEN, UUID } from './url-corpus'

describe('scrubText', () => {
  test.each([
    ['Inbox – ann@example.com', 'Inbox – redacted'],
    ['Inbox (3) – ann.lee+promo@mail.example.org · Webmail', 'Inbox (3) – redacted · Webmail'],
    [`Welcome, ${EMAIL}!`, 'Welcome, redacted!'],
    [`Messages for <${IDN_EMAILS[0]}>`, 'Messages for <redacted>'],
    [`${IDN_EMAILS[1]} の受信トレイ`, 'redacted の受信トレイ'],
    ['ann%40example.com – Profile', 'redacted – Profile'],
    [`Reset your password (${TOKEN})`, 'Reset your password (redacted)'],
    [`Session ${JWT} · Settings`, 'Session redacted · Settings'],
    [`Order ${UUID}`, 'Order redacted'],
    [`Download "${HEX}"`, 'Download "redacted"'],
  ])('%s → %s', (title, expected) => {
    expect(scrubText(title)).toBe(expected)
  })

  test('a URL in a title is scrubbed like any URL, the site rules included', () => {
    expect(scrubText('Redirecting to https://app.example/cb?code=abc&tab=2 …')).toBe('Redirecting to https://app.example/cb?tab=2 …')
    expect(scrubText('Shared: https://app.example/?invite=x&plan=pro', (url) => scrubUrl(url, ['invite']))).toBe(
      'Shared: https://app.example/?plan=pro',
    )
    expect(scrubText('Open mailto:ann@example.com')).toBe('Open redacted')
  })

  test.each([
    '',
    'Pricing',
    'Pricing – Acme',
    '  spaced   out  ',
    'Order #1234567 confirmed',
    'Black Friday 2026: 40 % off everything!',
    'Running shoes, size 42 | Shop',
    '@ann on Acme',
    'my-first-post-about-2024-trends',
    'Café crème – Menü',
    '„Zitat“ – Seite 2',
  ])('%j stays as it is', (title) => {
    expect(scrubText(title)).toBe(title)
  })
})
