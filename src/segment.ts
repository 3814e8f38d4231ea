/**
 * `journeykit/segment`: the Segment spec's `/v1/batch` wire format, for RudderStack, Jitsu,
 * Segment, Hightouch Events and Customer.io Data Pipelines. Its own import path, so bundles that
 * do not use it do not contain it.
 */
export { MAX_MESSAGE_BYTES, segment, toSegmentMessage } from './formats/segment'
export type { SegmentContext, SegmentMessage, SegmentOptions, SegmentPage } from './formats/segment'
export type { FormatWarn, SendResult, Transport, WireFormat } from './formats/types'
