/** Lazily created per-node state, keyed by the request's `node` param. */

/** Returns a lookup that creates each node's state on first use with `make(node)`. */
export function perNode<T>(make: (node: string) => T): (node: unknown) => T {
  const items = new Map<string, T>();
  return (node) => {
    const name = String(node);
    let found = items.get(name);
    if (found === undefined) {
      found = make(name);
      items.set(name, found);
    }
    return found;
  };
}
