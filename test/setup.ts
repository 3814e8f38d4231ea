// Unit tests run in happy-dom with a real IndexedDB implementation in memory.
import 'fake-indexeddb/auto'
