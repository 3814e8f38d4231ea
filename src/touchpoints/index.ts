import type { Plugin } from '../types'

/** The standard set of automatic touchpoints. (Filled in as touchpoints land.) */
export function defaults(): Plugin[] {
  return []
}
