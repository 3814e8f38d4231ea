/**
 * The intake on its own: bounded (the oldest event goes, never a step), drops told once per run,
 * everything decided in order, and nothing decided while it may not be.
 */
import { expect, test, vi } from 'vitest'
import { createIntake, type IntakeConfig } from '../../src/capture/intake'

function intakeOf(limit: number, gates = { ready: true, open: true }) {
  const decided: string[] = []
  const config: IntakeConfig<string> = {
    limit,
    ready: () => gates.ready,
    open: () => gates.open,
    dropped: vi.fn(),
    decide: (item) => void decided.push(item),
  }
  return { intake: createIntake(config), decided, config, gates }
}

test('decides what it was handed, in order, in a microtask', async () => {
  const { intake, decided } = intakeOf(10)
  intake.hand('a')
  intake.hand('b')
  expect(decided).toEqual([])
  expect(intake.busy).toBe(true)
  await Promise.resolve()
  expect(decided).toEqual(['a', 'b'])
  expect(intake.busy).toBe(false)
  expect(intake.items).toEqual([])
})

test('full: the oldest event goes, never a step, and the drops are told once', () => {
  const { intake, decided, config, gates } = intakeOf(2, { ready: false, open: true })
  const steps: string[] = []
  intake.hand(() => void steps.push('reset'))
  intake.hand('a')
  intake.hand('b')
  intake.hand('c')
  expect(intake.items.length).toBe(2)
  gates.ready = true
  intake.process(true)
  expect(steps).toEqual(['reset'])
  expect(decided).toEqual(['c'])
  expect(config.dropped).toHaveBeenCalledTimes(1)
  expect(config.dropped).toHaveBeenCalledWith(2)
})

test('waits while events may not be decided, and while processing may not go on', async () => {
  const { intake, decided, gates } = intakeOf(10, { ready: false, open: false })
  intake.hand('a')
  await Promise.resolve()
  expect(decided).toEqual([])
  expect(intake.busy).toBe(false)
  gates.ready = true
  intake.schedule()
  await Promise.resolve()
  // Ready, but not open (consent changed, delivery stopped): still waiting.
  expect(decided).toEqual([])
  gates.open = true
  intake.process()
  expect(decided).toEqual(['a'])
})

test('clear() drops what waits and the drop count', () => {
  const { intake, decided, config } = intakeOf(1, { ready: false, open: true })
  intake.hand('a')
  intake.hand('b')
  intake.clear()
  intake.process(true)
  expect(intake.items).toEqual([])
  expect(decided).toEqual([])
  expect(config.dropped).not.toHaveBeenCalled()
})
