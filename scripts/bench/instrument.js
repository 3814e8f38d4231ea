// Runs in every bench page before any other script (Playwright init script). It only counts:
// IndexedDB transactions and the queue's puts and deletes, long tasks and long animation frames.
// The wrappers add a fraction of a microsecond to each IndexedDB call, which is off the track()
// hot path (writes are coalesced and happen later).
;(() => {
  if (window.__bench) return
  const now = () => performance.now()
  const B = (window.__bench = {
    /** Transactions opened, by mode. */
    tx: { readonly: 0, readwrite: 0, versionchange: 0 },
    /** Completed readwrite transactions by what they did. */
    writes: { enqueue: 0, ack: 0, other: 0 },
    /** Queued events put (counted when put, and when committed), deleted after delivery, and trimmed from a full queue. */
    queuedPuts: 0,
    storedPuts: 0,
    ackDone: 0,
    trimDeletes: 0,
    /** Events in requests the endpoint answered with a 2xx, and when the last such answer came. */
    ackedEvents: 0,
    lastAckAt: 0,
    firstPutAt: 0,
    firstPagePutAt: 0,
    firstPageStoredAt: 0,
    lastAckDeleteAt: 0,
    longTasks: [],
    frames: [],
    /** Resolves when `test()` is true, checked after every readwrite transaction and every 20 ms. */
    until(test, timeout = 60000) {
      return new Promise((resolve, reject) => {
        if (test()) return resolve()
        const started = now()
        const check = () => {
          if (test()) {
            clearInterval(timer)
            waiters.delete(check)
            resolve()
          } else if (now() - started > timeout) {
            clearInterval(timer)
            waiters.delete(check)
            reject(new Error('timed out after ' + timeout + ' ms'))
          }
        }
        const timer = setInterval(check, 20)
        waiters.add(check)
      })
    },
  })
  const waiters = new Set()
  const notify = () => waiters.forEach((check) => check())

  const info = new WeakMap()
  const transaction = IDBDatabase.prototype.transaction
  IDBDatabase.prototype.transaction = function (stores, mode) {
    const tx = transaction.apply(this, arguments)
    const kind = mode || 'readonly'
    B.tx[kind] = (B.tx[kind] || 0) + 1
    if (kind === 'readwrite') {
      // `added`: events of new records (put before any deletion in the transaction); `removed`:
      // events of deleted records less those put back (a record rewritten without some events).
      const ops = { added: 0, removed: 0, deleted: false, page: false }
      info.set(tx, ops)
      tx.addEventListener('complete', () => {
        B.writes[ops.added ? 'enqueue' : ops.deleted ? 'ack' : 'other']++
        B.storedPuts += ops.added
        if (ops.added) B.trimDeletes += ops.removed
        else B.ackDone += ops.removed
        if (ops.page && !B.firstPageStoredAt) B.firstPageStoredAt = now()
        notify()
      })
    }
    return tx
  }
  // Queued events are stored in records `['q', endpoint, firstKey, lastKey, count]`; older
  // versions stored one event per key, `['q', endpoint, orderKey]` or 'q:<orderKey>'.
  const isQueued = (key) =>
    Array.isArray(key) ? key[0] === 'q' : typeof key === 'string' && key.charCodeAt(0) === 113 && key.charCodeAt(1) === 58
  const eventsIn = (key) => (Array.isArray(key) && key.length === 5 ? key[4] : 1)
  const put = IDBObjectStore.prototype.put
  IDBObjectStore.prototype.put = function (value, key) {
    if (isQueued(key)) {
      const ops = info.get(this.transaction)
      if (ops && ops.deleted) ops.removed -= eventsIn(key)
      else {
        B.queuedPuts += eventsIn(key)
        if (ops) ops.added += eventsIn(key)
        if (!B.firstPutAt) B.firstPutAt = now()
        if (!B.firstPagePutAt && typeof value === 'string' && value.includes('"type":"page"')) {
          B.firstPagePutAt = now()
          if (ops) ops.page = true
        }
      }
    }
    return put.apply(this, arguments)
  }
  const remove = IDBObjectStore.prototype.delete
  IDBObjectStore.prototype.delete = function (key) {
    if (isQueued(key)) {
      const ops = info.get(this.transaction)
      if (ops) {
        ops.deleted = true
        ops.removed += eventsIn(key)
        if (!ops.added) B.lastAckDeleteAt = now()
      }
    }
    return remove.apply(this, arguments)
  }

  // Events the endpoint acknowledged (a 2xx to a request carrying them): what is delivered
  // straight from memory is never stored, so stored-then-deleted counts alone cannot tell.
  const realFetch = window.fetch
  window.fetch = function (input, init) {
    const body = init && typeof init.body === 'string' ? init.body : ''
    let events = 0
    if (body.startsWith('{"sentAt"')) for (let at = body.indexOf('"id":"'); at >= 0; at = body.indexOf('"id":"', at + 6)) events++
    const response = realFetch.apply(this, arguments)
    if (events) {
      response.then(
        (r) => {
          if (!r.ok) return
          B.ackedEvents += events
          B.lastAckAt = now()
          notify()
        },
        () => {},
      )
    }
    return response
  }

  try {
    performance.setResourceTimingBufferSize(100000)
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push({ start: e.startTime, duration: e.duration })
    }).observe({ type: 'longtask', buffered: true })
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        B.frames.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          scripts: e.scripts.map((s) => ({ url: s.sourceURL, fn: s.sourceFunctionName, invoker: s.invoker, duration: s.duration })),
        })
      }
    }).observe({ type: 'long-animation-frame', buffered: true })
  } catch {
    // An older browser: the bench reports what it can.
  }
})()
