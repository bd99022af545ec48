/** Longest string request id; a longer one would make every reply, error replies too, as long. */
export const MAX_REQUEST_ID_LENGTH = 256;

/**
 * What keeps `id` from being a request id, or undefined when it is one (or absent). A request id
 * comes back in the reply exactly as it was sent, so it is a string of at most
 * {@link MAX_REQUEST_ID_LENGTH} characters, or a number `JSON.parse` did not round: finite, and a
 * safe integer if it is an integer. Past 2^53 - 1, `JSON.parse` has already rounded it
 * (`9007199254740993` reads as `9007199254740992`), so the reply could not carry the id the client
 * sent: such ids are refused, with the hint to send them as strings. (A fraction comes back as the
 * same double; only a client writing more digits than a double holds would see it shortened.)
 */
export function requestIdProblem(id: unknown, idField: string): string | undefined {
  if (id === undefined) return undefined;
  if (typeof id === 'string') {
    return id.length > MAX_REQUEST_ID_LENGTH ? `${idField} must be at most ${MAX_REQUEST_ID_LENGTH} characters long` : undefined;
  }
  // `1e999` parses to Infinity, which JSON would echo as null.
  if (typeof id !== 'number' || !Number.isFinite(id)) return `${idField} must be a string or a finite number`;
  if (Number.isInteger(id) && !Number.isSafeInteger(id)) {
    return (
      `${idField} must be an integer between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}: ` +
      'larger ones lose precision when parsed; send it as a string'
    );
  }
  return undefined;
}
