/**
 * Plays the labelled corpus (./corpus) through the public API, `createJourney` with `page()`,
 * `track()` and `identify()` on a fake clock, and measures how often the phase each event carries
 * agrees with its label. Used by the unit test that guards the aim and by
 * `scripts/phase-agreement.mjs`, which prints the report.
 */
import { IDBFactory } from 'fake-indexeddb'
import { vi } from 'vitest'
import { b2b } from '../../src/b2b'
import { createJourney } from '../../src/journey'
import { forgetJourneys } from '../helpers/instances'
import { phasePresets } from '../../src/phases'
import type { Batch, JourneyEvent } from '../../src/types'
import { corpus, type CorpusFile, type LabelledJourney } from './corpus'
import { heldOut } from './corpus/held-out'
import { parseStep } from './corpus/steps'

/** One labelled step and what the SDK said. */
export interface Outcome {
  journey: string
  preset: CorpusFile['preset']
  language: CorpusFile['language']
  step: string
  label: string
  clear: boolean
  /** The phase the event carried when it reached the endpoint. */
  got: string
  /** Whether this is the journey's last labelled step. */
  last: boolean
  /** From the held-out journeys (./corpus/held-out.ts), reported on their own. */
  heldOut: boolean
}

const START = Date.parse('2026-03-02T09:00:00.000Z')
const MINUTE = 60_000

/** Plays one journey in a fresh browser profile; returns every labelled step's outcome. */
export async function playJourney(file: CorpusFile, journey: LabelledJourney, isHeldOut = false): Promise<Outcome[]> {
  globalThis.indexedDB = new IDBFactory()
  localStorage.clear()
  // A new profile is a new page too: no journey of the previous visitor to succeed, no id of theirs.
  forgetJourneys()
  history.replaceState(null, '', '/')
  const delivered: JourneyEvent[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      delivered.push(...(JSON.parse(String(init.body)) as Batch).events)
      return new Response(null, { status: 204 })
    }),
  )
  vi.useFakeTimers({ toFake: ['Date'] })
  let now = START
  vi.setSystemTime(now)
  const sdk = createJourney({ endpoint: 'https://collect.example/e', phases: file.preset === 'b2b' ? b2b : file.preset, flushInterval: 3_600_000, batchSize: 100 })
  const labelled: Array<{ step: string; label: string; clear: boolean }> = []
  try {
    for (const text of journey.steps) {
      const step = parseStep(text)
      if (step.kind === 'wait') {
        now += step.ms
        continue
      }
      vi.setSystemTime((now += MINUTE))
      if (step.kind === 'page') {
        history.pushState(null, '', step.path)
        sdk.page()
      } else if (step.kind === 'track') sdk.track(step.name, step.props)
      else sdk.identify(step.userId, step.traits)
      labelled.push({ step: text, label: step.label.phase, clear: step.label.clear })
    }
    const touchpoints = () => delivered.filter((event) => event.name !== 'phase_change')
    await vi.waitFor(async () => {
      await sdk.flush()
      if (touchpoints().length < labelled.length) throw new Error(`${journey.id}: ${touchpoints().length} of ${labelled.length} delivered`)
    }, { timeout: 30_000 }) // a shared, loaded machine: wait on the condition, not a short time
    const events = touchpoints().sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp))
    return labelled.map((step, index) => ({
      journey: journey.id,
      preset: file.preset,
      language: file.language,
      ...step,
      got: events[index]!.phase,
      last: index === labelled.length - 1,
      heldOut: isHeldOut,
    }))
  } finally {
    sdk.destroy()
    vi.useRealTimers()
    vi.unstubAllGlobals()
  }
}

/** Plays the whole corpus, then the held-out journeys, journey after journey. */
export async function playCorpus(): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (const file of corpus) for (const journey of file.journeys) outcomes.push(...(await playJourney(file, journey)))
  for (const file of heldOut) for (const journey of file.journeys) outcomes.push(...(await playJourney(file, journey, true)))
  return outcomes
}

/** Agreement of one group of outcomes. */
export interface Agreement {
  group: string
  journeys: number
  steps: number
  agreed: number
  clearSteps: number
  clearAgreed: number
  finals: number
  finalsAgreed: number
  /** Steps where the SDK put the visitor in a later phase than the label. */
  ahead: number
  /** Steps where the SDK put the visitor in an earlier phase than the label. */
  behind: number
}

