import { ProAPIError } from '../errors';

/** Base class of the errors `proapi/testing` throws: each one says what the test was waiting for. */
export class TestClientError extends ProAPIError {
  override name = 'TestClientError';
}

/** Nothing happened in time. `awaited` says what the test was waiting for. */
export class TestTimeoutError extends TestClientError {
  override name = 'TestTimeoutError';
  constructor(
    readonly awaited: string,
    readonly timeoutMs: number,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${awaited} (pass { timeout } to wait longer)`);
  }
}

/**
 * The server answered the upgrade request with an HTTP status instead of `101 Switching Protocols`.
 * `headers` are the response headers, names in lower case.
 * @example
 * await expect(client.connect('/secure')).rejects.toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
 */
export class UpgradeRefusedError extends TestClientError {
  override name = 'UpgradeRefusedError';
  constructor(
    readonly path: string,
    readonly status: number,
    readonly body: string,
    readonly headers: Readonly<Record<string, string | string[] | undefined>> = {},
  ) {
    super(`the server refused the WebSocket upgrade of ${path} with HTTP ${status}${body ? `: ${quote(body)}` : ''}`);
  }
}

/** A message arrived, but not the kind the test asked for (text instead of bytes, text that is not JSON...). */
export class UnexpectedMessageError extends TestClientError {
  override name = 'UnexpectedMessageError';
  constructor(
    readonly expected: string,
    readonly received: string | Buffer,
    detail = '',
  ) {
    super(`expected ${expected} but received ${describeMessage(received)}${detail}`);
  }
}

/** The connection closed while the test was waiting for a message, or before a send. */
export class ConnectionClosedError extends TestClientError {
  override name = 'ConnectionClosedError';
  constructor(
    readonly path: string,
    readonly code: number,
    override readonly reason: string,
    during: string,
  ) {
    super(`the connection to ${path} closed with ${describeClose(code, reason)} ${during}`);
  }
}

/** `expectClose(code)` saw the connection close with another code. */
export class UnexpectedCloseError extends TestClientError {
  override name = 'UnexpectedCloseError';
  constructor(
    readonly path: string,
    readonly expectedCode: number,
    readonly code: number,
    override readonly reason: string,
  ) {
    super(`expected the connection to ${path} to close with ${expectedCode}, but it closed with ${describeClose(code, reason)}`);
  }
}

export function describeClose(code: number, reason: string): string {
  return reason ? `code ${code} (${quote(reason)})` : `code ${code}`;
}

function describeMessage(message: string | Buffer): string {
  if (typeof message === 'string') return `a text message: ${quote(message)}`;
  const preview = message.subarray(0, 16).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return `a binary message of ${message.length} bytes: <${preview}${message.length > 16 ? ' ...' : ''}>`;
}

function quote(text: string, max = 200): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}...` : text);
}
