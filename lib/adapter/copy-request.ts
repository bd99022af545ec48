import type uWS from 'uWebSockets.js';
import { appendHeader } from '../connection/header-text';
import { RequestInfo } from '../connection/request-info';
import { pathTail, type CompiledPath } from '../routing/path-pattern';
import type { Refusal } from './handshake-checks';

/** `GET `, ` HTTP/1.1\r\n`, the `?` and the blank line: what the request line and the end add to the URL and headers. */
const REQUEST_FRAMING_BYTES = 18;

/**
 * Copies what a connection keeps of uWS's request: `req` is only valid until the upgrade handler
 * returns. A request line and headers over `maxHeaderBytes` (counted in characters, as they are
 * kept) are refused with 431 instead: the connection would hold them for its whole life.
 */
export function copyRequest(compiled: CompiledPath, req: uWS.HttpRequest, res: uWS.HttpResponse, maxHeaderBytes: number): RequestInfo | Refusal {
  const path = req.getUrl();
  const query = req.getQuery() ?? '';
  const headerParts: (string | number)[] = [];
  let bytes = REQUEST_FRAMING_BYTES + path.length + query.length;
  req.forEach((key, value) => {
    bytes += key.length + value.length + 4; // ": " and CRLF
    appendHeader(headerParts, key, value);
  });
  if (bytes > maxHeaderBytes) {
    return { status: 431, body: `request line and headers take ${bytes} bytes, more than maxHeaderBytes (${maxHeaderBytes})` };
  }
  const { paramNames, wildcardSegment } = compiled;
  const params: Record<string, string> = {};
  for (let i = 0; i < paramNames.length; i++) params[paramNames[i]] = decodeSegment(req.getParameter(i));
  if (wildcardSegment >= 0) params['*'] = decodeSegment(pathTail(path, wildcardSegment));
  return new RequestInfo(path, query, headerParts.join(''), params, decodeText(res.getRemoteAddressAsText()));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// Decodes an ArrayBuffer without wrapping it in a Buffer first (twice as fast per message);
// ignoreBOM keeps a leading U+FEFF in the text, as Buffer#toString does.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export function decodeText(buffer: ArrayBuffer): string {
  return utf8.decode(buffer);
}
