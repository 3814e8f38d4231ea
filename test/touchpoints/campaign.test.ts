import { beforeEach, describe, expect, test } from 'vitest'
import { campaign, channelOf, type CampaignOptions, type Touch } from '../../src/touchpoints/campaign'
import type { Campaign, JourneyEvent } from '../../src/types'
import { event, fakeContext, install, setReferrer } from './context'

/** One page load: the URL and referrer it lands with, then its events through enrich(). */
function land(url: string, referrer: string, fake: ReturnType<typeof fakeContext>, options?: CampaignOptions) {
  history.replaceState(null, '', url)
  setReferrer(referrer)
  const plugin = campaign(options)
  install(plugin, fake)
  const enrich = (overrides: Partial<JourneyEvent> = {}) => {
    const enriched = event(overrides)
    plugin.enrich!(enriched)
    return enriched.context
  }
  return { plugin, enrich }
}

let fake: ReturnType<typeof fakeContext>
beforeEach(() => {
  fake = fakeContext()
})
const touches = () => (fake.store.get('campaign') as { touches: Touch[] } | undefined)?.touches ?? []

describe('campaign(): what lands', () => {
  test('reads UTM parameters into context.campaign and classifies the channel', () => {
    const { enrich } = land(
      '/offer?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_term=shoes&utm_content=hero&utm_id=42&page=2',
      '',
      fake,
    )
    const context = enrich()
    expect(context.campaign).toEqual({ source: 'newsletter', medium: 'email', name: 'spring sale', term: 'shoes', content: 'hero', id: '42' })
    expect(context.channel).toBe('email')
    expect(context.firstTouch).toMatchObject({ channel: 'email', landing: '/offer', campaign: { name: 'spring sale' } })
  })

  test('a campaign value holding an e-mail address is kept nowhere: not in context, not in the stored touches', () => {
    const { enrich } = land('/?utm_source=news&utm_medium=email&utm_content=canary.person%40gmail.com', '', fake)
    const context = enrich()
    expect(context.campaign).toEqual({ source: 'news', medium: 'email' })
    // (context.url comes from this test's fake event; the core scrubs it.)
    expect(JSON.stringify([context.campaign, context.firstTouch, context.touches])).not.toContain('canary')
    expect(JSON.stringify(fake.store.get('campaign'))).not.toContain('canary')
  })

  test('reads an ad click id, and its channel when there is no medium', () => {
    const { enrich } = land('/?gclid=Cj0KCQiA4L67&fbclid=IwAR2F4', '', fake)
    expect(enrich()).toMatchObject({ channel: 'paid_search', campaign: { clickIdParam: 'gclid', clickId: 'Cj0KCQiA4L67' } })
  })

  test('classifies a search engine referrer as organic search, with the engine as source', () => {
    const { enrich } = land('/pricing', 'https://www.google.com/', fake)
    expect(enrich()).toMatchObject({ channel: 'organic_search', campaign: { source: 'google.com' } })
    expect(touches()[0]).toMatchObject({ referrer: 'google.com', landing: '/pricing' })
  })

  test('classifies a social referrer as organic social, another site as referral', () => {
    expect(land('/', 'https://l.facebook.com/l.php?u=x', fake).enrich().channel).toBe('organic_social')
    expect(land('/', 'https://blog.example.org/post', fakeContext()).enrich().channel).toBe('referral')
  })

  test('a first visit with no referrer is direct', () => {
    const { enrich } = land('/', '', fake)
    expect(enrich()).toMatchObject({ channel: 'direct', campaign: {} })
  })

  test('keeps the landing path scrubbed', () => {
    land('/welcome/ann%40mail.example/?utm_source=x', '', fake).enrich()
    expect(touches()[0]!.landing).toBe('/welcome/redacted/')
  })
})

