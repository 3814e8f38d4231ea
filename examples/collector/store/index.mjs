// The collector's event store: one table of events (the event id its primary key) in DuckDB by
// default, or in PostgreSQL for several collector processes sharing one store. The journey map's
// questions are answered by SQL in the database (../queries.mjs).
import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { createQueries } from '../queries.mjs'
import { validateEvent } from '../validate.mjs'
import { openDuckDB } from './duckdb.mjs'
import { openPostgres } from './postgres.mjs'
import { fromRow, toRow } from './rows.mjs'
import { rebuildVisitors } from './visitors.mjs'

/** A batch refused because a visitor would pass `maxEventsPerVisitor`: the collector answers 403. */
export class VisitorCapError extends Error {
  constructor(anonymousId, cap) {
    super(`visitor ${anonymousId} has reached the limit of ${cap} stored events`)
    this.anonymousId = anonymousId
    this.cap = cap
  }
}

const DAY = 86_400_000
const isPostgres = (database) => /^postgres(ql)?:\/\//.test(database)

/**
 * Opens the store.
 *
 * @param {object} options
 * @param {string} options.database a DuckDB file path (or `:memory:`), or a `postgres://` URL
 * @param {string} [options.schema] PostgreSQL only: the schema to use (created if missing)
 * @param {string[]} options.conversions event names that count as a conversion
 * @param {number} [options.maxEventsPerVisitor=100000] a batch that would store more for one visitor is refused
 * @param {object} [options.client] a ready database client instead of `database` (tests wrap one to inject failures)
 */
