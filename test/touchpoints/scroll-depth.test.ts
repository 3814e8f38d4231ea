import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { scrollDepth } from '../../src/touchpoints/scroll-depth'
import { event, install } from './context'

/** The page's layout, which happy-dom does not compute: a page of `height` px in a 1000 px window. */
function layout(height: number) {
  Object.defineProperty(document.documentElement, 'scrollHeight', { value: height, configurable: true })
  Object.defineProperty(window, 'innerHeight', { value: 1000, configurable: true })
}
/** The visitor scrolls so the top of the window is at `y`. */
function scrollTo(y: number) {
  Object.defineProperty(window, 'scrollY', { value: y, configurable: true })
  window.dispatchEvent(new Event('scroll'))
}

let active: ReturnType<typeof install> | undefined
beforeEach(() => layout(4000))
afterEach(() => {
  active?.teardown()
  active = undefined
})

describe('scrollDepth()', () => {
  test('records each milestone once, as the bottom of the window passes it', () => {
    active = install(scrollDepth())
    scrollTo(0) // 25 %: the first screen already shows a quarter
    scrollTo(500)
    scrollTo(1000) // 50 %
    scrollTo(800)
    scrollTo(1000)
    scrollTo(2000) // 75 %
    expect(active.props('scroll_depth')).toEqual([{ depth: 25 }, { depth: 50 }, { depth: 75 }])
  })

  test('a jump to the bottom records every milestone it passed', () => {
    active = install(scrollDepth())
    scrollTo(3000)
    expect(active.props('scroll_depth')).toEqual([{ depth: 25 }, { depth: 50 }, { depth: 75 }, { depth: 90 }, { depth: 100 }])
  })

  test('reaches 100 % a fraction of a pixel short of the bottom (zoomed pages)', () => {
    active = install(scrollDepth({ milestones: [100] }))
    scrollTo(2999.4)
    expect(active.props('scroll_depth')).toEqual([{ depth: 100 }])
  })

  test('a new page view starts the count again', () => {
    active = install(scrollDepth())
    scrollTo(3000)
    active.plugin.onEvent!(event({ type: 'track', name: 'scroll_depth' }))
    scrollTo(3000)
    expect(active.props('scroll_depth')).toHaveLength(5)
    active.plugin.onEvent!(event({ type: 'page', name: 'page_view' }))
    scrollTo(0)
    scrollTo(1000)
    expect(active.props('scroll_depth').slice(5)).toEqual([{ depth: 25 }, { depth: 50 }])
  })

  test('milestones can be chosen, in any order', () => {
    active = install(scrollDepth({ milestones: [60, 30] }))
    scrollTo(3000)
    expect(active.props('scroll_depth')).toEqual([{ depth: 30 }, { depth: 60 }])
  })

  test('teardown stops listening', () => {
    active = install(scrollDepth())
    active.teardown()
    scrollTo(3000)
    expect(active.recorded).toEqual([])
  })
})
