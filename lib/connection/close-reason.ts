/** The longest close reason a close frame carries, in UTF-8 bytes (RFC 6455 §5.5: 125 minus the code). */
export const MAX_REASON_BYTES = 123;

/** `text` cut to at most `maxBytes` of UTF-8, at a character boundary (a genuine U+FFFD is kept). */
export function truncateUtf8(text: string, maxBytes: number = MAX_REASON_BYTES): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
