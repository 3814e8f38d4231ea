/**
 * consent('denied') deletes the journeykit database, whatever state the page's storage is in,
 * and nothing opens it again afterwards.
 */
import { expect, test } from 'vitest'
import { setOnline } from '../helpers/browser'
import { usePage } from '../helpers/journey'
import { databaseNames, failEventWrites, readDatabase } from '../helpers/storage'
import { advance, idle } from '../helpers/time'
import { WRITE_WINDOW } from '../../src/delivery'

const page = usePage()

test('after this page fell back to memory, denial still deletes what earlier pages stored', async () => {
  setOnline(false)
  const earlier = page.make({ flushInterval: 60_000 })
  earlier.identify('user-9')
  earlier.track('stored-by-an-earlier-page')
  await advance(WRITE_WINDOW)
  earlier.destroy()
  await idle()
  expect((await readDatabase())?.queue.length).toBeGreaterThan(0)

  // Writes abort (not a full quota): this page switches to memory for good.
  failEventWrites('abort-null')
  const journey = page.make({ flushInterval: 60_000 })
  journey.track('this-page')
  await advance(WRITE_WINDOW + 100)
  expect(page.errors.map((error) => error.code)).toContain('storage_unavailable')
  journey.consent('denied')
  await idle()
  expect(await databaseNames()).toEqual([])
})

test('denial right after start, before the database is open, leaves no database behind', async () => {
  const journey = page.make()
  journey.track('first')
  journey.consent('denied')
  await advance(6000)
  expect(await databaseNames()).toEqual([])
  expect(page.fetch.requests).toHaveLength(0)
})
