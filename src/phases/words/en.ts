/**
 * English words of the built-in phase models, by concept. Each concept is a list of normalized
 * words (see `normalizeName`) separated by `|`; `( | )` and `?` work as in a regular expression.
 * A word matches a whole name or path segment, or its first or last part (see `wordTest`).
 * Event names cover GA4's recommended events, the Segment e-commerce and B2B SaaS specs and
 * Shopify's standard events.
 */
import type { Vocabulary } from '../types'

/** Concepts both presets use. */
export const en: Vocabulary = {
  // Sections that are content, not the offer: funnel page rules and page counts skip them.
  // Only whole segments: `/blog/…` is content, `/compliance-guide` is not.
  content:
    'blogs?|news|newsroom|press|press_releases?|jobs?|careers?|legal|imprint|privacy|privacy_policy|terms|terms_of_service|cookies?|magazine|guides?|resources|glossary|docs|documentation|changelog|stories|podcasts?',
  // Parts of an event name that undo it: `purchase_failed`, `remove_from_cart`.
  not: 'failed|failure|errors?|cancel(l?ed)?|abandoned|declined|removed?',
  // What is on offer: catalogues, product and service pages.
  offer:
    'products?|p|dp|collections?|category|categories|catalog(ue)?|shop|store|items?|features|solutions?|platform|integrations?|use_cases|industries|customers|case_studies|references|services|packages|courses|rooms|menu|memberships?|subscriptions|portfolio|gallery|search|webinars?|whitepapers?|ebooks?',
  // Weighing the offer: prices, plans, comparisons, reviews, trust.
  pricing: 'pricing|prices?|price_list|plans|compare|comparison|vs|reviews|ratings|testimonials|security|trust|demo|trial|free_trial',
  // Browsing the catalogue (events).
  browse:
    'view_item(_list)?|select_item|products?|product_list|collection|searched|search|wishlist|add_to_wishlist|product_added_to_wishlist|view_promotion|select_promotion',
  // Getting in touch with a question.
  contact: 'contact|contact_us|chat|live_chat|livechat|callback|call_back|call',
  newsletter: 'newsletter|subscribe|subscribe_newsletter|mailing_list',
  // Pages and forms of buying, booking, ordering, signing up.
  checkout:
    'cart|basket|bag|checkouts?|signup|sign_up|register|registration|create_account|book|booking|bookings|appointments?|book_appointment|reservations?|reserve|apply|application|enrol(l|ment)?|get_a_quote|request_a_quote|upgrade|order_form',
  // Steps towards buying (events).
  cart:
    'cart|basket|checkout|buy_now|book_now|add_payment_info|add_shipping_info|payment_info_(entered|submitted)|checkout_(contact|address|shipping)_info_submitted|product_added|product_added_to_cart|check_availability|coupon_(entered|applied)',
  // Asking to try, to see a demo or to be called back for a sale: sign-ups, trials, leads.
  lead: 'trial|start_trial|demo|request_demo|sign_up|signup|signed_up|register(ed)?|account_created|create_account|lead|generate_lead',
  // Offers, quotes, contracts, orders and the sales conversation.
  quote:
    'quotes?|quote_request|request_quote|rfq|proposals?|offer_request|contracts?|orders?|cart|checkout|sales|contact_sales|meeting|meeting_booked|qualify_lead|working_lead',
  // Buying: a purchase, an order, a booking, a paid plan (events).
  purchase:
    'purchase|purchased|enrol(l)?(ed)?|upgrade(d)?|trial_converted|close_convert_lead|(subscription|membership)_started|(order|checkout|booking|appointment|reservation|subscription|membership|policy|contract|course|payment)_(completed|confirmed|placed|booked|made|purchased|signed|paid|successful)',
  // Using what was bought (events).
  use: 'login|log_in|logged_in|signed_in|sign_in|refund(ed)?|returns?|return_requested|reorder|invite|invite_sent|tutorial_(begin|complete)',
  // The customer's own pages: account, orders, settings, the product itself.
  account:
    'account|accounts|my_account|profile|portal|customer_portal|settings|billing|invoices|orders|subscription|returns|tracking|order_status|members|learn|app|dashboard|claims',
  // Customer service.
  support: 'help|help_center|support|helpdesk|customer_service|faqs?|tickets?|warranty',
  // Evaluating and recommending: reviews, ratings, feedback, sharing, referrals.
  advocacy:
    'share|shared|review|reviewed|review_submitted|rating|rated|referral|refer|refer_a_friend|invite_friends?|testimonial|feedback|nps|survey|case_study',
}

/** Concepts of the b2b preset only. */
export const enB2b: Vocabulary = {
  download: 'downloads?|downloaded|file_download|content_download|whitepapers?|ebook|webinars?|webinar_registration',
  onboarding: 'onboarding|welcome|getting_started|setup|training|trainings|academy|tutorials?|implementation',
  activated: 'activated|activation|onboarding_completed|setup_completed|tutorial_complete(d)?',
  renewal: 'renewals?|renew(ed)?',
  expansion: 'upgrade(d|s)?|add_seats|seats|seats_added|licenses?|add_ons?|addons?|modules?|cross_sell|upsell|repeat_purchase',
}
