/**
 * Reads the corpus's step syntax (./README.md) into steps a player can run. Only syntax: nothing
 * here knows about phases or the engine.
 */

export type CorpusStep =
  | { kind: 'page'; path: string; label: Label }
  | { kind: 'track'; name: string; props: Record<string, unknown>; label: Label }
  | { kind: 'identify'; userId: string; traits: Record<string, unknown>; label: Label }
  | { kind: 'wait'; ms: number }

export interface Label {
  phase: string
  /** false for a label marked `?`: a careful marketer could name the neighbouring phase. */
  clear: boolean
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 }

/** One step of the corpus syntax, parsed; throws on a malformed step (a corpus mistake). */
export function parseStep(step: string): CorpusStep {
  if (step === 'new session') return { kind: 'wait', ms: 31 * UNITS.m! }
  const wait = /^wait (\d+)([mhd])$/.exec(step)
  if (wait) return { kind: 'wait', ms: Number(wait[1]) * UNITS[wait[2]!]! }
  const cut = step.lastIndexOf(' > ')
  if (cut < 0) throw new Error(`no label: ${step}`)
  const text = step.slice(cut + 3).trim()
  const label: Label = { phase: text.replace(/\?$/, ''), clear: !text.endsWith('?') }
  const body = step.slice(0, cut)
  const verb = body.slice(0, body.indexOf(' '))
  let rest = body.slice(verb.length + 1)
  let name: string
  if (rest.startsWith('"')) {
    const end = rest.indexOf('"', 1)
    name = rest.slice(1, end)
    rest = rest.slice(end + 1).trim()
  } else {
    const space = rest.indexOf(' ')
    name = space < 0 ? rest : rest.slice(0, space)
    rest = space < 0 ? '' : rest.slice(space + 1).trim()
  }
  const props = rest ? (JSON.parse(rest) as Record<string, unknown>) : {}
  if (verb === 'page') return { kind: 'page', path: name, label }
  if (verb === 'track') return { kind: 'track', name, props, label }
  if (verb === 'identify') return { kind: 'identify', userId: name, traits: props, label }
  throw new Error(`unknown step: ${step}`)
}
