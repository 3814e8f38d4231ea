/**
 * Who an event is about: the anonymous visitor id, the user id from `identify()`, and the session,
 * all kept in the journey's state slots (so they are stored, and shared with other tabs, with the
 * rest of the state).
 */
import { uuidv7 } from '../event/id'
import { pageVisitorId } from '../instances'
import type { SessionInfo, StateSlot } from '../types'

/** A session as stored: its public fields and when it last saw activity. */
export interface Session extends SessionInfo {
  lastActivity: number
}

export interface Identity {
  /** The anonymous visitor id; made (the same for every journey on the page) when there is none. */
  anonymousId(): string
  /** The user id `identify()` set, or null. */
  userId(): string | null
  /** Sets the user id from this event on. */
  identify(userId: string): void
  /** The session at `time`, kept alive by it, or a new one after `sessionTimeout` without activity. */
  session(time: number): Session
  /** (Written `_name_`: the build shortens it; not public.) */
  /** The session last stored, expired or not. */
  _storedSession_(): Session | undefined
  /** The current session's id: a new session when the stored one has expired. */
  sessionId(): string
  /** A new visitor: a new anonymous id, no user id, no session. */
  reset(): void
}

/**
 * Which stored state changes other tabs must hear of at once: identity (anyone but the session)
 * and a session with a new id. A session only kept alive (its last activity, written with every
 * event) is not news. Remembers the session id it last saw, so make one per journey.
 */
export function newsForOtherTabs(): (changes: Array<[string, unknown]>) => boolean {
  let written: string | undefined
  return (changes) => {
    let news = false
    for (const [key, value] of changes) {
      if (key !== 'session') news = true
      else if ((value as Session | undefined)?.id !== written) {
        written = (value as Session | undefined)?.id
        news = true
      }
    }
    return news
  }
}

/** The identity kept in the slots `slot` makes, with sessions ending after `sessionTimeout` ms. */
export function createIdentity(slot: <T>(key: string) => StateSlot<T>, sessionTimeout: number): Identity {
  const anonymousId = slot<string>('anonymousId')
  const userId = slot<string>('userId')
  const session = slot<Session>('session')

  function current(time: number): Session {
    let now = session.get()
    if (!now || time - now.lastActivity > sessionTimeout) {
      now = { id: uuidv7(), count: (now?.count ?? 0) + 1, startedAt: time, lastActivity: time }
    } else {
      now = { ...now, lastActivity: Math.max(now.lastActivity, time) }
    }
    session.set(now)
    return now
  }

  return {
    anonymousId() {
      let id = anonymousId.get()
      if (!id) anonymousId.set((id = pageVisitorId(uuidv7)))
      return id
    },
    userId: () => userId.get() ?? null,
    identify: (id) => userId.set(id),
    session: current,
    _storedSession_: () => session.get(),
    sessionId() {
      const stored = session.get()
      // An expired session is not current: the next event starts a new one, as it would anyway.
      return stored && Date.now() - stored.lastActivity <= sessionTimeout ? stored.id : current(Date.now()).id
    },
    reset() {
      anonymousId.set(pageVisitorId(uuidv7, anonymousId.get()))
      userId.set(undefined)
      session.set(undefined)
    },
  }
}
