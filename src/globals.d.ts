/** The package version, replaced at build time. */
declare const __VERSION__: string
/** True in the development build (full messages), false in production (codes only). */
declare const __DEV__: boolean
