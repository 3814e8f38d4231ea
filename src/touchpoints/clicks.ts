/**
 * `clicks()`: outbound links, file downloads, e-mail/phone links, and touchpoints declared in
 * markup with `data-journey`.
 */
import type { Touchpoint, Props } from '../types'
import { isInternal, listeners } from './shared'

/** Options for {@link clicks}. */
export interface ClicksOptions {
  /**
   * Record `outbound_click` for links to other sites.
   * @default true
   */
  outbound?: boolean
  /**
   * File extensions (no dot, any case) whose links are downloads, recorded as `file_download`;
   * `[]` turns downloads off. Otherwise links with a `download` attribute count too.
   * @default DOWNLOAD_EXTENSIONS (documents, spreadsheets, archives, installers, media)
   */
  downloads?: string[]
  /**
   * Record `contact_click` for `mailto:`, `tel:` and `sms:` links (never the address or number).
   * @default true
   */
  contacts?: boolean
  /**
   * Record clicks on elements with `data-journey="event_name"`; their `data-journey-*`
   * attributes become props (`data-journey-plan="pro"` → `{ plan: 'pro' }`, strings).
   * @default true
   */
  markup?: boolean
  /**
   * Hosts that are this site, besides the page's own (their subdomains too): links to them are
   * not outbound.
   * @default []
   */
  internalHosts?: string[]
}

/** The default extensions of {@link ClicksOptions.downloads}. */
export const DOWNLOAD_EXTENSIONS = /* @__PURE__ */ 'pdf doc docx xls xlsx ppt pptx odt ods odp rtf txt csv key pages numbers epub zip rar 7z gz tgz tar bz2 xz dmg exe msi pkg deb rpm apk iso mp3 wav mp4 mov avi mkv webm'.split(
    ' ',
  )

const CONTACT: Record<string, string> = { 'mailto:': 'email', 'tel:': 'phone', 'sms:': 'sms' }

/**
 * Records link and button clicks that mark a step of the journey:
 * - `outbound_click` `{ url }` for a link to another host;
 * - `file_download` `{ url, extension }` for a link to a file (by extension or `download`);
 * - `contact_click` `{ method: 'email' | 'phone' | 'sms' }` for `mailto:`, `tel:` and `sms:` links;
 * - any event declared in markup: `<button data-journey="start_trial" data-journey-plan="pro">`
 *   tracks `start_trial` with `{ plan: 'pro' }`.
 * URLs are scrubbed like every other URL. Middle clicks (open in a new tab) count too.
 *
 * @example
 * createJourney({ endpoint: '/collect', touchpoints: [clicks({ downloads: ['pdf', 'zip'] })] })
 */
export function clicks(options: ClicksOptions = {}): Touchpoint {
  const { outbound = true, downloads = DOWNLOAD_EXTENSIONS, contacts = true, markup = true, internalHosts } = options
  const fileLink = new RegExp(`\\.(${downloads.join('|')})$`, 'i')
  return {
    name: 'clicks',
    setup(ctx) {
      const { on, off } = listeners(ctx, 'clicks')
      on(document, 'click auxclick', (event: MouseEvent) => {
        // auxclick: the middle button; the right one opens a menu, not the link.
        if (event.type === 'auxclick' && event.button !== 1) return
        // The innermost element, also inside a shadow root (event.target is its host out here).
        const target = event.composedPath()[0] as Element
        const declared = markup && target.closest?.('[data-journey]')
        if (declared) {
          const props: Props = {}
          for (const { name, value } of declared.attributes) {
            // data-journey-plan-tier → planTier, as `dataset` names it.
            if (name.startsWith('data-journey-')) props[name.slice(13).replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())] = value
          }
          ctx.track(declared.getAttribute('data-journey')!, props)
        }
        const link = target.closest?.('a[href],area[href]') as HTMLAnchorElement | null
        if (!link) return
        // The attribute, not `.href`: on an SVG <a> that is an SVGAnimatedString, not a URL.
        let url: URL
        try {
          url = new URL(link.getAttribute('href')!, document.baseURI)
        } catch {
          return
        }
        const contact = CONTACT[url.protocol]
        if (contact) {
          if (contacts) ctx.track('contact_click', { method: contact })
          return
        }
        if (!/^https?:$/.test(url.protocol)) return
        const extension = fileLink.exec(url.pathname)?.[1]
        if (downloads.length && (extension || link.hasAttribute('download'))) {
          ctx.track('file_download', { url: ctx.scrubUrl(url.href), extension: extension?.toLowerCase() })
        } else if (outbound && !isInternal(url.hostname, internalHosts)) {
          ctx.track('outbound_click', { url: ctx.scrubUrl(url.href) })
        }
      })
      return off
    },
  }
}
