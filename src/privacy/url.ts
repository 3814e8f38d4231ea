/**
 * URL hygiene: every URL and referrer journeykit records goes through `scrubUrl` before it is
 * stored or sent. The rules are in the README ("URL hygiene"); test/privacy/url.test.ts holds
 * the corpus they are checked against.
 */

/** Campaign parameters and ad click ids are what attribution needs: kept byte for byte. */
const KEEP = /^(utm_\w+|gclid|gbraid|wbraid|dclid|gclsrc|gad_source|fbclid|msclkid|ttclid|li_fat_id|twclid|rdt_cid|epik|qclid|sccid|irclid|igshid|yclid|ko_click_id|mc_cid|mc_eid|_kx)$/i

/**
 * Parameter names that carry credentials or identity. The first group matches anywhere in the
 * name (`user_email`, `accessToken`); the second only as a whole word between separators
 * (`key` and `api-key`, not `keyword`); the third only as the whole name (OAuth's `code` and
 * `state`, not `promo_code` or `country_state`).
 */
// Marked pure: an unused `new RegExp` at the top of a module would stay in every bundle.
const SECRET_NAME = /* @__PURE__ */ new RegExp(
  'e[-_]?mail|token|passw|secret|session|sessid|api_?key|credential|auth_?code|signature|jwt|saml|' +
    '(^|[^a-z])(mail|auth|pass|pwd|key|sig|hmac|otp|nonce|csrf|xsrf|ssn|card|cvv|cvc|iban|phone|tel|mobile|magic|ticket|verifier|bearer|assertion|sid|sess|user(name)?|login|pin|(first|last|full)_?name)([^a-z]|$)|' +
    '^(code|state)$',
  'i',
)

const EMAIL = /[^\s@/?#&=:;]+(@|%40)[^\s@/?#&=:;]+\.[a-z]{2,}/i
const JWT = /eyJ[\w-]{6,}\.[\w-]{6,}/
/**
 * A token, key or hash: 22+ characters with digits and both letter cases (base64 secrets), or
 * 32+ hex digits (hashes, UUIDs). Slugs (`my-post-2024`) and words have neither shape.
 */
const OPAQUE = /^(?=.*\d)(?=.*[a-z])(?=.*[A-Z])[\w+/-]{22,}=*$|^(?=.*\d)[a-f\d-]{32,}$|^(?=.*\d)[A-F\d-]{32,}$/

const RELATIVE = 'http://relative.invalid'

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** An e-mail address, a JWT or a token: never kept, wherever it is. */
const secretShaped = (text: string): boolean => EMAIL.test(text) || JWT.test(text) || OPAQUE.test(text)

/** Whether to keep one `name=value` pair of a query (or a `;name=value` path parameter). */
function keep(pair: string, extra?: Array<string | RegExp>): boolean {
  if (!pair) return false
  const at = pair.indexOf('=')
  const name = decode(at < 0 ? pair : pair.slice(0, at))
  const value = at < 0 ? '' : decode(pair.slice(at + 1))
  // The site's own rules come first: they may remove even a campaign parameter.
  if (extra?.some((rule) => (typeof rule === 'string' ? rule.toLowerCase() === name.toLowerCase() : rule.test(name)))) return false
  // Click ids and utm_* are kept, unless someone put an e-mail address in one.
  if (KEEP.test(name)) return !EMAIL.test(value)
  // A value that is itself a URL or query (`?next=/cb?token=…`) goes when it carries a secret.
  const nested = value.replace(/^[^?#]*[?#]/, '')
  return !(
    SECRET_NAME.test(name) ||
    EMAIL.test(name) ||
    secretShaped(value) ||
    (/[?&#]/.test(value) && scrubQuery(nested) !== nested)
  )
}

/** The query (without `?`) minus the pairs that look secret; the rest stays byte for byte. */
const scrubQuery = (query: string, extra?: Array<string | RegExp>): string =>
  query
    .split('&')
    .filter((pair) => keep(pair, extra))
    .join('&')

/** A path with e-mail, JWT and token segments (magic and reset links) and secret `;params` removed. */
const scrubPath = (path: string, extra?: Array<string | RegExp>): string =>
  path
    .split('/')
    .map((segment) => {
      const [head, ...params] = segment.split(';')
      const name = decode(head!)
      // A file name counts with and without its extension (`/s/<token>.pdf`; but `ann@mail.com`
      // without its `.com` no longer looks like an address).
      const secret = secretShaped(name) || secretShaped(name.replace(/\.\w{1,5}$/, ''))
      return [secret ? 'redacted' : head, ...params.filter((pair) => keep(pair, extra))].join(';')
    })
    .join('/')

/**
 * Returns `url` without what could identify or authenticate someone:
 * - the user name and password (`https://user:pass@host/`);
 * - query parameters whose name says secret, credential, session, e-mail, phone, user or OAuth
 *   `code`/`state`, or whose value is an e-mail, a JWT, a token-shaped string or a URL carrying
 *   such a parameter; plus the names or patterns in `extra` (the `redactParams` option);
 * - path segments that are an e-mail, a JWT or token-shaped (replaced by `redacted`);
 * - a fragment that carries values (`#access_token=…`, `#:~:text=…`), an e-mail or a JWT; hash
 *   routes (`#/pricing`, `#!/plans?tab=2`) stay, scrubbed like a path and query.
 * `utm_*` and ad click ids (`gclid`, `fbclid`, …) stay byte for byte; other kept parameters too.
 * Relative URLs are resolved against the page. A string that is not a URL comes back emptied if
 * it holds an e-mail or a JWT, unchanged otherwise. Never throws.
 *
 * @example
 * scrubUrl('https://shop.example/reset?email=ann%40mail.example&utm_source=news#access_token=x')
 * // → 'https://shop.example/reset?utm_source=news'
 */
export function scrubUrl(url: string, extra?: Array<string | RegExp>): string {
  if (!url) return ''
  let parsed: URL
  try {
    // Off the browser, a relative URL is scrubbed against a placeholder origin that is taken off again.
    parsed = new URL(url, typeof location === 'undefined' ? RELATIVE : location.href)
  } catch {
    return EMAIL.test(url) || JWT.test(url) ? '' : url
  }
  parsed.username = parsed.password = ''
  parsed.pathname = scrubPath(parsed.pathname, extra)
  parsed.search = scrubQuery(parsed.search.slice(1), extra)
  const hash = parsed.hash.slice(1)
  const route = /^!?\//.test(hash) && hash.split('?')
  parsed.hash = route
    ? scrubPath(route[0]!, extra) + (route[1] ? '?' + scrubQuery(route.slice(1).join('?'), extra) : '')
    : /=/.test(hash) || secretShaped(decode(hash))
      ? ''
      : hash
  const href = parsed.href.replace(/[?#]$/, '')
  // What cannot be taken apart (an opaque `mailto:ann@…`) is not kept if it still gives someone away.
  return EMAIL.test(decode(href)) || JWT.test(href) ? '' : href.replace(RELATIVE, '')
}
