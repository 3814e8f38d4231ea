/**
 * A set of event listeners added to one target together and removed together, written once as a
 * table (`{ pagehide: onPageHide, … }`) instead of an add and a remove call for each.
 */

/**
 * Adds each `type: listener` of `listeners` to `target` (nothing when there is no target, as
 * where the Navigation API is missing); returns what removes them all again.
 */
export function listen(target: EventTarget | undefined, listeners: Record<string, (event: Event) => void>): () => void {
  const each = (method: 'addEventListener' | 'removeEventListener'): void => {
    for (const type in listeners) target?.[method](type, listeners[type]!)
  }
  each('addEventListener')
  return () => each('removeEventListener')
}
