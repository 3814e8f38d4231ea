/** The queue in this page's memory: used when IndexedDB cannot be, and beside it when a write is refused for quota. */
import type { QueueStorage, StateChange, StoredEvent } from './store'

export function memoryStorage(): QueueStorage {
  // Map iteration follows insertion order; order keys are inserted in tracking order.
  let events = new Map<string, string>()
  let state = new Map<string, unknown>()
  let dropped = 0
  const write = async (added: StoredEvent[], changes: StateChange[], maxEvents: number, alsoDropped = 0) => {
    for (const [key, json] of added) events.set(key, json)
    for (const [name, value] of changes) value === undefined ? state.delete(name) : state.set(name, value)
    let trimmed = 0
    for (const key of events.keys()) {
      if (events.size <= maxEvents) break
      events.delete(key)
      trimmed++
    }
    dropped += trimmed + alsoDropped
    return { _trimmed_: trimmed, _durable_: false }
  }
  return {
    _persistent_: false,
    _write_: write,
    _restore_(added, changes, maxEvents, delivered = []) {
      for (const key of delivered) events.delete(key)
      return write(added, changes, maxEvents)
    },
    _read_: async (limit) => ({ _events_: [...events].slice(0, limit), _dropped_: dropped }),
    async _remove_(keys, reported = 0) {
      for (const key of keys) events.delete(key)
      dropped = Math.max(0, dropped - reported)
    },
    _readState_: async () => [...state],
    _lease_: async () => true,
    async _destroy_() {
      events = new Map()
      state = new Map()
      dropped = 0
    },
  }
}
