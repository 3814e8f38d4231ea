/**
 * Forgets the page's one-journey-per-endpoint registry and its new-visitor id (src/instances.ts): the next
 * `createJourney` behaves as in a new tab or after a reload, not as a successor of a journey
 * destroyed in the same task.
 */
export function forgetJourneys(): void {
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('journeykit')]
}
