/** The package version, replaced at build time. */
declare const __VERSION__: string
/** True in the development build (full messages), false in production (codes only). */
declare const __DEV__: boolean
/**
 * True in the script-tag builds (`dist/*.iife.js`), false in the npm build. A script tag always
 * runs in a browser and passes only what its `data-*` attributes say (src/script/config.ts), so
 * code only an npm user can reach (the server-side stub, checks of custom phase models and of
 * function options) is left out of it.
 */
declare const __SCRIPT_TAG__: boolean
/**
 * True where a wire format can be passed (`createJourney({ format })`): the npm build and the
 * Segment script-tag file. The other script-tag files are built without the hook.
 */
declare const __WIRE_FORMAT__: boolean
