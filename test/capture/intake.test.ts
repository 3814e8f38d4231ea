/**
 * The intake on its own: bounded (the oldest event goes, never a step), drops told once per run,
 * everything decided in order, and nothing decided while it may not be.
 */
import { expect, test, vi } from 'vitest'
import { createIntake, type IntakeConfig } from '../../src/capture/intake'

function intakeOf(limit: number, gates = { ready: true, open: true }) {
  const decided: string[] = []
  const config: IntakeConfig<string> = {
    _limit_: limit,
    _ready_: () => gates.ready,
    _open_: () => gates.open,
    _dropped_: vi.fn(),
    _decide_: (item) => void decided.push(item),
  }
  return { intake: createIntake(config), decided, config, gates }
}

test('decides what it was handed, in order, in a microtask', async () => {
  const { intake, decided } = intakeOf(10)
  intake._hand_('a')
  intake._hand_('b')
  expect(decided).toEqual([])
  expect(intake._busy_).toBe(true)
  await Promise.resolve()
  expect(decided).toEqual(['a', 'b'])
  expect(intake._busy_).toBe(false)
  expect(intake._items_).toEqual([])
})

test('full: the oldest event goes, never a step, and the drops are told once', () => {
  const { intake, decided, config, gates } = intakeOf(2, { ready: false, open: true })
  const steps: string[] = []
  intake._hand_(() => void steps.push('reset'))
  intake._hand_('a')
  intake._hand_('b')
  intake._hand_('c')
  expect(intake._items_.length).toBe(2)
  gates.ready = true
  intake._process_(true)
  expect(steps).toEqual(['reset'])
  expect(decided).toEqual(['c'])
  expect(config._dropped_).toHaveBeenCalledTimes(1)
  expect(config._dropped_).toHaveBeenCalledWith(2)
})

test('waits while events may not be decided, and while processing may not go on', async () => {
  const { intake, decided, gates } = intakeOf(10, { ready: false, open: false })
  intake._hand_('a')
  await Promise.resolve()
  expect(decided).toEqual([])
  expect(intake._busy_).toBe(false)
  gates.ready = true
  intake._schedule_()
  await Promise.resolve()
  // Ready, but not open (consent changed, delivery stopped): still waiting.
  expect(decided).toEqual([])
  gates.open = true
  intake._process_()
  expect(decided).toEqual(['a'])
})

test('clear() drops what waits and the drop count', () => {
  const { intake, decided, config } = intakeOf(1, { ready: false, open: true })
  intake._hand_('a')
  intake._hand_('b')
  intake._clear_()
  intake._process_(true)
  expect(intake._items_).toEqual([])
  expect(decided).toEqual([])
  expect(config._dropped_).not.toHaveBeenCalled()
})
