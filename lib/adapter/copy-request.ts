import type uWS from 'uWebSockets.js';
import { appendHeader } from '../connection/header-text';
import { RequestInfo } from '../connection/request-info';
import { pathTail, type CompiledPath } from '../routing/path-pattern';

/** The handshake's own headers: answered during the upgrade, and not worth keeping for a connection's life. */
const HANDSHAKE_ONLY = new Set(['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions']);
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Copies what a connection keeps of uWS's request: `req` is only valid until the upgrade handler
 * returns. An idle connection keeps this for its lifetime, so routes without parameters share one
 * empty params object and a static route's path is its pattern's string.
 */
export function copyRequest(compiled: CompiledPath, req: uWS.HttpRequest, res: uWS.HttpResponse): RequestInfo {
  const { paramNames, wildcardSegment, pattern } = compiled;
  const isStatic = paramNames.length === 0 && wildcardSegment < 0;
  const path = isStatic ? pattern : req.getUrl();
  let params = NO_PARAMS;
  if (!isStatic) {
    const values: Record<string, string> = {};
    for (let i = 0; i < paramNames.length; i++) values[paramNames[i]] = decodeSegment(req.getParameter(i));
    if (wildcardSegment >= 0) values['*'] = decodeSegment(pathTail(path, wildcardSegment));
    params = values;
  }
  const headerParts: (string | number)[] = [];
  req.forEach((key, value) => {
    if (!HANDSHAKE_ONLY.has(key)) appendHeader(headerParts, key, value);
  });
  return new RequestInfo(path, req.getQuery() ?? '', headerParts.join(''), params, decodeText(res.getRemoteAddressAsText()));
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
