/**
 * The script-tag build (`dist/journeykit.iife.js`): creates `window.journey` from the script
 * tag's `data-*` attributes with the default touchpoints and phase model, then replays the calls
 * the inline stub queued before this file loaded (see ./install).
 */
import { install } from './install'

install()
