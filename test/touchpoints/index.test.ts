import { describe, expect, test, vi } from 'vitest'

describe('journeykit touchpoints module', () => {
  test('importing it installs nothing', async () => {
    vi.resetModules()
    const windowListen = vi.spyOn(window, 'addEventListener')
    const documentListen = vi.spyOn(document, 'addEventListener')
    const push = history.pushState
    const submit = HTMLFormElement.prototype.submit
    await import('../../src/touchpoints')
    await import('../../src/web-vitals')
    expect(windowListen).not.toHaveBeenCalled()
    expect(documentListen).not.toHaveBeenCalled()
    expect(history.pushState).toBe(push)
    expect(HTMLFormElement.prototype.submit).toBe(submit)
    vi.restoreAllMocks()
  })

  test('defaults() is the standard set, new instances on every call', async () => {
    const { defaults } = await import('../../src/touchpoints')
    expect(defaults().map((plugin) => plugin.name)).toEqual(['pageViews', 'campaign', 'forms', 'clicks', 'scrollDepth', 'engagement'])
    expect(defaults()[0]).not.toBe(defaults()[0])
  })
})
