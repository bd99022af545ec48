import type uWS from 'uWebSockets.js';
import type { HttpReply, HttpRoute } from '../http-route';
import type { Logger } from '../logger';
import { statusLine } from './pending-upgrade';

/** Serves one plain HTTP GET with a route's handler, which may answer asynchronously. */
export function serveHttp(route: HttpRoute, res: uWS.HttpResponse, req: uWS.HttpRequest, logger: Logger): void {
  const headers = new Map<string, string>();
  req.forEach((key, value) => headers.set(key, value));
  const info = { method: req.getMethod(), path: req.getUrl(), query: new URLSearchParams(req.getQuery() ?? ''), headers };
  let aborted = false;
  res.onAborted(() => (aborted = true));
  const write = (status: number, replyHeaders: Readonly<Record<string, string>>, body: string | Uint8Array): void => {
    res.cork(() => {
      res.writeStatus(statusLine(status));
      const hasType = Object.keys(replyHeaders).some((k) => k.toLowerCase() === 'content-type');
      if (!hasType) res.writeHeader('Content-Type', 'text/plain; charset=utf-8');
      for (const [key, value] of Object.entries(replyHeaders)) res.writeHeader(key, value);
      res.end(body);
    });
  };
  const fail = (error: unknown): void => {
    logger.error({ err: error, path: info.path }, 'HTTP handler failed; answered 500');
    if (!aborted) write(500, {}, 'internal server error');
  };
  const answer = (reply: HttpReply | string): void => {
    if (aborted) return;
    const { status = 200, headers: replyHeaders = {}, body = '' } = typeof reply === 'string' ? { body: reply } : reply;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      fail(new RangeError(`HTTP handler answered with status ${status}; use 200-599`));
      return;
    }
    write(status, replyHeaders, body);
  };
  try {
    Promise.resolve(route.handler(info)).then(answer, fail);
  } catch (error) {
    fail(error);
  }
}
