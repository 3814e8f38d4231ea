/** The whole labelled corpus (see ./README.md). */
import { b2bDe } from './b2b-de'
import { b2bEn } from './b2b-en'
import { b2cDe } from './b2c-de'
import { b2cEn } from './b2c-en'
import type { CorpusFile } from './types'

export type { CorpusFile, LabelledJourney } from './types'

export const corpus: CorpusFile[] = [b2cEn, b2cDe, b2bEn, b2bDe]
