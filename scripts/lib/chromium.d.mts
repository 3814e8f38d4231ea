import type { BrowserContext } from 'playwright-core'
export declare const INSTALL_HINT: string
export declare function findChromium(): string | undefined
export declare function launchChromium(options?: { args?: string[]; headless?: boolean }): Promise<{
  context: BrowserContext
  close(): Promise<void>
}>
