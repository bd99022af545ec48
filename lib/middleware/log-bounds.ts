import { cutText } from '../cut-text';

/*
 * Limits on what one log line takes from a request, whatever the client sent: headers of 100 KB,
 * thousands of query parameters or a huge `X-Request-Id` would otherwise be written in full for
 * every attempt, refused ones too.
 */

/** Characters of one query parameter or header value kept; longer ones are cut with `…`. */
export const MAX_LOGGED_VALUE_CHARACTERS = 256;
/** Characters of one query parameter or header name kept. */
export const MAX_LOGGED_NAME_CHARACTERS = 64;
/** Bytes (as JSON) the headers, or the query parameters, of one request take at most in a log line. */
export const MAX_LOGGED_SET_BYTES = 4096;
/** Characters of the request path kept. */
export const MAX_LOGGED_PATH_CHARACTERS = 512;

/** Name → value, bounded; `omitted` counts the entries left out. */
export interface BoundedRecord {
  readonly entries: Record<string, string>;
  readonly omitted: number;
}

/**
 * The entries as a record for a log line: names and values cut, then entries kept in order
 * while they fit in {@link MAX_LOGGED_SET_BYTES}. `valueOf` maps each value (e.g. redacts it)
 * and returns undefined to leave an entry out without counting it.
 */
export function boundedRecord(
  entries: Iterable<readonly [string, string]>,
  valueOf: (name: string, value: string) => string | undefined,
): BoundedRecord {
  const record: Record<string, string> = {};
  let bytes = 2;
  let omitted = 0;
  for (const [name, raw] of entries) {
    const value = valueOf(name, raw);
    if (value === undefined) continue;
    if (omitted > 0) {
      omitted++;
      continue;
    }
    const key = cutText(name, MAX_LOGGED_NAME_CHARACTERS);
    const shown = cutText(value, MAX_LOGGED_VALUE_CHARACTERS);
    // A repeated name replaces its value: the earlier entry's bytes stay counted, which errs towards less.
    const added = Buffer.byteLength(JSON.stringify(key)) + Buffer.byteLength(JSON.stringify(shown)) + 2;
    if (bytes + added > MAX_LOGGED_SET_BYTES) {
      omitted = 1;
      continue;
    }
    bytes += added;
    record[key] = shown;
  }
  return { entries: record, omitted };
}