export async function openStore({ database, schema, conversions, maxEventsPerVisitor = 100_000, client }) {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`schema must be a plain lower-case SQL name; got ${schema}`)
  const db = client ?? (isPostgres(database) ? await openPostgres(database, { schema }) : await openDuckDB(database))
  const queries = createQueries((sql, values) => db.query(sql, values))

  /**
   * Stores the events of a validated batch that are not stored yet, in one transaction that
   * is committed (durable: see duckdb.mjs / postgres.mjs) before this resolves.
   * `device` is the request's device class (or a function of the event, for bulk loads).
   * Resolves with `{ accepted, duplicates, clamped, visitors }`; rejects with
   * {@link VisitorCapError} (nothing stored) or the database's error.
   */
  async function add(batch, { receivedAt = Date.now(), device = null, maxPerVisitor = maxEventsPerVisitor } = {}) {
    const rows = []
    const ids = new Set()
    let clamped = 0
    for (const event of batch.events) {
      if (ids.has(event.id)) continue
      ids.add(event.id)
      const made = toRow(event, { sentAt: batch.sentAt, receivedAt, device: typeof device === 'function' ? device(event) : device })
      if (made.clamped) clamped++
      rows.push(made.row)
    }
    const inserted = await db.write(async (tx) => {
      const fresh = rows.length ? await tx.insertEvents(rows) : []
      const visitors = [...new Set(fresh.map((row) => row.anonymous_id))]
      if (visitors.length && Number.isFinite(maxPerVisitor)) {
        const counts = await tx.query(
          `SELECT anonymous_id, COUNT(*) AS events FROM events WHERE anonymous_id IN (${visitors.map((_, i) => `$${i + 1}`).join(', ')}) GROUP BY anonymous_id`,
          visitors,
        )
        const over = counts.find((row) => row.events > maxPerVisitor)
        if (over) throw new VisitorCapError(over.anonymous_id, maxPerVisitor)
      }
      await rebuildVisitors(tx, visitors, conversions)
      if (batch.dropped > 0) {
        // Keyed by the batch's first event: a retry of the batch carries the same report.
        const key = batch.events[0]?.id ?? `sentAt:${batch.sentAt}`
        await tx.query('INSERT INTO drops (batch_key, anonymous_id, dropped, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
          key,
          batch.events[0]?.anonymousId ?? null,
          batch.dropped,
          receivedAt,
        ])
      }
      return fresh
    })
    return {
      accepted: inserted.length,
      duplicates: batch.events.length - inserted.length,
      clamped,
      visitors: [...new Set(inserted.map((row) => row.anonymous_id))],
    }
  }

  return {
    dialect: db.dialect,
    add,
    ...queries,

    /** One visitor's last `limit` events as `{ receivedAt, sentAt, event }` records, oldest first. */
    async visitorEvents(anonymousId, limit = 2000) {
      const rows = await db.query(`SELECT * FROM events WHERE anonymous_id = $1 ORDER BY ts DESC, seq DESC LIMIT $2`, [anonymousId, limit])
      return rows.reverse().map((row) => ({
        receivedAt: new Date(row.received_at).toISOString(),
        sentAt: new Date(row.sent_at).toISOString(),
        event: fromRow(row),
      }))
    },

    /**
     * Rebuilds the per-visitor tables from `events` (for `ids`, or everyone), e.g. after events
     * were written to the database by something other than this store.
     */
    rebuildVisitors: (ids) => db.write((tx) => rebuildVisitors(tx, ids, conversions)),

    /** How many events are stored. */
    async count() {
      const [row] = await db.query('SELECT COUNT(*) AS n FROM events')
      return row.n
    },

    /**
     * Retention: deletes events (and drop reports) that reached the collector more than `days`
     * days before `now`. Resolves with the number of events deleted.
     */
    async sweep(days, now = Date.now()) {
      const cutoff = now - days * DAY
      return db.write(async (tx) => {
        const [{ n }] = await tx.query('SELECT COUNT(*) AS n FROM events WHERE received_at < $1', [cutoff])
        if (n) {
          const ids = (await tx.query('SELECT DISTINCT anonymous_id FROM events WHERE received_at < $1', [cutoff])).map((row) => row.anonymous_id)
          await tx.query('DELETE FROM events WHERE received_at < $1', [cutoff])
          await rebuildVisitors(tx, ids, conversions)
        }
        await tx.query('DELETE FROM drops WHERE received_at < $1', [cutoff])
        return n
      })
    },

    /**
     * Reads a newline-delimited JSON file in the old store's format (one
     * `{ receivedAt, sentAt, event }` or `{ receivedAt, sentAt, dropped, anonymousId }` per line)
     * line by line, so its size does not matter, and stores it in batches. Lines that are not
     * JSON or not a valid event are skipped and counted. Resolves with `{ imported, duplicates, skipped }`.
     */
    async importNdjson(file, { batchSize = 5000 } = {}) {
      const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })
      let imported = 0
      let duplicates = 0
      let skipped = 0
      let pending = []
      const flush = async () => {
        if (!pending.length) return
        const rows = pending
        pending = []
        const fresh = await db.write(async (tx) => {
          const inserted = await tx.insertEvents(rows)
          await rebuildVisitors(tx, [...new Set(inserted.map((row) => row.anonymous_id))], conversions)
          return inserted
        })
        imported += fresh.length
        duplicates += rows.length - fresh.length
      }
      const seen = new Set()
      for await (const line of lines) {
        if (line.trim() === '') continue
        let record
        try {
          record = JSON.parse(line)
        } catch {
          skipped++
          continue
        }
        if (Number.isInteger(record?.dropped)) {
          await db.write((tx) =>
            tx.query('INSERT INTO drops (batch_key, anonymous_id, dropped, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
              `import:${record.receivedAt}:${record.anonymousId}`,
              record.anonymousId ?? null,
              record.dropped,
              Date.parse(record.receivedAt) || Date.now(),
            ]),
          )
          continue
        }
        const receivedAt = Date.parse(record?.receivedAt)
        if (!record || validateEvent(record.event) || Number.isNaN(receivedAt) || Number.isNaN(Date.parse(record.sentAt))) {
          skipped++
          continue
        }
        if (seen.has(record.event.id)) {
          duplicates++
          continue
        }
        seen.add(record.event.id)
        pending.push(toRow(record.event, { sentAt: record.sentAt, receivedAt, device: null }).row)
        if (pending.length >= batchSize) {
          await flush()
          seen.clear()
        }
      }
      await flush()
      return { imported, duplicates, skipped }
    },

    /** Writes every stored event to `file` as NDJSON (the import format), in arrival order. */
    async exportNdjson(file) {
      const out = createWriteStream(file)
      let last = -1
      let written = 0
      for (;;) {
        const rows = await db.query('SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT 5000', [last])
        if (!rows.length) break
        for (const row of rows) {
          const line = JSON.stringify({ receivedAt: new Date(row.received_at).toISOString(), sentAt: new Date(row.sent_at).toISOString(), event: fromRow(row) }) + '\n'
          if (!out.write(line)) await once(out, 'drain')
        }
        written += rows.length
        last = rows[rows.length - 1].seq
      }
      out.end()
      await once(out, 'finish')
      return written
    },

    close: () => db.close(),
  }
}
