/**
 * The inline stub a page puts before the script tag, so it can call `journey.track(...)` before
 * journeykit has loaded; the IIFE replays those calls in order. It is documented in the README;
 * this constant is its single source of truth (tests and examples use it).
 *
 * What it does: creates `window.journey` with a queue `q` and one method per API call that
 * pushes `[method, arguments]` onto it. `journey.phase` and return values (flush's promise, on's
 * unsubscribe) only exist once the real library is there.
 */
export const STUB =
  '!function(w){var j=w.journey=w.journey||{q:[]};j.q&&"track page identify consent flush reset on".split(" ").forEach(function(m){j[m]=j[m]||function(){j.q.push([m,arguments])}})}(window);'
