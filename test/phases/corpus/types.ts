/** A scripted journey with a label on every event step (see ./README.md for the syntax). */
export interface LabelledJourney {
  /** Unique across the corpus. */
  id: string
  /** What kind of site: a shop, a SaaS product, a service business, bookings, a B2B vendor. */
  site: 'shop' | 'saas' | 'service' | 'booking' | 'vendor'
  /** What the visitor does, in a sentence. */
  story: string
  steps: string[]
}

/** One file of the corpus: the preset and language its journeys are labelled for. */
export interface CorpusFile {
  preset: 'default' | 'b2b'
  language: 'en' | 'de'
  journeys: LabelledJourney[]
}
