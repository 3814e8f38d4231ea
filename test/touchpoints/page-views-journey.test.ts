/**
 * Page views in a real journey: a view waiting for its title keeps its place before the events
 * the app tracks on the new page, and carries the time of its route change.
 */
import { expect, test } from 'vitest'
import { pageViews } from '../../src/touchpoints/page-views'
import { usePage } from '../helpers/journey'
import { advance, idle } from '../helpers/time'

const page = usePage()

test('an event tracked right after a route change (title unchanged) comes after that route’s page view, with the phase the view set', async () => {
  history.replaceState(null, '', '/')
  document.title = 'Pebble' // one title for every route: nothing to wait for but the cap
  const journey = page.make({ touchpoints: [pageViews()], phases: 'default' })
  await advance(400)
  history.pushState(null, '', '/pricing')
  const changedAt = Date.now()
  await advance(20)
  journey.track('add_to_cart') // within the wait
  await advance(400)
  await idle()
  await journey.flush()
  const sent = page.fetch.sent().filter((event) => event.name !== 'phase_change')
  expect(sent.map((event) => `${event.name} ${event.context.path} ${event.phase}`)).toEqual([
    'page_view / awareness',
    'page_view /pricing consideration',
    'add_to_cart /pricing decision',
  ])
  expect(Date.parse(sent[1]!.timestamp)).toBe(changedAt)
})

test('touchpoints’ own events do not cut a view’s wait short', async () => {
  history.replaceState(null, '', '/')
  document.title = 'Home'
  const journey = page.make({
    touchpoints: [
      pageViews(),
      { name: 'on-route', setup: (ctx) => void addEventListener('popstate', () => ctx.track('route_seen')) },
    ],
  })
  await advance(400)
  history.pushState(null, '', '/a')
  dispatchEvent(new PopStateEvent('popstate'))
  document.title = 'A'
  await idle()
  await advance(400)
  await journey.flush()
  const views = page.fetch.sent().filter((event) => event.name === 'page_view')
  expect(views.map((event) => event.context.title)).toEqual(['Home', 'A'])
})
