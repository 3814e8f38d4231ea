/**
 * Where problems go: a prefixed console message once per kind (so a loop of bad calls does not
 * flood the console) and `onError` every time. Nothing here throws.
 */
import type { ErrorCode, JourneyError } from './types'

/** (Members written `_name_`: the build shortens them. Touchpoints get `warn` through their context.) */
export interface Reporter {
  /**
   * Reports a problem: console once per `code`, `onError` every time. Call sites pass the text as
   * `__DEV__ && '…'`: the production build keeps only the code, which then is the message too.
   */
  _warn_(code: ErrorCode, message: string | false, detail?: Omit<JourneyError, 'code' | 'message'>): void
  /** Logs when `debug` is on. */
  _debug_(...args: unknown[]): void
}

const PREFIX = '[journeykit]'

export function createReporter(onError?: (error: JourneyError) => void, debugOn?: boolean): Reporter {
  const warned = new Set<ErrorCode>()
  // An onError that tracks (or warns) again is not called again from inside itself: that would
  // recurse without end.
  let reporting = false
  return {
    _warn_(code, text, detail) {
      const message = text || code
      if (!warned.has(code) || debugOn) {
        warned.add(code)
        console.warn(`${PREFIX} ${message}`)
      }
      if (onError && !reporting) {
        reporting = true
        try {
          onError({ code, message, ...detail })
        } catch {
          // A throwing onError must not break capture or delivery.
        } finally {
          reporting = false
        }
      }
    },
    _debug_: debugOn ? (...args) => console.debug(PREFIX, ...args) : () => {},
  }
}

/** A value as a message shows it: a string quoted (its start only), anything else by its type. */
export function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value
}
