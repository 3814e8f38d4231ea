/**
 * `campaign()`: where the visitor came from (UTM parameters, ad click ids, the referrer), the
 * marketing channel that makes, and the visitor's first, last and ordered touches.
 */
import type { Campaign, JourneyEvent, Touchpoint } from '../types'
import { isInternal, scrubbedUrl } from './shared'

/** One arrival at the site from somewhere: an entry of the touch history. */
export interface Touch {
  /** The channel, e.g. `organic_search` (see the README's channel rules). */
  channel: string
  /** UTM parameters and the ad click id; `source` falls back to the referring host. */
  campaign: Campaign
  /** The referring host (`www.` removed), when there was one. */
  referrer?: string
  /** The scrubbed path of the page the visitor landed on. */
  landing: string
  /** When it happened (the timestamp of its first event). */
  at: string
}

/** What `campaign()` keeps in the journey state. */
interface Stored {
  first?: Touch
  last?: Touch
  touches: Touch[]
  /** The session the last landing was counted in. */
  session?: string
}

/** Options for {@link campaign}. */
export interface CampaignOptions {
  /**
   * Hosts that are this site, besides the page's own (their subdomains too): a referrer from
   * them is internal navigation, not a new touch.
   * @default []
   */
  internalHosts?: string[]
  /**
   * Events that carry the whole touch history as `context.touches`, for multi-touch
   * attribution downstream.
   * @default ['purchase', 'order_completed', 'signup', 'subscribe']
   */
  conversions?: string[]
  /**
   * Touches kept in the history at most; the oldest go first (the first touch is kept apart).
   * @default 20
   */
  maxTouches?: number
  /**
   * Your own channel rules, asked first: return a channel name, or nothing to fall back to the
   * built-in rules ({@link channelOf}).
   * @example (campaign, referrer) => (campaign.source === 'partner-x' ? 'affiliate' : undefined)
   */
  classify?: (campaign: Campaign, referrer: string) => string | undefined
}

/** The plugin `campaign()` returns: a touchpoint that can also hand out the touch history. */
export interface CampaignPlugin extends Touchpoint {
  /** The visitor's touches so far, oldest first (empty before the journey state is read). */
  touches(): Touch[]
}

/** `utm_<name>` parameters; `utm_campaign` becomes the campaign's `name`. */
const UTM = ['source', 'medium', 'campaign', 'term', 'content', 'id']

/** Ad click ids, in the order they are looked for, and the channel each one implies. */
const CLICK_IDS: Record<string, string> = {
  gclid: 'paid_search',
  gbraid: 'paid_search',
  wbraid: 'paid_search',
  gad_source: 'paid_search',
  msclkid: 'paid_search',
  yclid: 'paid_search',
  dclid: 'display',
  ttclid: 'paid_social',
  li_fat_id: 'paid_social',
  twclid: 'paid_social',
  rdt_cid: 'paid_social',
  sccid: 'paid_social',
  epik: 'paid_social',
  qclid: 'paid_social',
  // Facebook and Instagram add these to every outgoing link, paid or not.
  fbclid: 'organic_social',
  igshid: 'organic_social',
  irclid: 'affiliate',
  mc_cid: 'email',
  _kx: 'email',
}

const SEARCH = /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|naver|qwant|startpage|seznam|sogou|daum|search)(\.|$)/
const SOCIAL =
  /(^|\.)(facebook|fb|instagram|twitter|linkedin|lnkd|pinterest|reddit|tiktok|snapchat|threads|bsky|mastodon|whatsapp|messenger|vk|weibo|tumblr|quora|discord)(\.|$)|^(t\.co|x\.com)$/
const VIDEO = /(^|\.)(youtube|youtu|vimeo|twitch|dailymotion|wistia)(\.|$)/
/** E-mail as a source or medium, and web-mail hosts (`mail.google.com`, Gmail's app). */
const EMAIL = /e[-_ ]?mail|^(mail|outlook)\.|\.gm$/

/**
 * The built-in channel rules, after Google Analytics 4's default channel grouping, for a
 * campaign and the referring host (empty when there is none). Returns one of `direct`,
 * `paid_search`, `paid_social`, `video`, `display`, `paid_other`, `email`, `organic_social`,
 * `organic_search`, `affiliate`, `sms`, `referral`, `unassigned`.
 */
