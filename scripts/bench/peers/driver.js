// The in-page side of `npm run bench -- --peers`, shared by every product's page. Each adapter
// (journeykit.js, snowplow.js, amplitude.js, plausible.js beside this file) is bundled with this
// driver by esbuild into the page's one script and calls `install()` with three functions: how to
// start the SDK against the local collector, how to track one event, and (where the SDK says when
// a call's event was delivered) a count of calls still waiting for that answer.
//
// Node drives the page through page.evaluate(); measured loops run in tasks of their own
// (setTimeout), not inside the DevTools command that started them, so that main-thread accounting
// sees ordinary page tasks.

const now = () => performance.now()
const NAME = 'add_to_cart'

/** Runs `fn` in a task of its own and resolves with what it returns. */
const inTask = (fn) =>
  new Promise((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(fn())
      } catch (error) {
        reject(error)
      }
    }, 0),
  )

/** How many times `marker` occurs in `text`. */
function occurrences(text, marker) {
  let count = 0
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) count++
  return count
}

/** A stored value as text, whatever it is (strings as they are, objects as JSON). */
function asText(value) {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return String(value)
  }
}

/**
 * Copies of events carrying `marker` that are still stored on this origin: in localStorage and
 * sessionStorage (Snowplow's and Amplitude's queues) and in every IndexedDB database
 * (journeykit's), whatever their keys and record layout. An event counts as delivered and
 * removed when no copy of it is left here.
 */
async function storedCopies(marker) {
  let count = 0
  for (const storage of [localStorage, sessionStorage]) {
    for (let i = 0; i < storage.length; i++) count += occurrences(storage.getItem(storage.key(i)) ?? '', marker)
  }
  const databases = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : []
  for (const { name } of databases) {
    if (!name) continue
    const db = await new Promise((resolve) => {
      const request = indexedDB.open(name)
      request.onsuccess = () => resolve(request.result)
      request.onerror = request.onblocked = () => resolve(null)
    })
    if (!db) continue
    try {
      // Another connection must not be kept from upgrading or deleting the database.
      db.onversionchange = () => db.close()
      const stores = [...db.objectStoreNames]
      if (!stores.length) continue
      const tx = db.transaction(stores, 'readonly')
      const values = await Promise.all(
        stores.map(
          (store) =>
            new Promise((resolve) => {
              const request = tx.objectStore(store).getAll()
              request.onsuccess = () => resolve(request.result)
              request.onerror = () => resolve([])
            }),
        ),
      )
      for (const list of values) for (const value of list) count += occurrences(asText(value), marker)
    } finally {
      db.close()
    }
  }
  return count
}

let failedRequests = 0
let firstRequestFailure = ''

/**
 * For adapters whose SDK reports failed requests (not events): counts one, and keeps the first
 * reason, so that the bench can say why an SDK stopped delivering.
 */
export function requestFailed(why) {
  failedRequests++
  firstRequestFailure ||= String(why ?? '')
}

/** Deletes what earlier pages of this origin stored (storage, databases, cookies). */
async function forget() {
  try {
    localStorage.clear()
    sessionStorage.clear()
  } catch {}
  for (const cookie of document.cookie.split(';')) {
    const name = cookie.split('=')[0].trim()
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`
  }
  const databases = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : []
  await Promise.all(
    databases.map(
      ({ name }) =>
        new Promise((resolve) => {
          const request = indexedDB.deleteDatabase(name)
          request.onsuccess = request.onerror = request.onblocked = () => resolve()
        }),
    ),
  )
}

/**
 * Installs `window.peerBench` for one product.
 * - `start({ collectorUrl })`: sets the SDK up (may return a promise);
 * - `track(name, props, answered)`: tracks one event; calls `answered(ok)` once the SDK reports
 *   the outcome of sending it, where the SDK has such a report (`reportsDelivery: true`), with
 *   `ok` false when it gave up on the event (a failed or refused request).
 * A page opened with `?collector=<url>` starts the SDK at once, as a site's own script would.
 */
export function install({ name, start, track, reportsDelivery = false }) {
  let tracked = 0
  let answered = 0
  let failed = 0
  let firstFailure = ''
  const onDelivered = (ok, why) => {
    answered++
    if (ok === false) {
      failed++
      firstFailure ||= String(why ?? '')
    }
  }
  const props = (i, marker) => ({ sku: 'A1', price: 20, i, run: marker })

  window.peerBench = {
    name,
    forget,
    storedCopies,
    async start(config) {
      await start(config)
      return { name }
    },

    /**
     * Tracks `n` events in one task, timed in chunks of 100 calls; resolves with the loop's time
     * and the median chunk's time per call (robust to the preemptions a busy machine adds to a
     * few chunks, and, for an SDK whose calls slow down as its queue grows, the cost halfway).
     */
    burst(n, marker) {
      return inTask(() => {
        const chunk = Math.min(100, n)
        const perCall = []
        for (let c = 0; c < n; c += chunk) {
          const t0 = now()
          for (let i = c; i < c + chunk; i++) track(NAME, props(i, marker), onDelivered)
          perCall.push((now() - t0) / chunk)
        }
        tracked += n
        const loopMs = perCall.reduce((sum, ms) => sum + ms * chunk, 0)
        const sorted = perCall.sort((a, b) => a - b)
        const median = sorted.length % 2 ? sorted[sorted.length >> 1] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2
        return { loopMs, medianCallMs: median }
      })
    },

    /** Tracks `n` events, one every `every` ms (a timer each); resolves after the last call. */
    spread(n, every, marker) {
      return new Promise((resolve) => {
        let i = 0
        let callsMs = 0
        const timer = setInterval(() => {
          const t0 = now()
          track(NAME, props(i, marker), onDelivered)
          callsMs += now() - t0
          tracked++
          if (++i === n) {
            clearInterval(timer)
            resolve({ loopMs: callsMs })
          }
        }, every)
      })
    },

    /**
     * Tracks `n` events and navigates to `next` in the same task: the events are at best in the
     * SDK's memory when the page starts to unload.
     */
    trackThenLeave(n, marker, round, next) {
      setTimeout(() => {
        for (let i = 0; i < n; i++) track('leave', { i, round, run: marker }, onDelivered)
        location.href = next
      }, 0)
    },

    /**
     * What is still pending: calls whose delivery the SDK has not reported yet (null when it has
     * no such report) and, with `scan`, stored copies of `marker`'s events.
     */
    async pending(marker, scan) {
      return {
        unanswered: reportsDelivery ? tracked - answered : null,
        failed: reportsDelivery ? failed : null,
        firstFailure: firstFailure || firstRequestFailure,
        failedRequests,
        stored: scan ? await storedCopies(marker) : null,
      }
    },
  }

  const collectorUrl = new URLSearchParams(location.search).get('collector')
  if (collectorUrl) start({ collectorUrl })
}
