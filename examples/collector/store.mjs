// An embedded event store: one JSON record per line in a single append-only file, plus an
// in-memory index rebuilt from that file on start. Newline-delimited JSON is easy to read
// (`tail -f`, `jq`), easy to append to atomically enough for a demo, and easy to recover: a
// crash mid-write can only tear the last line, which is dropped on the next start.
//
// Each line is one of:
//   { "receivedAt": "…", "sentAt": "…", "event": { …the event exactly as sent… } }
//   { "receivedAt": "…", "sentAt": "…", "dropped": 3, "anonymousId": "…" }
// The second kind records a client's report that its queue was full and it had to drop events,
// so that loss stays visible after a restart too.
import { appendFileSync, closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { dirname } from 'node:path'

function parses(line) {
  try {
    JSON.parse(line)
    return true
  } catch {
    return false
  }
}

/**
 * Opens (creating it if needed) the store at `dataFile` and loads what it holds.
 * `log` receives recovery notices (a torn last line, a corrupt line).
 */
export function openStore(dataFile, { log = () => {} } = {}) {
  mkdirSync(dirname(dataFile), { recursive: true })

  /** Every stored event record, in the order it was received. */
  const records = []
  /** anonymousId → that visitor's event records, in the order received. */
  const byVisitor = new Map()
  /** anonymousId → events the visitor's client reported as dropped. */
  const droppedByVisitor = new Map()
  /** Event ids already stored (or being written): the de-duplication set. */
  const seen = new Set()

  function index(record) {
    if (record.event) {
      const { event } = record
      seen.add(event.id)
      records.push(record)
      let list = byVisitor.get(event.anonymousId)
      if (!list) byVisitor.set(event.anonymousId, (list = []))
      list.push(record)
    } else if (Number.isInteger(record.dropped)) {
      const id = record.anonymousId ?? ''
      droppedByVisitor.set(id, (droppedByVisitor.get(id) ?? 0) + record.dropped)
    }
  }

  // Reload. A file that does not end in a newline was cut mid-write: cut it back to the last
  // complete line so that the next append starts on a line of its own.
  if (existsSync(dataFile)) {
    let text = readFileSync(dataFile, 'utf8')
    const end = text.lastIndexOf('\n') + 1
    if (end < text.length) {
      const tail = text.slice(end)
      if (parses(tail)) {
        // Complete but unterminated (written by hand?): keep it, and end it.
        appendFileSync(dataFile, '\n')
        text += '\n'
      } else {
        log(`store: dropped a torn last line (${Buffer.byteLength(tail)} bytes) from ${dataFile}`)
        const fd = openSync(dataFile, 'r+')
        ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)))
        closeSync(fd)
        text = text.slice(0, end)
      }
    }
    const lines = text.split('\n')
    lines.forEach((line, n) => {
      if (line.trim() === '') return
      try {
        index(JSON.parse(line))
      } catch {
        log(`store: skipped line ${n + 1} of ${dataFile}: not JSON`)
      }
    })
  }

  // Appends run one after another, so lines never interleave and the order in the file is the
  // order the batches were accepted in.
  let writing = Promise.resolve()

  return {
    dataFile,

    /**
     * Stores the events of a validated batch that were not stored before. Resolves once they
     * are written to the file (so the collector acknowledges only what is on disk) with
     * `{ accepted, duplicates, visitors }`.
     */
    async add(batch, receivedAt = new Date()) {
      const at = receivedAt.toISOString()
      const fresh = []
      let duplicates = 0
      for (const event of batch.events) {
        // A retry of a batch may arrive while the first attempt is still being written: claim
        // the id now so that only one of them is stored.
        if (seen.has(event.id)) duplicates++
        else {
          seen.add(event.id)
          fresh.push({ receivedAt: at, sentAt: batch.sentAt, event })
        }
      }
      const lines = fresh.map((record) => JSON.stringify(record))
      if (batch.dropped > 0) {
        const dropped = { receivedAt: at, sentAt: batch.sentAt, dropped: batch.dropped, anonymousId: batch.events[0]?.anonymousId ?? null }
        lines.push(JSON.stringify(dropped))
        fresh.push(dropped)
      }
      if (lines.length > 0) {
        const write = writing.then(() => appendFile(dataFile, lines.join('\n') + '\n'))
        writing = write.catch(() => {})
        try {
          await write
        } catch (error) {
          // Not written: forget the ids so that the client's retry can store them.
          for (const record of fresh) if (record.event) seen.delete(record.event.id)
          throw error
        }
        for (const record of fresh) index(record)
      }
      const visitors = [...new Set(fresh.filter((r) => r.event).map((r) => r.event.anonymousId))]
      return { accepted: fresh.filter((r) => r.event).length, duplicates, visitors }
    },

    /** Every stored event record, oldest received first. */
    records: () => records,
    /** The anonymous ids of every visitor seen. */
    visitorIds: () => [...byVisitor.keys()],
    /** One visitor's event records, or undefined. */
    visitor: (anonymousId) => byVisitor.get(anonymousId),
    /** How many events the visitor's client reported dropping (queue full). */
    droppedFor: (anonymousId) => droppedByVisitor.get(anonymousId) ?? 0,
    /** Waits for pending writes. */
    settle: () => writing,
  }
}
