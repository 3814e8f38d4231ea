/**
 * What every script-tag build does: creates `window.journey` from the script tag's `data-*`
 * attributes with the default touchpoints and phase model, then replays the calls the inline
 * stub queued before the file loaded. `extend` adds what only one build knows (a wire format).
 */
import { createJourney } from '../journey'
import { defaults } from '../touchpoints'
import type { Journey, JourneyOptions } from '../types'
import { findOwnScript, optionsFromScript } from './config'

type QueuedCall = [method: string, args: ArrayLike<unknown>]
type JourneyGlobal = Window & { journey?: Journey | { q?: QueuedCall[] } }

export function install(extend?: (options: JourneyOptions, script: HTMLScriptElement) => void): void {
  const global = window as JourneyGlobal
  const existing = global.journey as { q?: QueuedCall[] } | undefined
  // Loaded twice: keep the first, like the stub does.
  if (existing && !Array.isArray(existing.q) && typeof (existing as Journey).track === 'function') return
  const script = findOwnScript()
  if (!script) {
    console.error('[journeykit] No <script data-endpoint="…"> found: add data-endpoint to the journeykit script tag.')
    return
  }
  const queued = existing?.q ?? []
  const options = optionsFromScript(script)
  // A consent call the page queued before this file loaded is the visitor's answer: start as
  // 'pending' so the first automatic page view waits for it in memory instead of being decided
  // (and, under a privacy signal, dropped) before the replay below reaches it.
  if (options.consent !== 'denied' && queued.some(([method]) => method === 'consent')) options.consent = 'pending'
  let journey: Journey
  try {
    extend?.(options, script)
    journey = createJourney({ ...options, touchpoints: defaults() })
  } catch (error) {
    // A set-up mistake in the tag: say so, leave the stub in place (its calls stay harmless).
    console.error((error as Error).message)
    return
  }
  global.journey = journey
  for (const [method, args] of queued) {
    const call = (journey as unknown as Record<string, (...a: unknown[]) => unknown>)[method]
    if (typeof call === 'function') call.apply(journey, Array.from(args))
  }
}
