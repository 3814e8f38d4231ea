// The in-page side of `npm run bench`, served as /driver.js. Node drives it through
// page.evaluate(); every measured loop runs in a task of its own (setTimeout), not inside the
// DevTools command that started it, so that main-thread accounting sees ordinary page tasks.
;(() => {
  const B = window.__bench
  const now = () => performance.now()
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
  /** Runs `fn` in a task of its own and resolves with what it returns. */
  const inTask = (fn) => new Promise((resolve, reject) => setTimeout(() => {
    try {
      resolve(fn())
    } catch (error) {
      reject(error)
    }
  }, 0))

  /** Summary of per-call samples (ms in, µs out). */
  function summarize(samples) {
    const sorted = Float64Array.from(samples).sort()
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 1000
    let sum = 0
    let zero = 0
    for (const x of sorted) {
      sum += x
      if (x === 0) zero++
    }
    return { n: sorted.length, mean: (sum / sorted.length) * 1000, p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: sorted[sorted.length - 1] * 1000, zero: zero / sorted.length }
  }

  let journey
  let endpoint = ''
  /** Events deleted by discard() rather than delivered. */
  let discarded = 0
  /** Every event stored so far has been delivered and removed (trimmed and discarded ones aside). */
  const allDelivered = () => B.queuedPuts === B.storedPuts && B.ackDone >= B.storedPuts - B.trimDeletes - discarded
  /** Sends what is queued now and waits until everything stored is delivered. */
  const flushAll = async (timeout) => {
    await journey.flush()
    await B.until(allDelivered, timeout)
  }
  const NAME = 'add_to_cart'

  const bench = (window.bench = {
    /** Environment facts. */
    env() {
      let step = Infinity
      let last = now()
      for (let i = 0; i < 200000; i++) {
        const t = now()
        if (t !== last) {
          step = Math.min(step, t - last)
          last = t
        }
      }
      return {
        crossOriginIsolated: self.crossOriginIsolated === true,
        timerResolutionUs: Math.round(step * 1000 * 10) / 10,
        gc: typeof gc === 'function',
        preciseMemory: !!performance.memory,
        userAgent: navigator.userAgent,
        hardwareConcurrency: navigator.hardwareConcurrency,
        exports: window.journeykit ? Object.keys(window.journeykit).sort() : [],
      }
    },

    /** Deletes what earlier pages of this origin stored. */
    async forget() {
      try {
        localStorage.clear()
        sessionStorage.clear()
      } catch {}
      await new Promise((resolve) => {
        const request = indexedDB.deleteDatabase('journeykit')
        request.onsuccess = request.onerror = request.onblocked = () => resolve()
      })
    },

    /** Creates the journey; `defaults` installs the default touchpoints when the build has them. */
    create({ url, defaults, options = {} }) {
      endpoint = url
      const kit = window.journeykit
      const touchpoints = defaults && typeof kit.defaults === 'function' ? kit.defaults() : []
      journey = window.journey = kit.createJourney({ endpoint, touchpoints, ...options })
      return { touchpoints: touchpoints.map((t) => t.name) }
    },

    /** Tracks `n` events, then waits until they are stored and (with `deliver`) acknowledged. */
    async warmUp(n, deliver = true) {
      const stored = B.storedPuts + n
      const acked = B.ackedEvents + n
      await inTask(() => {
        for (let i = 0; i < n; i++) journey.track(NAME, { sku: 'A1', price: 20, i })
      })
      // Delivered events may never be stored (sent straight from memory).
      if (deliver) {
        await flushAll()
        await B.until(() => B.ackedEvents >= acked && allDelivered())
      } else await B.until(() => B.storedPuts >= stored)
      await sleep(50)
    },

    /**
     * Times `n` calls one by one with performance.now(): an empty pair of timer reads, the floor
     * (pushing an equivalent plain object onto an array) and track(). Then the floor again, as one
     * loop. Waits until the tracked events are stored, then discards them.
     */
    async timedCalls(n) {
      const stored = B.storedPuts + n
      const result = await inTask(() => {
        const empty = new Float64Array(n)
        const floor = new Float64Array(n)
        const track = new Float64Array(n)
        const array = []
        for (let i = 0; i < n; i++) {
          const a = now()
          const b = now()
          empty[i] = b - a
        }
        for (let i = 0; i < n; i++) {
          const props = { sku: 'A1', price: 20, i }
          const a = now()
          array.push({ name: NAME, props, time: Date.now() })
          const b = now()
          floor[i] = b - a
        }
        // The floor as one loop too, timed in chunks of 1 000 like loop() below.
        const loopArray = []
        const chunk = Math.min(1000, n)
        let floorLoopMs = 0
        let floorBestMs = Infinity
        for (let c = 0; c < n; c += chunk) {
          const f0 = now()
          for (let i = c; i < c + chunk; i++) loopArray.push({ name: NAME, props: { sku: 'A1', price: 20, i }, time: Date.now() })
          const took = now() - f0
          floorLoopMs += took
          floorBestMs = Math.min(floorBestMs, took)
        }
        const j = journey
        for (let i = 0; i < n; i++) {
          const props = { sku: 'A1', price: 20, i }
          const a = now()
          j.track(NAME, props)
          const b = now()
          track[i] = b - a
        }
        return { empty: summarize(empty), floor: summarize(floor), track: summarize(track), floorLoopUs: (floorLoopMs / n) * 1000, floorBestUs: (floorBestMs / chunk) * 1000, kept: array.length + loopArray.length }
      })
      await B.until(() => B.storedPuts >= stored)
      await bench.discard()
      return result
    },

    /**
     * `n` track() calls in one loop, timed in chunks of 1 000 (their sum is the loop's time; the
     * fastest chunk shows the cost without the preemptions a busy machine adds). Resolves once
     * the events are stored (not sent).
     */
    async loop(n) {
      const stored = B.storedPuts + n
      const chunk = Math.min(1000, n)
      const chunks = await inTask(() => {
        const j = journey
        const times = []
        for (let c = 0; c < n; c += chunk) {
          const t0 = now()
          for (let i = c; i < c + chunk; i++) j.track(NAME, { sku: 'A1', price: 20, i })
          times.push(now() - t0)
        }
        return times
      })
      await B.until(() => B.storedPuts >= stored)
      const loopMs = chunks.reduce((a, b) => a + b, 0)
      return { loopUs: (loopMs / n) * 1000, loopMs, bestChunkUs: (Math.min(...chunks) / chunk) * 1000 }
    },

    /**
     * Drops what is queued without sending it, through the public API: consent 'denied' deletes
     * the stored queue, 'granted' starts afresh (new anonymous id and phase state). Used between
     * rounds whose events need not be delivered, to keep the bench short.
     */
    async discard() {
      await B.until(() => B.queuedPuts === B.storedPuts)
      discarded = B.storedPuts - B.trimDeletes - B.ackDone
      journey.consent('denied')
      for (let i = 0; i < 500 && (await indexedDB.databases()).some((db) => db.name === 'journeykit'); i++) await sleep(10)
      journey.consent('granted')
      await sleep(100)
    },

    /** Sends what is queued; resolves once every stored event is acknowledged and removed. */
    async deliver() {
      await flushAll()
    },

    counters() {
      return { tx: { ...B.tx }, writes: { ...B.writes }, queuedPuts: B.queuedPuts, storedPuts: B.storedPuts, ackDone: B.ackDone, trimDeletes: B.trimDeletes }
    },

    /**
     * Tracks `n` events in one task (or one every `every` ms) and waits until all are acknowledged
     * and removed from the queue, with the library's own timers (no flush() call).
     */
    async burst(n, { every = 0, settleMs = 300, entries = true, harnessOnly = false } = {}) {
      const acked = B.ackedEvents + n
      // `harnessOnly`: the same loop calling nothing, to measure what the loop itself costs.
      const track = harnessOnly ? () => {} : (name, props) => journey.track(name, props)
      const before = bench.counters()
      const longTasks = B.longTasks.length
      const frames = B.frames.length
      const t0 = now()
      let loopMs = 0
      if (!every) {
        loopMs = await inTask(() => {
          const j = journey
          const s = now()
          for (let i = 0; i < n; i++) j.track(NAME, { sku: 'A1', price: 20, i })
          return now() - s
        })
      } else {
        await new Promise((resolve) => {
          let i = 0
          const timer = setInterval(() => {
            track(NAME, { sku: 'A1', price: 20, i })
            if (++i === n) {
              clearInterval(timer)
              resolve()
            }
          }, every)
        })
      }
      const trackedAt = now()
      if (harnessOnly) return { n, trackingMs: trackedAt - t0 }
      await B.until(() => B.ackedEvents >= acked && allDelivered(), 120000)
      // Acknowledged, and deleted where it was stored.
      const ackedAt = Math.max(B.lastAckAt, B.lastAckDeleteAt)
      await sleep(settleMs)
      const after = bench.counters()
      // Reading the entries makes JS objects of them: skipped where the heap is measured next.
      const responses = entries ? performance.getEntriesByType('resource').filter((e) => e.name.startsWith(endpoint) && e.startTime >= t0) : []
      const lastResponse = Math.max(...responses.map((e) => e.responseEnd))
      return {
        n,
        loopMs,
        trackingMs: trackedAt - t0,
        ackMs: lastResponse - t0,
        removedMs: ackedAt - t0,
        requestsSeen: responses.length,
        tx: { readwrite: after.tx.readwrite - before.tx.readwrite, readonly: after.tx.readonly - before.tx.readonly },
        writes: {
          enqueue: after.writes.enqueue - before.writes.enqueue,
          ack: after.writes.ack - before.writes.ack,
          other: after.writes.other - before.writes.other,
        },
        trimmed: after.trimDeletes - before.trimDeletes,
        longTasks: B.longTasks.slice(longTasks),
        frames: B.frames.slice(frames),
      }
    },

    /** JS heap after a full garbage collection (bytes). */
    heap() {
      performance.clearResourceTimings()
      if (typeof gc === 'function') {
        gc()
        gc()
      }
      return performance.memory ? performance.memory.usedJSHeapSize : NaN
    },

    // ---- start-up: the script-tag build evaluated on a page that has nothing else ----------------
    async prepareStartup() {
      bench.iife = await (await fetch('/journeykit.iife.js')).text()
    },

    /**
     * Evaluates the script-tag build inline (so that no download is timed), in a task of its own,
     * and resolves with the synchronous time.
     */
    async startScript(url) {
      bench.startedAt = await inTask(() => {
        const script = document.createElement('script')
        script.dataset.endpoint = url
        script.textContent = bench.iife
        const start = now()
        document.head.appendChild(script)
        bench.syncMs = now() - start
        return start
      })
    },

    /** Resolves once the first page view is stored in IndexedDB. */
    async startupDone() {
      await B.until(() => B.firstPageStoredAt > 0, 20000)
      const t0 = bench.startedAt
      return {
        syncMs: bench.syncMs,
        queuedMs: B.firstPagePutAt - t0,
        storedMs: B.firstPageStoredAt - t0,
        installed: !!(window.journey && typeof window.journey.track === 'function'),
      }
    },
  })
})()