const order = (preset: Outcome['preset']): string[] => phasePresets[preset].phases

export function agreement(group: string, outcomes: Outcome[]): Agreement {
  const ranked = (outcome: Outcome) => {
    const phases = order(outcome.preset)
    return phases.indexOf(outcome.got) - phases.indexOf(outcome.label)
  }
  return {
    group,
    journeys: new Set(outcomes.map((o) => o.journey)).size,
    steps: outcomes.length,
    agreed: outcomes.filter((o) => o.got === o.label).length,
    clearSteps: outcomes.filter((o) => o.clear).length,
    clearAgreed: outcomes.filter((o) => o.clear && o.got === o.label).length,
    finals: outcomes.filter((o) => o.last).length,
    finalsAgreed: outcomes.filter((o) => o.last && o.got === o.label).length,
    ahead: outcomes.filter((o) => ranked(o) > 0).length,
    behind: outcomes.filter((o) => ranked(o) < 0).length,
  }
}

/**
 * The groups the aim is set for: each preset, each language, and the whole corpus; with
 * `held` the same groups of the held-out journeys.
 */
export function agreements(outcomes: Outcome[], held = false): Agreement[] {
  outcomes = outcomes.filter((o) => o.heldOut === held)
  const groups: Array<[string, (o: Outcome) => boolean]> = [
    ['default preset', (o) => o.preset === 'default'],
    ['b2b preset', (o) => o.preset === 'b2b'],
    ['English', (o) => o.language === 'en'],
    ['German', (o) => o.language === 'de'],
    ['default, English', (o) => o.preset === 'default' && o.language === 'en'],
    ['default, German', (o) => o.preset === 'default' && o.language === 'de'],
    ['b2b, English', (o) => o.preset === 'b2b' && o.language === 'en'],
    ['b2b, German', (o) => o.preset === 'b2b' && o.language === 'de'],
    ['all', () => true],
  ]
  return groups.map(([name, keep]) => agreement(name, outcomes.filter(keep)))
}

const percent = (part: number, whole: number): string => (whole ? ((100 * part) / whole).toFixed(1) + ' %' : '—')

/** The report `scripts/phase-agreement.mjs` prints: agreement per group, the confusion tables, the misses. */
export function render(outcomes: Outcome[]): string {
  const lines: string[] = []
  const row = (cells: Array<string | number>, widths: number[]) => cells.map((cell, i) => String(cell).padEnd(widths[i]!)).join('  ').trimEnd()
  const widths = [18, 8, 16, 16, 16, 6, 6]
  const table = (held: boolean) => {
  lines.push(row([held ? 'held out' : 'group', 'journeys', 'steps', 'clear steps', 'final phase', 'ahead', 'behind'], widths))
  for (const a of agreements(outcomes, held)) {
    lines.push(
      row(
        [
          a.group,
          a.journeys,
          `${percent(a.agreed, a.steps)} of ${a.steps}`,
          `${percent(a.clearAgreed, a.clearSteps)} of ${a.clearSteps}`,
          `${percent(a.finalsAgreed, a.finals)} of ${a.finals}`,
          a.ahead,
          a.behind,
        ],
        widths,
      ),
    )
  }
  }
  table(false)
  lines.push('')
  table(true)
  for (const preset of ['default', 'b2b'] as const) {
    const phases = order(preset)
    const mine = outcomes.filter((o) => o.preset === preset && !o.heldOut)
    const w = [14, ...phases.map((p) => Math.max(5, p.length))]
    lines.push('', `confusion, ${preset} preset, corpus (rows: label, columns: the SDK's phase)`, row(['', ...phases], w))
    for (const label of phases) {
      lines.push(row([label, ...phases.map((got) => mine.filter((o) => o.label === label && o.got === got).length || '·')], w))
    }
  }
  const misses = outcomes.filter((o) => o.got !== o.label)
  lines.push('', `steps where the SDK differs from the label (${misses.length}; ? = debatable label):`)
  for (const o of misses) lines.push(`  ${o.journey.padEnd(15)} ${o.step.slice(0, o.step.lastIndexOf(' > ')).padEnd(70)} label ${o.label}${o.clear ? '' : '?'}, SDK ${o.got}`)
  return lines.join('\n')
}
