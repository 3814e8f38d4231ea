/**
 * Checks the options once, at `createJourney`: a set-up mistake throws a clear error there,
 * so that nothing needs to throw later on the capture path.
 */
import type { ConsentState, JourneyOptions } from './types'

/** The options that may stay undefined once resolved. */
type Optional = 'phases' | 'beforeSend' | 'onError' | 'headers' | 'redactParams' | 'format'

/** The options with every default filled in. */
type Resolved = Required<Omit<JourneyOptions, Optional>> & Pick<JourneyOptions, Optional>

/**
 * The options with every default filled in, each key written `_name_`: the build shortens such
 * names (tsup.config.ts `mangleProps`), and the journey reads them often. Not public.
 */
export type ResolvedOptions = { readonly [Key in keyof Resolved as `_${Key}_`]: Resolved[Key] }

export const CONSENT_STATES: readonly ConsentState[] = ['granted', 'denied', 'pending']

/**
 * Throws the set-up error for `option`. The text is passed as `__DEV__ && '…'`: the production
 * build keeps only the option's name and where the README explains it.
 */
function fail(option: string, text: string | false): never {
  throw new Error(`[journeykit] createJourney: ${text || `\`${option}\` is invalid; see the README's Options (the development build says more)`}`)
}

/** Resolves `endpoint` against the page and refuses what cannot be a safe collector URL. */
export function resolveEndpoint(endpoint: unknown): string {
  if (typeof endpoint !== 'string' || !endpoint.trim()) {
    fail('endpoint', __DEV__ && '`endpoint` is required: the URL batches are POSTed to, e.g. "/collect" or "https://collect.example.com/e"')
  }
  let url: URL
  try {
    // On the server there is no page to resolve a path against; any origin will do to check it.
    url = new URL(endpoint.trim(), typeof location === 'undefined' ? 'http://localhost/' : location.href)
  } catch {
    fail('endpoint', __DEV__ && `\`endpoint\` "${endpoint}" is not a URL; use an absolute http(s) URL or a path on this site`)
  }
  if (!/^https?:$/.test(url.protocol)) {
    fail('endpoint', __DEV__ && `\`endpoint\` must use http or https, not "${url.protocol}"`)
  }
  if (url.username || url.password) {
    fail('endpoint', __DEV__ && '`endpoint` must not contain a user name or password: they would be sent with every request')
  }
  return url.href
}

function positiveInteger(options: JourneyOptions, name: keyof JourneyOptions, fallback: number, min = 1): number {
  const value = options[name]
  if (value === undefined) return fallback
  // Number.isInteger is false for anything that is not a number (a string of digits too).
  if (!Number.isInteger(value) || (value as number) < min) {
    fail(name, __DEV__ && `\`${name}\` must be a whole number of at least ${min}, got ${JSON.stringify(value)}`)
  }
  return value as number
}

function optionalFunction<T>(options: JourneyOptions, name: keyof JourneyOptions): T {
  const value = options[name]
  if (!__SCRIPT_TAG__ && value !== undefined && typeof value !== 'function') fail(name, __DEV__ && `\`${name}\` must be a function`)
  return value as T
}

/**
 * Checks the options. The checks marked `!__SCRIPT_TAG__` look at what only code can pass: the
 * script tag builds its options itself, from `data-*` strings (src/script/config.ts) and its own
 * touchpoints and format, so its build leaves them out; the checks of what a `data-*` attribute
 * sets (the endpoint, numbers, consent, privacySignals) stay.
 */
export function resolveOptions(options: JourneyOptions): ResolvedOptions {
  if (!__SCRIPT_TAG__ && (!options || typeof options !== 'object')) fail('options', __DEV__ && 'pass an options object with at least `endpoint`')
  const consent = options.consent ?? 'granted'
  if (!CONSENT_STATES.includes(consent)) fail('consent', __DEV__ && `\`consent\` must be one of ${CONSENT_STATES.join(', ')}`)
  const privacySignals = options.privacySignals ?? 'respect'
  if (privacySignals !== 'respect' && privacySignals !== 'ignore') fail('privacySignals', __DEV__ && '`privacySignals` must be "respect" or "ignore"')
  const touchpoints = options.touchpoints ?? []
  if (!__SCRIPT_TAG__ && (!Array.isArray(touchpoints) || touchpoints.some((plugin) => !plugin || typeof plugin.name !== 'string'))) {
    fail('touchpoints', __DEV__ && '`touchpoints` must be an array of touchpoints, e.g. defaults() or [pageViews(), forms()]')
  }
  const headers = options.headers
  if (!__SCRIPT_TAG__ && headers !== undefined && (!headers || typeof headers !== 'object' || Object.values(headers).some((v) => typeof v !== 'string'))) {
    fail('headers', __DEV__ && '`headers` must be an object of string values')
  }
  const redactParams = options.redactParams
  if (!__SCRIPT_TAG__ && redactParams !== undefined && (!Array.isArray(redactParams) || redactParams.some((r) => typeof r !== 'string' && !(r instanceof RegExp)))) {
    fail('redactParams', __DEV__ && '`redactParams` must be an array of parameter names or regular expressions')
  }
  return Object.freeze({
    _endpoint_: resolveEndpoint(options.endpoint),
    _touchpoints_: [...touchpoints],
    _phases_: options.phases,
    _batchSize_: positiveInteger(options, 'batchSize', 50),
    _flushInterval_: positiveInteger(options, 'flushInterval', 5000, 0),
    _maxQueueSize_: positiveInteger(options, 'maxQueueSize', 10_000),
    _sessionTimeout_: positiveInteger(options, 'sessionTimeout', 30 * 60_000),
    _consent_: consent,
    _privacySignals_: privacySignals,
    // A copy: the caller's object may change later. (A format adds its own headers under these.)
    _headers_: headers && { ...headers },
    _format_: __WIRE_FORMAT__ ? optionalFunction<JourneyOptions['format']>(options, 'format') : undefined,
    _redactParams_: redactParams && [...redactParams],
    _beforeSend_: optionalFunction<JourneyOptions['beforeSend']>(options, 'beforeSend'),
    _onError_: optionalFunction<JourneyOptions['onError']>(options, 'onError'),
    _debug_: options.debug === true,
  })
}
