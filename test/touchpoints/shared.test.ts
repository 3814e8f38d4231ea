/**
 * What the touchpoints share (src/touchpoints/shared.ts): listeners that never throw into the
 * page and are removed by one `off()`, method wrappers that can be undone even when another
 * script wrapped the method after them, and which hosts are the site's own.
 */
import { describe, expect, test, vi } from 'vitest'
import { isInternal, listeners, scrubbedUrl } from '../../src/touchpoints/shared'
import { fakeContext } from './context'

describe('listeners().on', () => {
  test('listens to each space-separated type until off()', () => {
    const { ctx } = fakeContext()
    const target = new EventTarget()
    const seen: string[] = []
    const own = listeners(ctx, 'test')
    own.on(target, 'click submit', (event: Event) => seen.push(event.type))
    target.dispatchEvent(new Event('click'))
    target.dispatchEvent(new Event('submit'))
    own.off()
    target.dispatchEvent(new Event('click'))
    expect(seen).toEqual(['click', 'submit'])
  })

  test('listens in the capture phase unless told otherwise', () => {
    const { ctx } = fakeContext()
    const add = vi.spyOn(document, 'addEventListener')
    const own = listeners(ctx, 'test')
    own.on(document, 'scroll', () => {})
    own.on(document, 'keydown', () => {}, { passive: true })
    expect(add.mock.calls.map(([type, , options]) => [type, options])).toEqual([
      ['scroll', true],
      ['keydown', { passive: true }],
    ])
    own.off()
    add.mockRestore()
  })

  test('a handler that throws is reported as plugin_failed with the touchpoint name, not thrown into the page', () => {
    const { ctx } = fakeContext()
    const target = new EventTarget()
    listeners(ctx, 'clicks').on(target, 'click', () => {
      throw new Error('bad selector')
    })
    const pageListener = vi.fn()
    target.addEventListener('click', pageListener)
    expect(() => target.dispatchEvent(new Event('click'))).not.toThrow()
    expect(pageListener).toHaveBeenCalledTimes(1)
    expect(ctx.warn).toHaveBeenCalledWith('plugin_failed', 'clicks: Error: bad selector')
  })
})

describe('listeners().wrap', () => {
  const history = () => ({
    calls: [] as unknown[][],
    pushState(this: { calls: unknown[][] }, ...args: unknown[]) {
      this.calls.push(args)
      return 'page result'
    },
  })

  test("runs the page's method as before, returns its result, then tells the touchpoint", () => {
    const { ctx } = fakeContext()
    const owner = history()
    const after = vi.fn()
    listeners(ctx, 'pages').wrap(owner, 'pushState', after)
    expect(owner.pushState({}, '', '/next')).toBe('page result')
    expect(owner.calls).toEqual([[{}, '', '/next']])
    expect(after).toHaveBeenCalledWith(owner)
  })

  test("the page's method throwing throws as it always did, and the touchpoint is not told", () => {
    const { ctx } = fakeContext()
    const owner = {
      go() {
        throw new Error("the page's own error")
      },
    }
    const after = vi.fn()
    listeners(ctx, 'pages').wrap(owner, 'go', after)
    expect(() => owner.go()).toThrow("the page's own error")
    expect(after).not.toHaveBeenCalled()
  })

  test('the touchpoint throwing is reported; the page gets its result', () => {
    const { ctx } = fakeContext()
    const owner = history()
    listeners(ctx, 'pages').wrap(owner, 'pushState', () => {
      throw new Error('broken')
    })
    expect(owner.pushState()).toBe('page result')
    expect(ctx.warn).toHaveBeenCalledWith('plugin_failed', 'pages: Error: broken')
  })

  test('off() puts the original back', () => {
    const { ctx } = fakeContext()
    const owner = history()
    const original = owner.pushState
    const own = listeners(ctx, 'pages')
    own.wrap(owner, 'pushState', () => {})
    expect(owner.pushState).not.toBe(original)
    own.off()
    expect(owner.pushState).toBe(original)
  })

  test('wrapped again by another script after us: off() leaves its wrapper in place, ours inert', () => {
    const { ctx } = fakeContext()
    const owner = history()
    const after = vi.fn()
    const own = listeners(ctx, 'pages')
    own.wrap(owner, 'pushState', after)
    const ours = owner.pushState
    const theirs = vi.fn(function (this: typeof owner, ...args: unknown[]) {
      return ours.apply(this, args)
    })
    owner.pushState = theirs as never
    own.off()
    expect(owner.pushState).toBe(theirs)
    expect(owner.pushState('/x')).toBe('page result')
    expect(owner.calls).toEqual([['/x']])
    expect(after).not.toHaveBeenCalled()
  })
})

describe('isInternal', () => {
  test("the page's own host, the hosts given and their subdomains; nothing else", () => {
    expect(isInternal(location.hostname)).toBe(true)
    expect(isInternal('shop.example', ['shop.example'])).toBe(true)
    expect(isInternal('checkout.shop.example', ['shop.example'])).toBe(true)
    expect(isInternal('notshop.example', ['shop.example'])).toBe(false)
    expect(isInternal('shop.example.evil.test', ['shop.example'])).toBe(false)
    expect(isInternal('other.example')).toBe(false)
  })
})

describe('scrubbedUrl', () => {
  test('the URL as the privacy rules scrub it, taken apart', () => {
    const { ctx } = fakeContext()
    const url = scrubbedUrl(ctx, 'https://shop.example/thanks?email=someone%40example.com&utm_source=news')
    expect(url.hostname).toBe('shop.example')
    expect(url.searchParams.get('utm_source')).toBe('news')
    expect(url.href).not.toContain('someone')
  })

  test('a URL scrubbed to nothing is about:blank, never thrown', () => {
    const { ctx } = fakeContext()
    expect(scrubbedUrl({ ...ctx, scrubUrl: () => '' }, 'https://shop.example/').href).toBe('about:blank')
  })
})
