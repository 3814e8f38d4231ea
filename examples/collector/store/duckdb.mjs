// The DuckDB client behind the store: one embedded database file, one process.
//
// Durability: DuckDB appends every committed transaction to its write-ahead log
// (`<file>.wal`) and fsyncs that log before COMMIT returns (checked with strace on 1.5: one
// fsync of the .wal per commit). A checkpoint later folds the log into the main file, and after
// a crash the log is replayed on open. So an insert whose COMMIT returned survives a killed
// process or a power cut; the collector answers 2xx only after that.
//
// DuckDB takes a lock on the file: only one process can write it. Several collectors behind a
// load balancer need the PostgreSQL backend.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { COLUMNS, INTEGER_COLUMNS, SCHEMA } from './rows.mjs'

/** Turns DuckDB's BIGINT/HUGEINT (JS bigint) into numbers: counts and epoch milliseconds fit. */
function plain(row) {
  for (const key in row) if (typeof row[key] === 'bigint') row[key] = Number(row[key])
  return row
}

/**
 * Opens (creating it if needed) the database at `file` (`:memory:` for none).
 * Resolves with the client the store uses: `query`, `write`, `insertEvents`, `close`.
 */
export async function openDuckDB(file) {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const instance = await DuckDBInstance.create(file)
  const writer = await instance.connect()
  for (const statement of SCHEMA) await writer.run(statement)
  // Batches arrive in a staging table (the appender is DuckDB's fast path) and are copied into
  // `events` with ON CONFLICT DO NOTHING, so that a retried batch is stored once.
  await writer.run(`CREATE TEMP TABLE staging AS SELECT ${COLUMNS.join(', ')} FROM events LIMIT 0`)

  // One write at a time on the one writer connection; reads get connections of their own so
  // that a slow page does not hold up ingestion.
  let writing = Promise.resolve()

  return {
    dialect: 'duckdb',
    async query(sql, params = []) {
      const connection = await instance.connect()
      try {
        const reader = await connection.runAndReadAll(sql, params)
        return reader.getRowObjectsJS().map(plain)
      } finally {
        connection.closeSync()
      }
    },
    /** Runs `fn(tx)` in one transaction, after every write before it; `tx.query` as above. */
    write(fn) {
      const run = writing.then(async () => {
        await writer.run('BEGIN TRANSACTION')
        try {
          const result = await fn({
            query: async (sql, params = []) => (await writer.runAndReadAll(sql, params)).getRowObjectsJS().map(plain),
            insertEvents: (rows) => insertEvents(rows),
          })
          await writer.run('COMMIT')
          return result
        } catch (error) {
          await writer.run('ROLLBACK').catch(() => {})
          throw error
        }
      })
      writing = run.catch(() => {})
      return run
    },
    async close() {
      await writing
      writer.closeSync()
      instance.closeSync()
    },
  }

  /** Inserts rows not stored before; resolves with `[{ id, anonymous_id }]` of those inserted. */
  async function insertEvents(rows) {
    await writer.run('DELETE FROM staging')
    const appender = await writer.createAppender('staging', 'main', 'temp')
    for (const row of rows) {
      for (const column of COLUMNS) {
        const value = row[column]
        if (value === null || value === undefined) appender.appendNull()
        else if (INTEGER_COLUMNS.has(column)) appender.appendBigInt(BigInt(Math.round(value)))
        else appender.appendVarchar(value)
      }
      appender.endRow()
    }
    appender.flushSync()
    appender.closeSync()
    const inserted = await writer.runAndReadAll(
      `INSERT INTO events (${COLUMNS.join(', ')}) SELECT ${COLUMNS.join(', ')} FROM staging ON CONFLICT DO NOTHING RETURNING id, anonymous_id`,
    )
    return inserted.getRowObjectsJS()
  }
}
