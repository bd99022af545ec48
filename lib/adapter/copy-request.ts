import type uWS from 'uWebSockets.js';
import { appendHeader } from '../connection/header-text';
import { RequestInfo } from '../connection/request-info';
import { decodePathSegment, decodePathTail, InvalidPathEncoding } from '../routing/decode-path';
import { pathTail, type CompiledPath } from '../routing/path-pattern';
import type { Refusal } from './handshake-checks';

/** The handshake's own headers: answered during the upgrade, and not worth keeping for a connection's life. */
const HANDSHAKE_ONLY = new Set(['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions']);
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});
/** `GET `, ` HTTP/1.1\r\n`, the `?` and the blank line: what the request line and the end add to the URL and headers. */
const REQUEST_FRAMING_BYTES = 18;

/**
 * Copies what a connection keeps of uWS's request: `req` is only valid until the upgrade handler
 * returns. An idle connection keeps this for its lifetime, so routes without parameters share one
 * empty params object and a static route's path is its pattern's string. Refused instead, with:
 * - 431, a request line and headers over `maxHeaderBytes` (counted in characters, as they are kept);
 * - 400, path parameters that are not percent-encoded UTF-8 (two spellings would name one room).
 */
export function copyRequest(compiled: CompiledPath, req: uWS.HttpRequest, res: uWS.HttpResponse, maxHeaderBytes: number): RequestInfo | Refusal {
  const { paramNames, wildcardSegment, pattern } = compiled;
  const url = req.getUrl();
  const query = req.getQuery() ?? '';
  const headerParts: (string | number)[] = [];
  let bytes = REQUEST_FRAMING_BYTES + url.length + query.length;
  req.forEach((key, value) => {
    bytes += key.length + value.length + 4; // ": " and CRLF
    if (!HANDSHAKE_ONLY.has(key)) appendHeader(headerParts, key, value);
  });
  if (bytes > maxHeaderBytes) {
    return { status: 431, body: `request line and headers take ${bytes} bytes, more than maxHeaderBytes (${maxHeaderBytes})` };
  }
  const isStatic = paramNames.length === 0 && wildcardSegment < 0;
  let params = NO_PARAMS;
  if (!isStatic) {
    const values: Record<string, string> = {};
    for (let i = 0; i < paramNames.length; i++) {
      const value = decodePathSegment(req.getParameter(i));
      if (value instanceof InvalidPathEncoding) return { status: 400, body: value.reason };
      values[paramNames[i]] = value;
    }
    if (wildcardSegment >= 0) {
      const tail = decodePathTail(pathTail(url, wildcardSegment));
      if (tail instanceof InvalidPathEncoding) return { status: 400, body: tail.reason };
      values['*'] = tail;
    }
    params = values;
  }
  return new RequestInfo(isStatic ? pattern : url, query, headerParts.join(''), params, decodeText(res.getRemoteAddressAsText()));
}

// Decodes an ArrayBuffer without wrapping it in a Buffer first (twice as fast per message);
// ignoreBOM keeps a leading U+FEFF in the text, as Buffer#toString does.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export function decodeText(buffer: ArrayBuffer): string {
  return utf8.decode(buffer);
}
