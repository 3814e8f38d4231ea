/**
 * journeykit in a real React 19 + React Router 7 app built with Vite (test/browser/apps/react):
 * page views with their titles through the route script, route templates, usePhase(), and a
 * StrictMode development build on a first visit.
 */
import { beforeAll, expect, test } from 'vitest'
import { buildTestApp } from '../../scripts/build-test-apps.mjs'
import { withApp } from './apps/serve'
import { driveRoutes, expectTenViews } from './apps/route-script'
import { describeBrowser } from './harness'

describeBrowser('React 19 + React Router 7', () => {
  let production: string
  let development: string
  beforeAll(async () => {
    production = await buildTestApp('react', 'production')
    development = await buildTestApp('react', 'development')
  }, 120_000)

  test('10 of 10 page views with their route titles (React 19 <title>, committed in a transition), route templates, usePhase()', async () => {
    await withApp(production, async ({ app, collector, page }) => {
      await driveRoutes(page, app.url('/'))
      await expectTenViews(collector)
      const routes = collector.named('page_view').map((event) => event.props.route)
      expect(new Set(routes)).toEqual(new Set(['/', '/pricing', '/products/:id', '/search', '/about']))
      // usePhase() followed the phase: /pricing is a product page in the default model.
      expect(await page.textContent('#phase')).toBe('consideration')
    })
  })

  test('StrictMode development build, journey created in an effect: a first visit has one visitor, one page view, and stays in awareness', async () => {
    await withApp(development, async ({ app, collector, page }) => {
      await page.goto(app.url('/'))
      await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'home')
      await collector.waitFor((c) => c.named('page_view').length >= 1, 15_000, 'the first page view')
      await page.evaluate(() => window.journey!.flush())
      await new Promise((resolve) => setTimeout(resolve, 800)) // a forked second view would follow within a batch
      const events = collector.events()
      expect(new Set(events.map((event) => event.anonymousId)).size).toBe(1)
      expect(new Set(events.map((event) => event.sessionId)).size).toBe(1)
      expect(collector.named('phase_change')).toEqual([])
      expect(collector.named('page_view')).toHaveLength(1)
      expect(collector.named('page_view')[0]!.context.title).toBe('Home - Shop')
      expect(await page.evaluate(() => window.journey!.phase)).toBe('awareness')
      expect(await page.textContent('#phase')).toBe('awareness')
    })
  })
})

