/**
 * Decoding of path parameters as uWebSockets.js hands them over. uWS 20.30 gives `getUrl()` and
 * `getParameter(i)` the raw bytes of the request path read as UTF-8, percent escapes untouched:
 * raw `é` (C3 A9) arrives as `é`, and each byte that is not UTF-8 (a raw FF, or E9 sent as
 * Latin-1) as U+FFFD, so the original bytes are lost. Measured with real requests in
 * spec/hardening/10-path-decoding.spec.ts.
 */

/** Why a path could not be decoded; the adapter answers HTTP 400 with {@link reason}. */
export class InvalidPathEncoding {
  constructor(readonly reason: string) {}
}

const REPLACEMENT_CHARACTER = '\uFFFD';
/** A `%` not followed by two hex digits. */
const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
/** An escaped `/`, which a path tail could not tell from a real one. */
const ESCAPED_SLASH = /%2f/i;

/**
 * One path segment (a `:param`) as text: percent escapes decoded as UTF-8, strictly. Refused,
 * so that each value has exactly one spelling: a `%` without two hex digits, escapes that are not
 * UTF-8 (`%ff`, overlong forms, surrogates), and raw bytes that were not UTF-8 (which uWS handed
 * over as U+FFFD; send U+FFFD itself as `%EF%BF%BD`). `%2F` decodes to `/`, which a segment cannot
 * otherwise contain.
 * @example
 * decodePathSegment('caf%C3%A9') // 'café'
 * decodePathSegment('%ff') // InvalidPathEncoding
 */
export function decodePathSegment(raw: string): string | InvalidPathEncoding {
  if (raw.includes(REPLACEMENT_CHARACTER)) {
    return new InvalidPathEncoding('the path has bytes that are not UTF-8; percent-encode its UTF-8 bytes');
  }
  if (!raw.includes('%')) return raw;
  if (MALFORMED_ESCAPE.test(raw)) {
    return new InvalidPathEncoding('the path has a "%" that is not followed by two hex digits; send "%" as %25');
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    // decodeURIComponent accepts exactly the well-formed UTF-8 byte sequences.
    return new InvalidPathEncoding('the path has percent-escapes that are not UTF-8 (such as %ff); percent-encode UTF-8 bytes');
  }
}

/**
 * The tail matched by a trailing `*` (`docs/caf%C3%A9.md`) as text, decoded like
 * {@link decodePathSegment}. An escaped slash is refused: decoded, `a%2Fb` would name the same
 * tail as `a/b`.
 */
export function decodePathTail(raw: string): string | InvalidPathEncoding {
  if (ESCAPED_SLASH.test(raw)) {
    return new InvalidPathEncoding('the path has an escaped "/" (%2F) where the route takes the rest of the path');
  }
  return decodePathSegment(raw);
}
