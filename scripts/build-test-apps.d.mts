/** Builds test app `app` with Vite in `mode`; resolves to its output folder. See build-test-apps.mjs. */
export function buildTestApp(app: 'react' | 'vue', mode?: 'production' | 'development'): Promise<string>
