const ignore = (): void => undefined;

/**
 * A rejected promise that does not crash the process when nobody awaits it: a fire-and-forget
 * `ws.sendText()` to a peer that has gone must not take every other connection down with it.
 * Whoever awaits it still gets the error.
 */
export function rejected<T = never>(error: unknown): Promise<T> {
  const promise = Promise.reject(error) as Promise<T>;
  promise.catch(ignore);
  return promise;
}

/** The same for a promise that may reject later (e.g. a send waiting for drain). */
export function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(ignore);
  return promise;
}
