import { describe, expect, test } from 'vitest'
import { scrubUrl } from '../../src/privacy/url'
import { KEPT_URLS, SECRET_URLS } from './url-corpus'

/** Every form the canary could take in the output. */
const leaks = (output: string, canary: string): boolean => {
  let decoded = output
  try {
    decoded = decodeURIComponent(output.replace(/\+/g, ' '))
  } catch {
    // keep the raw form
  }
  return [output, decoded].some((text) => text.includes(canary) || text.includes(encodeURIComponent(canary)))
}

/** The utm_* and click id pairs of a URL's query, as written. */
const attributionPairs = (url: string): string[] =>
  (url.split('#')[0]!.split('?')[1] ?? '').split('&').filter((pair) => /^(utm_\w+|gclid|fbclid|msclkid|gad_source)=/i.test(pair))

describe('scrubUrl: the privacy corpus', () => {
  test('has at least 200 URLs', () => {
    expect(SECRET_URLS.length + KEPT_URLS.length).toBeGreaterThanOrEqual(200)
  })

  test.each(SECRET_URLS)('removes the secret from %s', (url, canary) => {
    const output = scrubUrl(url)
    expect(leaks(output, canary), `${url} → ${output}`).toBe(false)
    // utm_* and click ids beside the secret come through byte for byte, in order.
    const kept = attributionPairs(url).filter((pair) => !pair.includes('%40'))
    expect(attributionPairs(output)).toEqual(kept)
  })

  test.each(KEPT_URLS)('keeps %s as it is', (url, expected) => {
    expect(scrubUrl(url)).toBe(expected)
  })
})

describe('scrubUrl: rules', () => {
  test('the same canary is caught in the query, the path and the fragment at once', () => {
    const output = scrubUrl('https://ann:pw@app.example/u/ann%40x.example/?email=ann%40x.example#ann@x.example')
    expect(output).toBe('https://app.example/u/redacted/')
  })

  test('site rules from redactParams remove more parameters, by name (any case) or pattern', () => {
    const url = 'https://shop.example/?invite=abc&Ref_Partner=7&ref_code=9&page=2'
    expect(scrubUrl(url, ['INVITE', /^ref_/i])).toBe('https://shop.example/?page=2')
    expect(scrubUrl(url)).toBe('https://shop.example/?invite=abc&Ref_Partner=7&ref_code=9&page=2')
  })

  test('an e-mail address as a path segment goes, whatever its top-level domain; the rest of the URL stays', () => {
    for (const address of ['ann@gmail.com', 'ann@mail.example', 'ann%40web.de', 'ann.lee@company.co.uk']) {
      const output = scrubUrl(`https://app.example/users/${address}/profile?tab=2`)
      expect(output).toBe('https://app.example/users/redacted/profile?tab=2')
    }
  })

  test('site rules can remove campaign parameters and click ids too', () => {
    expect(scrubUrl('https://shop.example/?utm_term=abc&gclid=xyz&utm_source=news', ['utm_term', /^gclid$/])).toBe(
      'https://shop.example/?utm_source=news',
    )
  })

  test('site rules apply inside hash routes too', () => {
    expect(scrubUrl('https://app.example/#/join?invite=abc&plan=pro', ['invite'])).toBe('https://app.example/#/join?plan=pro')
  })

  test('never throws, whatever it is given', () => {
    const inputs = [
      '%', '%E0%A4%A', 'https://%zz', 'https://shop.example/?a=%E0%A4%A&b=%', 'https://shop.example/%E0%A4%A/x',
      'javascript:alert(1)', 'data:text/html,<b>x</b>', '//protocol-relative.example/x', '?only=query', '#only-hash',
      'https://[::1]:8080/x?y=1', 'https://xn--bcher-kva.example/ü?ä=ö', 'https://shop.example/?=value&name=',
      'a'.repeat(10_000), `https://shop.example/?q=${'x&'.repeat(2000)}`, 'https://shop.example/?next=%3F%3F%3F%23%23',
    ]
    for (const input of inputs) expect(() => scrubUrl(input)).not.toThrow()
  })

  test('a deeply nested redirect chain is still scrubbed', () => {
    let url = `https://app.example/cb?token=secretvalue`
    for (let i = 0; i < 5; i++) url = `https://hop${i}.example/?next=${encodeURIComponent(url)}`
    expect(scrubUrl(url)).toBe('https://hop4.example/')
  })

  test('works without a page location (server-side), for absolute URLs', () => {
    const saved = globalThis.location
    // @ts-expect-error: simulating a runtime without location
    delete globalThis.location
    try {
      expect(scrubUrl('https://shop.example/?token=x&page=1')).toBe('https://shop.example/?page=1')
      expect(scrubUrl('/relative?token=x&page=1#access_token=y')).toBe('/relative?page=1')
    } finally {
      globalThis.location = saved
    }
  })
})
