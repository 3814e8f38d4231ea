/** What other tabs must hear of at once (src/enrich/identity.ts). */
import { describe, expect, test } from 'vitest'
import { newsForOtherTabs } from '../../src/enrich/identity'

describe('newsForOtherTabs', () => {
  test('identity and a new session are news; a session only kept alive is not', () => {
    const news = newsForOtherTabs()
    expect(news([['session', { id: 's1', lastActivity: 1 }]])).toBe(true)
    expect(news([['session', { id: 's1', lastActivity: 2 }]])).toBe(false)
    expect(news([['session', { id: 's1', lastActivity: 3 }], ['userId', 'u1']])).toBe(true)
    expect(news([['session', { id: 's2', lastActivity: 4 }]])).toBe(true)
    expect(news([['session', undefined]])).toBe(true)
    expect(news([])).toBe(false)
  })
})
