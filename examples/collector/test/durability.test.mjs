// What the DuckDB store promises about the disk: a 2xx means the events survive the process
// being killed right after it (the WAL is fsynced at COMMIT; see store/duckdb.mjs), and an old
// NDJSON store of any size can be imported, because it is read line by line.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CONVERSIONS } from '../journey.mjs'
import { openStore } from '../store/index.mjs'
import { batch, shopJourney } from '../test-fixtures.mjs'

const SERVER = fileURLToPath(new URL('../server.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'journeykit-durability-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('events acknowledged with 200 are there after the collector is killed (SIGKILL) right after', async () => {
  const database = join(dir, 'killed.duckdb')
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE: database }, stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const found = /send events to\s+(\S+)/.exec(output)?.[1]
        if (found) {
          clearInterval(timer)
          resolve(found)
        }
      }, 20)
      child.once('exit', () => reject(new Error(`the collector exited: ${output}`)))
    })
    const events = shopJourney('anon-killed')
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(batch(events)) })
    assert.equal(res.status, 200)
    child.kill('SIGKILL')
    await exited
    // No checkpoint ran: the events are in the write-ahead log, replayed on open.
    const store = await openStore({ database, conversions: CONVERSIONS })
    assert.equal(await store.count(), events.length)
    await store.close()
  } finally {
    child.kill('SIGKILL')
  }
})

test('imports an NDJSON store larger than 512 MiB (the old collector could not start on one)', { timeout: 300_000 }, async () => {
  const file = join(dir, 'big.ndjson')
  const events = shopJourney('anon-import')
  const fd = openSync(file, 'w')
  const line = (event) => JSON.stringify({ receivedAt: event.timestamp, sentAt: event.timestamp, event }) + '\n'
  writeSync(fd, events.slice(0, 7).map(line).join(''))
  // Padding: lines of 64 KiB of spaces, 600 MiB in all, then the rest of the events, a torn line and a report of dropped events.
  const pad = Buffer.from(' '.repeat(65_535) + '\n')
  for (let i = 0; i < 9600; i++) writeSync(fd, pad)
  writeSync(fd, events.slice(7).map(line).join('') + JSON.stringify({ receivedAt: events[0].timestamp, sentAt: events[0].timestamp, dropped: 4, anonymousId: 'anon-import' }) + '\n{"receivedAt":"2026-')
  closeSync(fd)
  const store = await openStore({ database: join(dir, 'imported.duckdb'), conversions: CONVERSIONS })
  try {
    assert.deepEqual(await store.importNdjson(file), { imported: events.length, duplicates: 0, skipped: 1 })
    assert.deepEqual(await store.importNdjson(file), { imported: 0, duplicates: events.length, skipped: 1 })
    const [visitor] = await store.visitors({ visitor: 'anon-import' })
    assert.equal(visitor.events, events.length)
    assert.equal(visitor.dropped, 4)
    assert.equal(visitor.conversion, 'purchase')
  } finally {
    await store.close()
    rmSync(file, { force: true })
  }
})
