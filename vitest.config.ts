import { readFileSync } from 'node:fs'
import { defineConfig } from 'vitest/config'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

export default defineConfig({
  // Tests run the development build's code: the full message texts (test/production-build.test.ts
  // checks the other), and the npm build's (`__SCRIPT_TAG__` false: the browser suite checks the
  // script-tag files).
  define: { __VERSION__: JSON.stringify(version), __DEV__: 'true', __SCRIPT_TAG__: 'false', __WIRE_FORMAT__: 'true' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'happy-dom',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/size.test.ts'],
          setupFiles: ['test/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'size',
          environment: 'node',
          include: ['test/size.test.ts'],
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          // One Chromium at a time: the machine has two cores and the suites share nothing.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
