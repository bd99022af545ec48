/** An HTTP header name: RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** CR, LF or NUL in a value would end the header early (response splitting). */
const UNSAFE_VALUE = /[\r\n\0]/;

/** Throws a TypeError, saying which header, unless every name and value can be written as it is. */
export function checkResponseHeaders(headers: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(headers)) {
    if (!HEADER_NAME.test(name)) throw new TypeError(`response header name ${JSON.stringify(name)} is not a valid HTTP header name`);
    const value: unknown = headers[name];
    if (typeof value !== 'string' || UNSAFE_VALUE.test(value)) {
      throw new TypeError(`response header ${name} must be a string without CR, LF or NUL, got ${JSON.stringify(value)}`);
    }
  }
}
