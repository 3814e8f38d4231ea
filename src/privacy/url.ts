/**
 * URL hygiene: every URL and referrer journeykit records goes through `scrubUrl` before it is
 * stored or sent. The rules are in the README ("URL hygiene"); test/privacy/url.test.ts holds
 * the corpus they are checked against.
 */

/** Campaign parameters and ad click ids are what attribution needs: kept byte for byte. */
const KEEP = /^(utm_\w+|gclid|gbraid|wbraid|dclid|gclsrc|gad_source|fbclid|msclkid|ttclid|li_fat_id|twclid|rdt_cid|epik|qclid|sccid|irclid|igshid|yclid|ko_click_id|mc_cid|mc_eid|_kx)$/i

/**
 * Parameter names that carry credentials or identity, looked for in two ways:
 * - `SECRET_PART`, anywhere in the name with case and separators taken out (`user_email`,
 *   `accessToken`, `X-Amz-Credential`, `userpass`, `cardnumber`);
 * - `SECRET_WORD`, as a whole word of the name, where words are split at separators, digits and
 *   camelCase humps (`key` in `api-key`, `authKey` and `AWSAccessKeyId`, not in `keyword`;
 *   `pass` in `userPass`, not in `compass`; `cc` in `cc-number`);
 * and `SECRET_WHOLE`, only as the whole name (OAuth's `code` and `state`, not `promo_code` or
 * `country_state`).
 */
const SECRET_PART =
  /email|token|passw|passcode|passphrase|passkey|userpass|secret|session|sessid|apikey|authkey|credential|authcode|authoriz|signature|jwt|saml|cardnum|ccnum|creditcard|debitcard|securitycode|socialsecurity|birthdate|dateofbirth|firstname|lastname|fullname|givenname|familyname|surname/
const SECRET_WORD =
  /^(mail|auth|pass|passport|pw|pwd|pword|passwd|pin|key|sig|hmac|otp|totp|mfa|nonce|csrf|xsrf|ssn|card|cc|ccv|csc|cvv|cvc|cvn|iban|phone|tel|mobile|magic|ticket|verifier|bearer|assertion|sid|sess|user|username|login|dob)$/
const SECRET_WHOLE = /^(code|state)$/

/** Whether a parameter name says that its value is a credential or identifies someone. */
function secretName(name: string): boolean {
  const lower = name.toLowerCase()
  if (SECRET_WHOLE.test(lower) || SECRET_PART.test(lower.replace(/[^a-z\d]/g, ''))) return true
  // `userPass` → user pass, `AWSAccessKeyId` → aws access key id, `cvv2` → cvv
  const words = name
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
  return words.some((word) => SECRET_WORD.test(word))
}

/**
 * An e-mail address. The top-level domain may be in any script (`.рф`, `.中国`, `.भारत`, with
 * their combining marks), as internationalised addresses are.
 */
const EMAIL = /[^\s@/?#&=:;]+(@|%40)[^\s@/?#&=:;]+\.[\p{L}\p{M}]{2,}/iu
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
export const secretShaped = (text: string): boolean => EMAIL.test(text) || JWT.test(text) || OPAQUE.test(text)

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
    secretName(name) ||
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

/**
 * A path with e-mail, JWT and token segments (magic and reset links) and secret `;params`
 * removed. A segment that holds `name=value` pairs (`/cb/access_token=…&token_type=Bearer`, as
 * some routers write an implicit-flow answer) has its secret pairs removed like a query's.
 */
const scrubPath = (path: string, extra?: Array<string | RegExp>): string =>
  path
    .split('/')
    .map((segment) => {
      const [raw, ...params] = segment.split(';')
      const head = raw!.includes('=') ? raw!.split('&').filter((pair) => !pair || keep(pair, extra)).join('&') : raw!
      const name = decode(head)
      // A file name counts with and without its extension (`/s/<token>.pdf`; but `ann@mail.com`
      // without its `.com` no longer looks like an address).
      const secret = secretShaped(name) || secretShaped(name.replace(/\.\w{1,5}$/, ''))
      return [secret ? 'redacted' : head, ...params.filter((pair) => keep(pair, extra))].join(';')
    })
    .join('/')

/**
 * A fragment (without `#`). A hash route (`/pricing`, `!/plans?tab=2`) stays, its path and query
 * scrubbed like a URL's, and a fragment after it (`#/callback#access_token=…`) scrubbed again;
 * any other fragment goes when it carries values (`access_token=…`, `:~:text=…`), an e-mail
 * address, a JWT or a token.
 */
function scrubFragment(hash: string, extra?: Array<string | RegExp>): string {
  if (!/^!?\//.test(hash)) return /=/.test(hash) || secretShaped(decode(hash)) ? '' : hash
  const inner = hash.indexOf('#')
  const route = inner < 0 ? hash : hash.slice(0, inner)
  const fragment = inner < 0 ? '' : scrubFragment(hash.slice(inner + 1), extra)
  const at = route.indexOf('?')
  const query = at < 0 ? '' : scrubQuery(route.slice(at + 1), extra)
  return scrubPath(at < 0 ? route : route.slice(0, at), extra) + (query && '?' + query) + (fragment && '#' + fragment)
}

/**
 * Returns `url` without what could identify or authenticate someone:
 * - the user name and password (`https://user:pass@host/`);
 * - query parameters whose name says password, secret, credential, key, session, card, e-mail,
 *   phone, user or OAuth `code`/`state` (also camelCase or short: `pw`, `userPass`, `authKey`,
 *   `cardNumber`, `cc-number`), or whose value is an e-mail (under any top-level domain, `.рф`
 *   too), a JWT, a token-shaped string or a URL carrying such a parameter; plus the names or
 *   patterns in `extra` (the `redactParams` option);
 * - path segments that are an e-mail, a JWT or token-shaped (replaced by `redacted`), and secret
 *   `name=value` pairs inside a segment (`/cb/access_token=…&token_type=Bearer`);
 * - a fragment that carries values (`#access_token=…`, `#:~:text=…`), an e-mail or a JWT; hash
 *   routes (`#/pricing`, `#!/plans?tab=2`) stay, scrubbed like a path and query, so an
 *   implicit-flow answer after one (`#/access_token=…`) goes too.
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
  parsed.hash = scrubFragment(parsed.hash.slice(1), extra)
  const href = parsed.href.replace(/[?#]$/, '')
  // What cannot be taken apart (an opaque `mailto:ann@…`) is not kept if it still gives someone away.
  return EMAIL.test(decode(href)) || JWT.test(href) ? '' : href.replace(RELATIVE, '')
}
