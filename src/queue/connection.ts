/**
 * The connection to journeykit's IndexedDB database, as an idb-keyval store that, unlike
 * `createStore`, also closes its connection when another tab deletes or upgrades the database
 * (`versionchange`; otherwise that tab's delete is blocked forever) and gives up on an `open()`
 * that never settles (Safari 14, WebKit bug 226547).
 */
import { promisifyRequest, type UseStore } from 'idb-keyval'

/** One database, one object store, for every journey of the site. */
export const DB_NAME = 'journeykit'
const STORE_NAME = DB_NAME
/** An open (or a deletion) that has not settled by then never will. */
export const OPEN_TIMEOUT = 3000

/**
 * `promise`, or a rejection once `ms` have passed without it settling. `what` names the operation
 * in the development build's message (`__DEV__ && '…'`: the production build says 'timeout').
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string | false): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error((__DEV__ && `${what} did not finish within ${ms} ms`) || 'timeout')), ms)
    promise.finally(() => clearTimeout(timer)).then(resolve, reject)
  })
}

/** The object store (an idb-keyval `UseStore`) and the end of its connection; members written `_name_`: the build shortens them. */
export interface Store {
  _use_: UseStore
  _close_(): void
}

/** The store, connected on first use and again after the connection was lost; `_close_` closes it. */
export function openStore(): Store {
  let db: Promise<IDBDatabase> | undefined
  const forget = (): void => {
    db?.then((connection) => connection.close(), () => {})
    db = undefined
  }
  const connect = (): Promise<IDBDatabase> => {
    if (db) return db
    const request = indexedDB.open(DB_NAME)
    request.onupgradeneeded = () => request.result.createObjectStore(STORE_NAME)
    const opening = promisifyRequest(request)
    db = withTimeout(opening, OPEN_TIMEOUT, __DEV__ && 'Opening IndexedDB')
    db.then(
      (connection) => {
        connection.onversionchange = forget
        // Safari closes connections on its own ("Connection to Indexed Database server lost").
        connection.onclose = () => (db = undefined)
      },
      () => {
        db = undefined
        // Given up on, then opened after all: close it, or it would block another tab's deletion.
        opening.then((late) => late.close(), () => {})
      },
    )
    return db
  }
  return {
    // `open()` can throw synchronously (Firefox private windows): as a rejection, like any failure.
    _use_: (mode, callback) =>
      new Promise<IDBDatabase>((resolve) => resolve(connect())).then((connection) =>
        callback(connection.transaction(STORE_NAME, mode).objectStore(STORE_NAME)),
      ),
    _close_: forget,
  }
}
