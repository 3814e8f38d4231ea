/**
 * journeykit in a real Vue 3 + vue-router 4 app built with Vite (test/browser/apps/vue): page
 * views with their titles through the route script (the journey is created before the router has
 * resolved the first route, titles are set in afterEach), route templates from the plugin, and
 * usePhase().
 */
import { beforeAll, expect, test } from 'vitest'
import { buildTestApp } from '../../scripts/build-test-apps.mjs'
import { withApp } from './apps/serve'
import { driveRoutes, expectTenViews } from './apps/route-script'
import { describeBrowser } from './harness'

describeBrowser('Vue 3 + vue-router 4', () => {
  let production: string
  beforeAll(async () => {
    production = await buildTestApp('vue', 'production')
  }, 120_000)

  test('10 of 10 page views with their route titles, the first one included; route templates; usePhase()', async () => {
    await withApp(production, async ({ app, collector, page }) => {
      await driveRoutes(page, app.url('/'))
      await expectTenViews(collector)
      const routes = collector.named('page_view').map((event) => event.props.route)
      expect(new Set(routes)).toEqual(new Set(['/', '/pricing', '/products/:id', '/search', '/about']))
      expect(await page.textContent('#phase')).toBe('consideration')
    })
  })
})
