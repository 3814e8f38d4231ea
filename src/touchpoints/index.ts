/**
 * The automatic touchpoints: one module each, so a bundle holds only those it uses.
 */
import type { Touchpoint } from '../types'
import { campaign } from './campaign'
import { clicks } from './clicks'
import { engagement } from './engagement'
import { forms } from './forms'
import { pageViews } from './page-views'
import { scrollDepth } from './scroll-depth'

export { campaign, channelOf, type CampaignOptions, type CampaignPlugin, type Touch } from './campaign'
export { clicks, DOWNLOAD_EXTENSIONS, type ClicksOptions } from './clicks'
export { engagement, type EngagementOptions } from './engagement'
export { forms, type FormsOptions } from './forms'
export { pageViews, type PageViewsOptions } from './page-views'
export { scrollDepth, type ScrollDepthOptions } from './scroll-depth'

/**
 * The standard set of automatic touchpoints, with their default options: `pageViews()`,
 * `campaign()`, `forms()` (submissions only), `clicks()`, `scrollDepth()` and `engagement()`.
 * The script-tag build installs these. To change one, list them yourself:
 *
 * @example
 * createJourney({ endpoint: '/collect', touchpoints: [pageViews({ hashRoutes: true }), campaign(), forms({ abandon: true })] })
 */
export function defaults(): Touchpoint[] {
  return [pageViews(), campaign(), forms(), clicks(), scrollDepth(), engagement()]
}