describe('campaign(): touches over time', () => {
  test('internal navigation, reloads and later pages of a session are not new touches', () => {
    land('/?utm_source=newsletter&utm_medium=email', '', fake).enrich()
    land('/pricing', `${location.origin}/`, fake).enrich() // internal link
    land('/?utm_source=newsletter&utm_medium=email', '', fake).enrich() // reload of the landing page
    const context = land('/plans', `${location.origin}/pricing`, fake).enrich()
    expect(touches()).toHaveLength(1)
    expect(context).toMatchObject({ channel: 'email', campaign: { source: 'newsletter' } })
  })

  test('only the first event of a page load counts its landing', () => {
    const { enrich } = land('/?utm_source=a&utm_medium=cpc', 'https://www.bing.com/', fake)
    enrich()
    enrich()
    enrich()
    expect(touches()).toHaveLength(1)
  })

  test('a new campaign in the same session is a new touch and the current one', () => {
    land('/?utm_source=newsletter&utm_medium=email', '', fake).enrich()
    const context = land('/?utm_source=google&utm_medium=cpc&utm_campaign=brand', 'https://www.google.com/', fake).enrich()
    expect(touches().map((touch) => touch.channel)).toEqual(['email', 'paid_search'])
    expect(context.channel).toBe('paid_search')
    expect(context.firstTouch).toMatchObject({ channel: 'email' })
  })

  test('a direct visit in a new session joins the history but does not replace the last real touch', () => {
    land('/?utm_source=newsletter&utm_medium=email', '', fake).enrich()
    fake.session.id = 'session-2'
    const context = land('/', '', fake).enrich()
    expect(touches().map((touch) => touch.channel)).toEqual(['email', 'direct'])
    expect(context.channel).toBe('email')
    land('/', '', fake).enrich() // same session again
    expect(touches()).toHaveLength(2)
  })

  test('the same campaign in a new session is a new touch', () => {
    land('/?utm_source=newsletter&utm_medium=email', '', fake).enrich()
    fake.session.id = 'session-2'
    land('/?utm_source=newsletter&utm_medium=email', '', fake).enrich()
    expect(touches()).toHaveLength(2)
  })

  test('an internal referrer with nothing known yet still records where the visitor is', () => {
    const context = land('/pricing', `${location.origin}/`, fake).enrich()
    expect(context.channel).toBe('direct')
    expect(touches()).toHaveLength(1)
  })

  test('internalHosts are this site too', () => {
    land('/?utm_source=newsletter&utm_medium=email', '', fake).enrich()
    fake.session.id = 'session-2'
    const context = land('/', 'https://shop.example.com/cart', fake, { internalHosts: ['example.com'] }).enrich()
    expect(context.channel).toBe('email')
    expect(touches()).toHaveLength(1)
  })

  test('the history keeps the newest maxTouches, the first touch apart', () => {
    for (let i = 0; i < 5; i++) land(`/?utm_source=s${i}&utm_medium=cpc`, '', fake, { maxTouches: 3 }).enrich()
    expect(touches().map((touch) => touch.campaign.source)).toEqual(['s2', 's3', 's4'])
    const context = land('/', `${location.origin}/`, fake, { maxTouches: 3 }).enrich()
    expect(context.firstTouch).toMatchObject({ campaign: { source: 's0' } })
    expect(context.campaign).toMatchObject({ source: 's4' })
  })

  test('touches carry the time of the event that counted them', () => {
    land('/?utm_source=a&utm_medium=email', '', fake).enrich({ timestamp: '2026-11-22T10:00:00.000Z' })
    expect(touches()[0]!.at).toBe('2026-11-22T10:00:00.000Z')
  })
})

describe('campaign(): handing the history to conversions', () => {
  test('conversion events carry context.touches, others do not', () => {
    land('/?utm_source=newsletter&utm_medium=email', '', fake).enrich()
    const { enrich } = land('/?utm_source=google&utm_medium=cpc', '', fake)
    expect(enrich({ name: 'add_to_cart' }).touches).toBeUndefined()
    const purchase = enrich({ name: 'purchase' })
    expect((purchase.touches as Touch[]).map((touch) => touch.channel)).toEqual(['email', 'paid_search'])
  })

  test('conversions can be chosen', () => {
    const { enrich } = land('/?utm_source=a&utm_medium=email', '', fake, { conversions: ['request_quote'] })
    expect(enrich({ name: 'purchase' }).touches).toBeUndefined()
    expect(enrich({ name: 'request_quote' }).touches).toHaveLength(1)
  })

  test('touches() hands the history to your own events', () => {
    const { plugin, enrich } = land('/?utm_source=a&utm_medium=email', '', fake)
    expect(campaign().touches()).toEqual([]) // not installed
    enrich()
    expect(plugin.touches()).toEqual(touches())
  })

  test('reset() forgets every touch', () => {
    const { plugin, enrich } = land('/?utm_source=a&utm_medium=email', '', fake)
    enrich()
    plugin.reset!()
    expect(plugin.touches()).toEqual([])
    const context = enrich()
    // Unknown again: null, as in every envelope without a campaign.
    expect(context.campaign).toBeNull()
    expect(context.channel).toBeNull()
    expect(context.firstTouch).toBeUndefined()
  })

  test('classify overrides the built-in rules, which stay as the fallback', () => {
    const classify = (found: Campaign) => (found.source === 'partner-x' ? 'affiliate' : undefined)
    expect(land('/?utm_source=partner-x', '', fake, { classify }).enrich().channel).toBe('affiliate')
    expect(land('/?utm_source=newsletter&utm_medium=email', '', fakeContext(), { classify }).enrich().channel).toBe('email')
  })
})

