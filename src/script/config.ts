/**
 * Reads the script tag's `data-*` attributes into options: the design's option names in kebab
 * case (`data-endpoint`, `data-batch-size`, `data-flush-interval`, `data-max-queue-size`,
 * `data-session-timeout`, `data-consent`, `data-privacy-signals`, `data-phases`,
 * `data-redact-params` (comma-separated), `data-debug`).
 */
import type { ConsentState, JourneyOptions } from '../types'

function number(value: string | undefined): number | undefined {
  // An unreadable number becomes NaN, which createJourney refuses with a clear message.
  return value === undefined || value === '' ? undefined : Number(value)
}

export function optionsFromScript(script: HTMLScriptElement): JourneyOptions {
  const data = script.dataset
  return {
    endpoint: data.endpoint ?? '',
    batchSize: number(data.batchSize),
    flushInterval: number(data.flushInterval),
    maxQueueSize: number(data.maxQueueSize),
    sessionTimeout: number(data.sessionTimeout),
    consent: data.consent as ConsentState | undefined,
    privacySignals: data.privacySignals as JourneyOptions['privacySignals'],
    phases: data.phases as JourneyOptions['phases'],
    redactParams: data.redactParams ? data.redactParams.split(',').map((name) => name.trim()) : undefined,
    debug: data.debug !== undefined && data.debug !== 'false',
  }
}

/**
 * The script element that loaded journeykit. `document.currentScript` can be clobbered by an
 * element named "currentScript", so it is trusted only when it really is a script element.
 */
export function findOwnScript(): HTMLScriptElement | undefined {
  const current = document.currentScript
  if (current instanceof HTMLScriptElement && current.dataset.endpoint !== undefined) return current
  const tagged = document.querySelector('script[data-endpoint][src*="journeykit"]')
  return tagged instanceof HTMLScriptElement ? tagged : undefined
}
