/**
 * The browser edges happy-dom lacks or cannot switch: `navigator.onLine`, page visibility,
 * privacy signals, keep-alive fetch support, a `sendBeacon` with the 64 KiB quota and a
 * `LockManager`. Every override is undone by `restoreBrowser()`.
 */
import { vi } from 'vitest'
import type { Batch } from '../../src/types'

const undo: Array<() => void> = []

/** Defines an own property on `target` for the rest of the test. */
function override(target: object, key: PropertyKey, descriptor: PropertyDescriptor): void {
  const own = Object.getOwnPropertyDescriptor(target, key)
  Object.defineProperty(target, key, { configurable: true, ...descriptor })
  undo.push(() => {
    if (own) Object.defineProperty(target, key, own)
    else delete (target as Record<PropertyKey, unknown>)[key]
  })
}

/** Undoes every override made by the helpers in this file. */
export function restoreBrowser(): void {
  for (const step of undo.splice(0).reverse()) step()
}

/** Switches `navigator.onLine`; `dispatch` also fires `online`/`offline` on window. */
export function setOnline(online: boolean, dispatch = true): void {
  override(navigator, 'onLine', { get: () => online })
  if (dispatch) window.dispatchEvent(new Event(online ? 'online' : 'offline'))
}

/** Switches `document.visibilityState` and fires `visibilitychange`. */
export function setVisibility(state: 'hidden' | 'visible'): void {
  override(document, 'visibilityState', { get: () => state })
  override(document, 'hidden', { get: () => state === 'hidden' })
  document.dispatchEvent(new Event('visibilitychange'))
}

/** The page is being left: hidden, then `pagehide`. */
export function leavePage(): void {
  setVisibility('hidden')
  window.dispatchEvent(new Event('pagehide'))
}

/** Global Privacy Control on. */
export function setGlobalPrivacyControl(on: boolean): void {
  override(navigator, 'globalPrivacyControl', { get: () => on })
}

/** Do Not Track on ('1'). */
export function setDoNotTrack(value: string | null): void {
  override(navigator, 'doNotTrack', { get: () => value })
}

/**
 * A browser whose `fetch` supports `keepalive` (happy-dom's Request has no `keepalive`, so by
 * default the library takes its `sendBeacon` path on exit).
 */
export function supportKeepalive(): void {
  override(Request.prototype, 'keepalive', { get: () => true })
}

export interface BeaconCall {
  url: string
  bytes: number
  accepted: boolean
  data: unknown
}

/**
 * A fake `navigator.sendBeacon` that enforces the browser's keep-alive quota: a call that would
 * take the bytes queued and not yet sent over `quota` returns false. `complete()` empties the
 * queue (the browser sent them).
 */
export function fakeBeacon(quota = 64 * 1024) {
  const calls: BeaconCall[] = []
  let queued = 0
  const sizeOf = (data: unknown): number =>
    data == null ? 0 : typeof data === 'string' ? new TextEncoder().encode(data).length : (data as Blob).size ?? 0
  const fn = vi.fn((url: string | URL, data?: BodyInit | null): boolean => {
    const bytes = sizeOf(data)
    const accepted = queued + bytes <= quota
    if (accepted) queued += bytes
    calls.push({ url: String(url), bytes, accepted, data })
    return accepted
  })
  return {
    fn,
    calls,
    queued: () => queued,
    complete() {
      queued = 0
    },
    /** The bodies of accepted calls, parsed. */
    async batches(): Promise<Batch[]> {
      const accepted = calls.filter((call) => call.accepted)
      const texts = await Promise.all(
        accepted.map((call) => (typeof call.data === 'string' ? call.data : (call.data as Blob).text())),
      )
      return texts.map((text) => JSON.parse(text) as Batch)
    },
    install() {
      override(navigator, 'sendBeacon', { value: fn, writable: true })
    },
  }
}

type LockCallback = (lock: { name: string; mode: string } | null) => unknown

interface Holder {
  clientId: string
  /** Ends this holder's hold (once): the next request in line is granted. */
  release(): void
  /** Rejects this holder's request() with an AbortError (its lock was stolen). */
  abort(): void
}

/**
 * A fake `LockManager` (Web Locks) for one origin: exclusive locks by name, granted in request
 * order, `ifAvailable` answered with null when held, `steal` taking the lock from its holder
 * (whose `request()` then rejects with an AbortError while its callback runs on), and `query()`
 * naming the holder by a client id (one per grant). Counts the most callbacks of one name that
 * ever ran at once, stolen ones included (without a steal it must stay 1). `denied: true` is a browser refusing the API (a sandboxed iframe,
 * blocked site data): every request rejects with a SecurityError, without calling back.
 */
export function fakeLocks({ denied = false }: { denied?: boolean } = {}) {
  const holders = new Map<string, Holder>()
  const queues = new Map<string, Array<() => void>>()
  const running = new Map<string, number>()
  let most = 0
  let requests = 0
  let grants = 0

  function grant(name: string, callback: LockCallback): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let released = false
      const holder: Holder = {
        clientId: `client-${++grants}`,
        release() {
          if (released) return
          released = true
          if (holders.get(name) === holder) holders.delete(name)
          queues.get(name)?.shift()?.()
        },
        abort() {
          holder.release()
          reject(new DOMException('The lock request is aborted.', 'AbortError'))
        },
      }
      holders.set(name, holder)
      running.set(name, (running.get(name) ?? 0) + 1)
      most = Math.max(most, running.get(name)!)
      let result: Promise<unknown>
      try {
        result = Promise.resolve(callback({ name, mode: 'exclusive' }))
      } catch (error) {
        result = Promise.reject(error)
      }
      void result.finally(() => running.set(name, running.get(name)! - 1)).catch(() => {})
      result.then(
        (value) => {
          const stolen = released
          holder.release()
          if (!stolen) resolve(value)
        },
        (error) => {
          const stolen = released
          holder.release()
          if (!stolen) reject(error)
        },
      )
    })
  }

  const manager = {
    request(name: string, optionsOrCallback: LockOptions | LockCallback, maybeCallback?: LockCallback): Promise<unknown> {
      requests++
      const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback
      const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback)!
      if (denied) return Promise.reject(new DOMException('Access to the Locks API is denied in this context.', 'SecurityError'))
      const current = holders.get(name)
      if (current && options.steal) {
        current.abort()
        return grant(name, callback)
      }
      if (!current) return grant(name, callback)
      if (options.ifAvailable) {
        try {
          return Promise.resolve(callback(null))
        } catch (error) {
          return Promise.reject(error)
        }
      }
      return new Promise((resolve, reject) => {
        const queue = queues.get(name) ?? []
        queues.set(name, queue)
        const next = (): void => void grant(name, callback).then(resolve, reject)
        queue.push(next)
        // A request waiting in line gives up when its signal aborts.
        options.signal?.addEventListener('abort', () => {
          const at = queue.indexOf(next)
          if (at < 0) return
          queue.splice(at, 1)
          reject(new DOMException('The lock request is aborted.', 'AbortError'))
        })
      })
    },
    query: () =>
      Promise.resolve({
        held: [...holders].map(([name, holder]) => ({ name, mode: 'exclusive', clientId: holder.clientId })),
        pending: [],
      }),
  }
  return {
    manager,
    /** The most callbacks of one lock name that ever ran at the same time (stolen ones included). */
    maxHolders: () => most,
    requests: () => requests,
    isHeld: (name: string) => holders.has(name),
    install() {
      override(navigator, 'locks', { value: manager, writable: true })
    },
  }
}
