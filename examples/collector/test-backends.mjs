// The two databases the collector's tests run against (kept out of test/ so that `node --test`
// does not count this file as a test):
//   - DuckDB, in a temporary directory;
//   - PostgreSQL at JOURNEYKIT_TEST_POSTGRES (default postgres://journeykit:journeykit@127.0.0.1:5432/journeykit),
//     each test in a schema of its own that is dropped afterwards.
// Without a reachable PostgreSQL its tests are skipped with a hint, except under CI=true, where
// they run (and fail), so that CI cannot pass without them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const POSTGRES_URL = process.env.JOURNEYKIT_TEST_POSTGRES || 'postgres://journeykit:journeykit@127.0.0.1:5432/journeykit'

async function reachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

const postgresUp = await reachable(POSTGRES_URL)
const HINT =
  `PostgreSQL is not reachable at ${POSTGRES_URL.replace(/:[^:@/]*@/, ':***@')}: start it and create the role and database ` +
  '(see examples/collector/README.md, "Tests"), or set JOURNEYKIT_TEST_POSTGRES'

const dirs = []
const schemas = []

/**
 * The backends to run a test on: `{ name, skip, options() }`. `options()` returns fresh
 * `startCollector`/`openStore` options (a new DuckDB file, or a new PostgreSQL schema); call it
 * again with the same `key` to reopen the same store (a restart).
 */
export const BACKENDS = [
  {
    name: 'duckdb',
    skip: false,
    options(key) {
      if (!key || !this.files.has(key)) {
        const dir = mkdtempSync(join(tmpdir(), 'journeykit-collector-'))
        dirs.push(dir)
        const file = join(dir, 'data', 'events.duckdb')
        if (!key) return { database: file }
        this.files.set(key, file)
      }
      return { database: this.files.get(key) }
    },
    files: new Map(),
  },
  {
    name: 'postgres',
    skip: postgresUp || process.env.CI === 'true' ? false : HINT,
    options(key) {
      if (!key || !this.schemas.has(key)) {
        const schema = `jk_test_${randomBytes(6).toString('hex')}`
        schemas.push(schema)
        if (!key) return { database: POSTGRES_URL, schema }
        this.schemas.set(key, schema)
      }
      return { database: POSTGRES_URL, schema: this.schemas.get(key) }
    },
    schemas: new Map(),
  },
]

if (BACKENDS[1].skip) console.log(`# ${HINT}`)

/** Removes the temporary DuckDB files and PostgreSQL schemas. Call from a top-level `after`. */
export async function cleanUp() {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  if (!schemas.length || !postgresUp) return
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await client.end()
}
