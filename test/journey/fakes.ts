/**
 * Fakes of the parts the journey's modules are wired to (test/journey/*.test.ts): each records
 * what it was asked, so a test sees what a module did to its neighbours.
 */
import { vi } from 'vitest'
import type { Delivery } from '../../src/delivery'
import type { Startup } from '../../src/journey/startup'
import type { Slots } from '../../src/state/slots'
import type { ConsentState } from '../../src/types'

/** A delivery that does nothing but record its calls. */
export function fakeDelivery(): Delivery {
  return {
    _enqueue_: vi.fn(),
    _persist_: vi.fn(),
    _flush_: vi.fn(() => Promise.resolve()),
    _exit_: vi.fn(),
    _resume_: vi.fn(),
    _countDropped_: vi.fn(),
    _stop_: vi.fn(),
  }
}

/** Slots whose stored state is read (`hydrated`) or not, as the test says. */
export function fakeSlots(hydrated = true): Slots & { _hydrated_: boolean } {
  return {
    state: new Map(),
    changed: new Set(),
    _hydrated_: hydrated,
    _readOnce_: hydrated,
    _hydration_: Promise.resolve(),
    _slot_: vi.fn(() => ({ get: () => undefined, set: () => {} })),
    _takeChanges_: vi.fn(() => []),
    _hydrate_: vi.fn(),
    _refresh_: vi.fn(),
    _decideEarly_: vi.fn(),
    _clear_: vi.fn(),
  }
}

/** A start-up in a given consent state, with a fake delivery while granted. */
export function fakeStartup(consent: ConsentState = 'granted', delivery: Delivery | undefined = consent === 'granted' ? fakeDelivery() : undefined) {
  const startup = {
    _consent_: consent,
    _destroyed_: false,
    _storage_: undefined,
    _delivery_: delivery,
    _ready_: Promise.resolve(),
    _read_: vi.fn(),
    _granted_: () => startup._consent_ === 'granted',
    _answer_: vi.fn((next: ConsentState) => {
      const denied = next === 'denied' && startup._consent_ !== 'denied'
      startup._consent_ = next
      return denied
    }),
    _begin_: vi.fn(),
    _stop_: vi.fn(),
  }
  return startup satisfies Startup
}
