/** Inputs a page can pass that throw when merely looked at. */

/** A Proxy whose every trap throws: reading, listing keys, even `instanceof`. */
export function hostileProxy(): Record<string, unknown> {
  const trap = () => {
    throw new Error('trap')
  }
  return new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, has: trap, getOwnPropertyDescriptor: trap }) as Record<string, unknown>
}

/** A revoked Proxy: any operation on it throws a TypeError, `Array.isArray` included. */
export function revokedProxy(): Record<string, unknown> {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy as Record<string, unknown>
}