describe('channelOf: the channel rules', () => {
  const cases: Array<[Campaign, string, string]> = [
    [{}, '', 'direct'],
    [{ source: 'google', medium: 'cpc' }, '', 'paid_search'],
    [{ source: 'bing', medium: 'ppc' }, '', 'paid_search'],
    [{ source: 'google', medium: 'paid' }, '', 'paid_search'],
    [{ clickIdParam: 'gclid' }, 'google.com', 'paid_search'],
    [{ clickIdParam: 'msclkid' }, '', 'paid_search'],
    [{ clickIdParam: 'dclid' }, '', 'display'],
    [{ clickIdParam: 'ttclid' }, '', 'paid_social'],
    [{ clickIdParam: 'li_fat_id' }, '', 'paid_social'],
    [{ clickIdParam: 'fbclid' }, 'm.facebook.com', 'organic_social'],
    [{ clickIdParam: 'irclid' }, '', 'affiliate'],
    [{ clickIdParam: 'mc_cid' }, '', 'email'],
    [{ source: 'facebook', medium: 'paid_social' }, '', 'paid_social'],
    [{ source: 'linkedin', medium: 'cpc' }, '', 'paid_social'],
    [{ source: 'youtube', medium: 'cpv' }, '', 'video'],
    [{ source: 'adroll', medium: 'retargeting' }, '', 'paid_other'],
    [{ source: 'criteo', medium: 'display' }, '', 'display'],
    [{ source: 'gdn', medium: 'banner' }, '', 'display'],
    [{ source: 'newsletter', medium: 'email' }, '', 'email'],
    [{ source: 'mailchimp', medium: 'e-mail' }, '', 'email'],
    [{ source: 'Newsletter', medium: 'E_Mail' }, '', 'email'],
    [{ source: 'mail.google.com' }, 'mail.google.com', 'email'],
    [{ source: 'outlook.live.com' }, 'outlook.live.com', 'email'],
    [{ source: 'com.google.android.gm' }, 'com.google.android.gm', 'email'],
    [{ source: 'partner', medium: 'affiliate' }, '', 'affiliate'],
    [{ source: 'sms' }, '', 'sms'],
    [{ source: 'twilio', medium: 'sms' }, '', 'sms'],
    [{ source: 'vimeo.com' }, 'vimeo.com', 'video'],
    [{ source: 'youtube.com' }, 'm.youtube.com', 'video'],
    [{ source: 'webinar', medium: 'video' }, '', 'video'],
    [{ source: 't.co' }, 't.co', 'organic_social'],
    [{ source: 'x.com' }, 'x.com', 'organic_social'],
    [{ source: 'lnkd.in' }, 'lnkd.in', 'organic_social'],
    [{ source: 'reddit.com' }, 'old.reddit.com', 'organic_social'],
    [{ source: 'instagram', medium: 'social' }, '', 'organic_social'],
    [{ source: 'forum', medium: 'social-network' }, '', 'organic_social'],
    [{ source: 'google.com' }, 'google.com', 'organic_search'],
    [{ source: 'google.co.uk' }, 'google.co.uk', 'organic_search'],
    [{ source: 'search.yahoo.com' }, 'search.yahoo.com', 'organic_search'],
    [{ source: 'duckduckgo.com' }, 'duckduckgo.com', 'organic_search'],
    [{ source: 'search.brave.com' }, 'search.brave.com', 'organic_search'],
    [{ source: 'yandex.ru' }, 'yandex.ru', 'organic_search'],
    [{ source: 'com.google.android.googlequicksearchbox' }, 'com.google.android.googlequicksearchbox', 'organic_search'],
    [{ source: 'bing', medium: 'organic' }, '', 'organic_search'],
    [{ source: 'blog.example.org' }, 'blog.example.org', 'referral'],
    [{ source: 'partner', medium: 'referral' }, '', 'referral'],
    [{ source: 'qr-poster', medium: 'print' }, '', 'unassigned'],
    [{ source: 'googleblog.example' }, 'googleblog.example', 'referral'],
  ]
  test.each(cases)('%o from "%s" → %s', (found, referrer, channel) => {
    expect(channelOf(found, referrer)).toBe(channel)
  })
})
