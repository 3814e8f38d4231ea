/**
 * URL hygiene: every URL and referrer journeykit records goes through `scrubUrl` before it is
 * stored or sent. The rules are in the README ("URL hygiene").
 */

/** Campaign parameters and ad click ids are what attribution needs: always kept. */
const KEEP = /^(utm_[a-z_]+|gclid|gbraid|wbraid|dclid|gclsrc|fbclid|msclkid|ttclid|li_fat_id|twclid|rdt_cid|epik|qclid|sccid|irclid|igshid|yclid|ko_click_id|mc_cid|mc_eid_?)$/i

/** Parameter names that carry credentials or identity. */
const SECRET_NAME =
  /(^|[_.-])(e-?mail|mail|token|access|auth|code|state|pass(word)?|passwd|pwd|secret|session|sess|sid|jsessionid|phpsessid|key|apikey|signature|sig|otp|nonce|ssn|card|cc|cvv|iban|phone|tel)([_.-]|$)|token|password|secret|session|apikey|api_key|email/i

const EMAIL = /[^\s@/?#&=]+(@|%40)[^\s@/?#&=]+\.[a-z]{2,}/i
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.?/
/** A long run of letters and digits with no word shape: a token, hash or id worth hiding. */
const OPAQUE = /^(?=.*\d)[A-Za-z0-9_\-+/=.~%]{24,}$/

function looksSecret(name: string, value: string, extra: Array<string | RegExp> | undefined): boolean {
  if (KEEP.test(name)) return false
  if (extra && extra.some((rule) => (typeof rule === 'string' ? rule === name : rule.test(name)))) return true
  return SECRET_NAME.test(name) || EMAIL.test(value) || EMAIL.test(name) || JWT.test(value) || OPAQUE.test(value)
}

/**
 * Returns `url` with its user name, password, secret-looking query parameters and token-carrying
 * fragment removed. `extra` names more parameters to remove. A string that is not a URL is
 * returned scrubbed as far as it can be read, never thrown on.
 */
export function scrubUrl(url: string, extra?: Array<string | RegExp>): string {
  if (!url) return ''
  let parsed: URL
  try {
    parsed = new URL(url, typeof location === 'undefined' ? undefined : location.href)
  } catch {
    return EMAIL.test(url) || JWT.test(url) ? '' : url
  }
  parsed.username = ''
  parsed.password = ''
  const params = parsed.searchParams
  const names = [...new Set([...params.keys()])]
  for (const name of names) {
    if (params.getAll(name).some((value) => looksSecret(name, value, extra))) params.delete(name)
  }
  // Hash routes (`#/pricing`) stay; fragments carrying values (`#access_token=…`) go.
  const hash = parsed.hash
  if (hash && (hash.includes('=') || EMAIL.test(hash) || JWT.test(hash))) parsed.hash = ''
  // Path segments that are e-mail addresses or tokens (magic links) are replaced.
  parsed.pathname = parsed.pathname
    .split('/')
    .map((segment) => (EMAIL.test(segment) || JWT.test(segment) ? 'redacted' : segment))
    .join('/')
  return parsed.href
}
