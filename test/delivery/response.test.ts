/** What an answer means for its batch (src/delivery/response.ts), and what is reported. */
import { expect, test } from 'vitest'
import { Verdict, verdictOf } from '../../src/delivery/response'
import type { SendResult } from '../../src/delivery/transport'
import { createReporter } from '../../src/errors'
import type { JourneyError } from '../../src/types'

function judge(result: Partial<SendResult>, count = 5) {
  const errors: JourneyError[] = []
  const verdict = verdictOf({ ok: false, retry: false, status: 0, ...result }, count, createReporter((error) => errors.push(error)))
  return { verdict, errors: errors.map(({ code, status, count }) => ({ code, status, count })) }
}

test('a 2xx is delivered, silently', () => {
  expect(judge({ ok: true, status: 200 })).toEqual({ verdict: Verdict.Delivered, errors: [] })
})

test('413 asks for smaller batches, unless the batch is one event: that one is rejected', () => {
  expect(judge({ status: 413, tooLarge: true })).toEqual({ verdict: Verdict.Smaller, errors: [] })
  expect(judge({ status: 413, tooLarge: true }, 1)).toEqual({ verdict: Verdict.Rejected, errors: [{ code: 'delivery_rejected', status: 413, count: 1 }] })
})

test('retryable failures are reported as failed, other refusals as rejected', () => {
  expect(judge({ status: 503, retry: true })).toEqual({ verdict: Verdict.Retry, errors: [{ code: 'delivery_failed', status: 503, count: 5 }] })
  expect(judge({ status: 0, retry: true, error: new TypeError('Failed to fetch') }, 3).verdict).toBe(Verdict.Retry)
  expect(judge({ status: 400 })).toEqual({ verdict: Verdict.Rejected, errors: [{ code: 'delivery_rejected', status: 400, count: 5 }] })
})
