// The colour of each journey phase, the same on every page and in the flow picture.

// Phase colours: the presets' phases get fixed ones so that a phase looks the same everywhere;
// any other phase gets one from the palette by its name.
const PHASE_COLORS = {
  awareness: '#6366f1',
  consideration: '#0ea5e9',
  decision: '#f59e0b',
  retention: '#10b981',
  advocacy: '#ec4899',
  need: '#8b5cf6',
  research: '#6366f1',
  evaluation: '#0ea5e9',
  negotiation: '#f59e0b',
  onboarding: '#14b8a6',
  expansion: '#84cc16',
}
const PALETTE = ['#6366f1', '#0ea5e9', '#f59e0b', '#10b981', '#ec4899', '#8b5cf6', '#14b8a6', '#ef4444']

/** A phase's colour: fixed for the presets' phases, from the palette by name for any other. */
export function phaseColor(phase) {
  if (PHASE_COLORS[phase]) return PHASE_COLORS[phase]
  let hash = 0
  for (const c of String(phase)) hash = (hash * 31 + c.charCodeAt(0)) >>> 0
  return PALETTE[hash % PALETTE.length]
}

