/**
 * Start-up under consent: the journey's storage opens, its state is read and its delivery starts
 * only once the visitor allows it; denied, what earlier pages stored is deleted. This object owns
 * the consent state and what hangs on it (storage, journal, delivery, `ready`), so that the rest
 * of the journey asks one place whether it may write or send.
 */
import { createDelivery, type Delivery } from '../delivery'
import { createTransport } from '../delivery/transport'
import { newsForOtherTabs } from '../enrich/identity'
import type { Reporter } from '../errors'
import type { ResolvedOptions } from '../options'
import type { Journal } from '../queue/journal'
import { createSenderLock } from '../queue/lease'
import { openQueue } from '../queue/open'
import { queueScope } from '../queue/scope'
import type { QueueStorage } from '../queue/store'
import { forgetStored } from '../state/consent'
import type { Slots } from '../state/slots'
import type { ConsentState } from '../types'

/** What start-up asks of the rest of the journey (keys written `_name_`, as in {@link Startup}). */
export interface StartupParts {
  /** Events wait to be decided (delivery holds its write for them). */
  _busy_(): boolean
  /** The page is being left for a page of this site (the next page sends what is left). */
  _departing_(): boolean
  /** The state is read: decide what waits. */
  _process_(): void
  /** Consent denied: forget what waits in memory (the intake, the state, the phase engine's copy). */
  _clear_(): void
}

/**
 * Its members are written `_name_`: the rest of the journey reads them on every event, and the
 * build gives such names one letter (tsup.config.ts `mangleProps`), as short as the closure
 * variables they replace. None of them is stored or public.
 */
export interface Startup {
  /** The visitor's answer so far. */
  readonly _consent_: ConsentState
  /** `destroy()` was called: nothing more is recorded, and no answer is taken. */
  _destroyed_: boolean
  /** Open once consent is granted; undefined before, and again once it is withdrawn. */
  readonly _storage_: QueueStorage | undefined
  readonly _delivery_: Delivery | undefined
  /** Resolves once the stored state is read, or once consent is denied (see `Journey.ready`). */
  readonly _ready_: Promise<void>
  /** The stored state has been read: `ready` resolves. */
  _read_(): void
  /** Consent is granted: what the journey writes and sends may go now. */
  _granted_(): boolean
  /** Applies the visitor's answer; returns true when it newly denied (the other journeys must be told). */
  _answer_(next: ConsentState): boolean
  /**
   * Acts on the consent the journey starts with: granted, it starts; denied, it forgets. Called
   * once the touchpoints are installed, so that what they record at set-up is the first to go.
   */
  _begin_(): void
  /** Stops delivery (destroy(): what is pending is written first). */
  _stop_(): void
}

/**
 * `initial`: the consent the journey starts with (the option, or denied by a privacy signal).
 * Nothing opens before `_begin_()`.
 */
export function createStartup(config: ResolvedOptions, report: Reporter, slots: Slots, initial: ConsentState, parts: StartupParts): Startup {
  // This journey's queue, lock and channel: its events go to its endpoint only.
  const scope = queueScope(config._endpoint_)
  let journal: Journal | undefined
  let read!: () => void
  const startup: { -readonly [Key in keyof Startup]: Startup[Key] } = {
    _consent_: initial,
    _destroyed_: false,
    _storage_: undefined,
    _delivery_: undefined,
    _ready_: new Promise<void>((resolve) => (read = resolve)),
    _read_: () => read(),
    _granted_: () => startup._consent_ === 'granted',
    _answer_(next) {
      // (Denied twice: nothing left to forget; the other journeys were told the first time.)
      if (next === 'denied' && startup._consent_ === 'denied') return false
      startup._consent_ = next
      if (next === 'granted') {
        start()
        return false
      }
      // Pending or denied: stop sending; what is stored stays for pending, goes for denied.
      startup._delivery_?._stop_(next === 'denied')
      startup._delivery_ = undefined
      if (next === 'denied') forget()
      return next === 'denied'
    },
    _begin_() {
      if (startup._consent_ === 'granted') start()
      else if (startup._consent_ === 'denied') forget()
    },
    _stop_() {
      startup._delivery_?._stop_()
      startup._delivery_ = undefined
    },
  }

  /** Opens storage, reads the state, then starts processing and delivering (consent granted). */
  function start(): void {
    if (!startup._storage_) {
      const opened = openQueue(scope, config._maxQueueSize_, report)
      startup._storage_ = opened._storage_
      journal = opened._journal_
      slots._hydrate_()
    }
    if (!startup._delivery_) {
      const storage = startup._storage_
      startup._delivery_ = createDelivery({
        _batchSize_: config._batchSize_,
        _flushInterval_: config._flushInterval_,
        _maxQueueSize_: config._maxQueueSize_,
        _storage_: storage,
        // A wire format is a transport of its own (formats/types.ts).
        _transport_: __WIRE_FORMAT__ && config._format_ ? config._format_(config._endpoint_, config._headers_, report._warn_) : createTransport(config._endpoint_, config._headers_),
        _lock_: createSenderLock(storage, scope._lock_),
        _report_: report,
        _channel_: scope._channel_,
        _journal_: journal,
        _takeStateChanges_: slots._takeChanges_,
        _busy_: parts._busy_,
        _stateChangedElsewhere_: slots._refresh_,
        _departing_: parts._departing_,
        _urgent_: newsForOtherTabs(),
      })
      // Events left by earlier pages go out soon after start-up.
      startup._delivery_._resume_()
    }
    if (slots._hydrated_) parts._process_()
  }

  /** Consent denied: drop what waits and delete what earlier pages stored. */
  function forget(): void {
    read()
    parts._clear_()
    const stored = startup._storage_
    startup._storage_ = undefined
    journal = undefined
    forgetStored(stored, report)
  }

  return startup
}
