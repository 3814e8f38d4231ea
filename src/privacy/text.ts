/**
 * Text hygiene: the page title goes out with every event, and pages put in it what they put in
 * URLs ("Inbox – ann@example.com", "Reset password · <token>"). `scrubText` applies the URL rules
 * to each word of a text.
 */
import { scrubUrl, secretShaped } from './url'

/** A URL written inside a text. */
const URL_IN_TEXT = /[a-z][\w+.-]*:\/\/\S+/i
/** Brackets, quotes and punctuation around a word, which are not part of what it says. */
const AROUND = /^([([{<"'«“‘]*)(.*?)([)\]}>"'»”’.,;:!?]*)$/u

/**
 * Returns `text` with every word that is an e-mail address (under any top-level domain), a JWT or
 * token-shaped replaced by `redacted`, and every URL in it scrubbed by {@link scrubUrl} (with the
 * given URL scrubber: the site's `redactParams` apply). Spacing and punctuation stay as they were.
 * Never throws.
 *
 * @example
 * scrubText('Inbox (3) – ann@example.com') // → 'Inbox (3) – redacted'
 */
export function scrubText(text: string, scrub: (url: string) => string = scrubUrl): string {
  return text.replace(/\S+/g, (word) => {
    const [, before, core, after] = AROUND.exec(word)!
    const url = URL_IN_TEXT.exec(core!)
    if (url) return before + core!.slice(0, url.index) + (scrub(url[0]) || 'redacted') + after
    return secretShaped(core!) ? before + 'redacted' + after : word
  })
}
