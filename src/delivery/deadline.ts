/**
 * A timer that can only be brought forward. Asked to run within some delay, it keeps a run that
 * is already due sooner: the write window, the flush timer and the cross-tab news each hold one,
 * so that any number of requests for "soon" cost one timer.
 */

/**
 * Deadlines (backoff, Retry-After, timers) are kept on a clock that a step of the wall clock
 * (NTP, a VM restore, the visitor changing the time) does not move.
 */
export const monotonic = (): number => performance.now()

/** (Fields written `_name_` are internal: the build gives them short names.) */
export interface Deadline {
  /** Runs the task within `delay` ms: never later than a run already due. */
  _at_(delay: number): void
  /** A run is due. */
  readonly _due_: boolean
  /** Forgets the run that is due, if any. */
  _cancel_(): void
  /** Cancels, and ignores every later `_at_`. */
  _stop_(): void
}

/**
 * A deadline that runs `task`. While `busy()` (a burst still being processed in slices) a due run
 * waits for it, so that the burst stays one write or one batch.
 */
export function createDeadline(task: () => void, busy?: () => boolean): Deadline {
  let timer: ReturnType<typeof setTimeout> | undefined
  let dueAt = 0
  /** The delay the due run was asked with: a request with no shorter delay is met by it. */
  let dueDelay = 0
  let stopped = false
  const cancel = (): void => {
    clearTimeout(timer)
    timer = undefined
  }
  const deadline: Deadline = {
    _at_(delay) {
      // Asked for every event of a burst: a run due with no longer a delay needs no clock read.
      if (stopped || (timer && delay >= dueDelay)) return
      const at = monotonic() + delay
      if (timer && dueAt <= at) return
      clearTimeout(timer)
      dueAt = at
      dueDelay = delay
      timer = setTimeout(() => {
        timer = undefined
        if (busy?.()) deadline._at_(0)
        else task()
      }, delay)
    },
    get _due_() {
      return !!timer
    },
    _cancel_: cancel,
    _stop_() {
      stopped = true
      cancel()
    },
  }
  return deadline
}