export function channelOf(campaign: Campaign, referrer: string): string {
  const source = (campaign.source || referrer).toLowerCase()
  const medium = (campaign.medium || '').toLowerCase()
  const clickChannel = CLICK_IDS[campaign.clickIdParam as string]
  const is = (sites: RegExp): boolean => sites.test(source) || sites.test(referrer)
  const paid = /cp|ppc|retargeting|^paid/.test(medium)
  if (!source && !medium && !clickChannel) return 'direct'
  if (!medium && clickChannel) return clickChannel
  if (EMAIL.test(source) || EMAIL.test(medium) || EMAIL.test(referrer)) return 'email'
  if (/^(display|banner|expandable|interstitial|cpm)$/.test(medium)) return 'display'
  if (paid) return is(SOCIAL) ? 'paid_social' : is(VIDEO) ? 'video' : is(SEARCH) ? 'paid_search' : 'paid_other'
  if (/affiliate/.test(medium)) return 'affiliate'
  if (source === 'sms' || medium === 'sms') return 'sms'
  if (is(VIDEO) || /video/.test(medium)) return 'video'
  if (is(SOCIAL) || /^(social|social[- ]?(network|media)|sm)$/.test(medium)) return 'organic_social'
  if (is(SEARCH) || medium === 'organic') return 'organic_search'
  return referrer || /^(referral|app|link)$/.test(medium) ? 'referral' : 'unassigned'
}

/**
 * Campaign and channel attribution. Reads UTM parameters (`utm_source`, `utm_medium`,
 * `utm_campaign` as `name`, `utm_term`, `utm_content`, `utm_id`) and ad click ids (`gclid`,
 * `fbclid`, `msclkid`, `ttclid`, …) from the landing URL, classifies the referrer into a channel
 * ({@link channelOf}), and adds to every event's context:
 * - `campaign` and `channel`: the current touch (the last one that was not `direct`, like GA4's
 *   last non-direct click; `direct` only when nothing else is known);
 * - `firstTouch`: the visitor's first touch, kept across sessions;
 * - `touches`: the ordered touch history, on conversion events only (`options.conversions`).
 *
 * A new touch is a landing with campaign tags or from another site, or the first page of a new
 * session; internal navigation and reloads are not. `journey.reset()` forgets all touches.
 *
 * @example
 * const attribution = campaign()
 * const journey = createJourney({ endpoint: '/collect', touchpoints: [pageViews(), attribution] })
 * journey.track('request_quote', { touches: attribution.touches() })
 */
export function campaign(options: CampaignOptions = {}): CampaignPlugin {
  const { internalHosts, conversions = ['purchase', 'order_completed', 'signup', 'subscribe'], maxTouches = 20, classify } = options
  let ctx: Parameters<NonNullable<Touchpoint['setup']>>[0] | undefined
  /** This page's landing, counted by the first event after the journey state is read. */
  let landing: { touch: Omit<Touch, 'at'>; internal: boolean } | undefined
  const slot = () => ctx!.state<Stored>('campaign')

  return {
    name: 'campaign',
    setup(context) {
      ctx = context
      // From the scrubbed URL: a campaign value holding an e-mail address is not kept either.
      const landingUrl = scrubbedUrl(context, location.href)
      const params = landingUrl.searchParams
      const found: Campaign = {}
      for (const key of UTM) {
        const value = params.get('utm_' + key)
        if (value) found[key === 'campaign' ? 'name' : key] = value
      }
      for (const key in CLICK_IDS) {
        const value = params.get(key)
        if (value) {
          found.clickIdParam = key
          found.clickId = value
          break
        }
      }
      let referrer = ''
      try {
        referrer = new URL(document.referrer).hostname.replace(/^www\./, '')
      } catch {
        // no referrer, or one that is not a URL
      }
      const internal = !!referrer && isInternal(referrer, internalHosts)
      if (internal) referrer = ''
      if (referrer && !found.source) found.source = referrer
      const tagged = !!(found.source || found.medium || found.clickId)
      const touch: Omit<Touch, 'at'> = {
        channel: classify?.(found, referrer) || channelOf(found, referrer),
        campaign: found,
        landing: landingUrl.pathname,
      }
      if (referrer) touch.referrer = referrer
      // Internal navigation with no tags says nothing new about where the visitor came from.
      landing = { touch, internal: internal && !tagged }
    },
    enrich(event: JourneyEvent) {
      const stored: Stored = slot().get() ?? { touches: [] }
      if (landing) {
        const { touch, internal } = landing
        landing = undefined
        const session = ctx!.session().id
        const last = stored.last
        const newSession = session !== stored.session
        const direct = touch.channel === 'direct'
        const differs = !last || JSON.stringify([touch.channel, touch.campaign]) !== JSON.stringify([last.channel, last.campaign])
        if (!last || (!internal && (direct ? newSession : newSession || differs))) {
          const counted: Touch = { ...touch, at: event.timestamp }
          stored.first ??= counted
          if (!direct || !last) stored.last = counted
          stored.touches = [...stored.touches, counted].slice(-maxTouches)
        }
        stored.session = session
        slot().set(stored)
      }
      const context = event.context
      if (stored.last) {
        context.campaign = stored.last.campaign
        context.channel = stored.last.channel
        context.firstTouch = stored.first
      }
      if (conversions.includes(event.name)) context.touches = stored.touches
    },
    reset() {
      slot().set(undefined)
    },
    touches: () => [...((ctx && slot().get()?.touches) || [])],
  }
}
