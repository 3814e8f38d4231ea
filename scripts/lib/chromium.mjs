// Finds and launches the system Chromium (Debian's `chromium` package) through playwright-core.
// Shared by the browser test suite, `npm run demo`'s check and `npm run bench`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

export const INSTALL_HINT =
  'No Chromium found. Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) ' +
  'or set JOURNEYKIT_CHROMIUM=/path/to/chromium.'

/** The Chromium executable to use, or undefined when none is installed. */
export function findChromium() {
  const fromEnv = process.env.JOURNEYKIT_CHROMIUM
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined
  return CANDIDATES.find((path) => existsSync(path))
}

// Flags for a quiet headless run on a machine with no outside network: without the
// background-networking ones Chromium keeps trying to reach its own services.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]

/**
 * Launches headless Chromium with a fresh profile. Returns `{ context, close }`: a persistent
 * context (so IndexedDB behaves as in a real profile) and a function that closes it and removes
 * the profile.
 */
export async function launchChromium({ args = [], headless = true } = {}) {
  const executablePath = findChromium()
  if (!executablePath) throw new Error(INSTALL_HINT)
  const { chromium } = await import('playwright-core')
  const userDataDir = mkdtempSync(join(tmpdir(), 'journeykit-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless,
    args: [...FLAGS, ...args],
  })
  return {
    context,
    async close() {
      await context.close().catch(() => {})
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}
