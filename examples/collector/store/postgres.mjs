// The PostgreSQL client behind the store: for a shared deployment, where several collector
// processes (behind a load balancer) write one database.
//
// Durability: with PostgreSQL's defaults (`synchronous_commit = on`, `fsync = on`) COMMIT returns
// only after the transaction's WAL record is flushed to disk; the collector answers 2xx after
// COMMIT. De-duplication is the primary key, so two processes that receive the same retried
// batch store it once.
import pg from 'pg'
import { COLUMNS, SCHEMA } from './rows.mjs'

// COUNT(*) and BIGINT arrive as strings by default (they may exceed 2^53); epoch milliseconds and
// counts here do not, and the queries compare them as numbers.
const INT8 = 20
const NUMERIC = 1700

/** Rows per INSERT: 29 parameters each, under PostgreSQL's 65,535 parameters per statement. */
const CHUNK = 1000

/**
 * Connects to `url` (e.g. `postgres://journeykit:journeykit@127.0.0.1:5432/journeykit`) and
 * creates the tables if needed, in `schema` when given (tests use one schema each).
 */
export async function openPostgres(url, { schema } = {}) {
  const types = {
    getTypeParser(oid, format) {
      if (oid === INT8 || oid === NUMERIC) return (value) => (value === null ? null : Number(value))
      return pg.types.getTypeParser(oid, format)
    },
  }
  const pool = new pg.Pool({ connectionString: url, types, max: 4, ...(schema ? { options: `-c search_path=${schema}` } : {}) })
  // A connection that dies while idle must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  const setup = await pool.connect()
  try {
    await setup.query('BEGIN')
    // Two collectors starting at once would race on CREATE … IF NOT EXISTS.
    await setup.query('SELECT pg_advisory_xact_lock(8787)')
    if (schema) await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    for (const statement of SCHEMA) await setup.query(statement)
    await setup.query('CREATE INDEX IF NOT EXISTS events_visitor ON events (anonymous_id, ts)')
    await setup.query('CREATE INDEX IF NOT EXISTS events_server_ts ON events (server_ts)')
    await setup.query('COMMIT')
  } catch (error) {
    await setup.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    setup.release()
  }

  return {
    dialect: 'postgres',
    async query(sql, params = []) {
      return (await pool.query(sql, params)).rows
    },
    async write(fn) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await fn({
          query: async (sql, params = []) => (await client.query(sql, params)).rows,
          insertEvents: (rows) => insertEvents(client, rows),
        })
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    close: () => pool.end(),
  }
}

async function insertEvents(client, rows) {
  const inserted = []
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK)
    const params = []
    const tuples = chunk.map((row) => `(${COLUMNS.map((column) => `$${params.push(row[column] ?? null)}`).join(', ')})`)
    const { rows: got } = await client.query(
      `INSERT INTO events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING RETURNING id, anonymous_id`,
      params,
    )
    inserted.push(...got)
  }
  return inserted
}
