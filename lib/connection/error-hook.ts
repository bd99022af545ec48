import type { ErrorAnswer } from '../errors';
import type { WebSocketConnection } from './web-socket-connection';

import type { ErrorStage } from './error-stage';

export type { ErrorStage };

/** What `onError` sees besides the error. */
export interface ErrorContext {
  readonly connection: WebSocketConnection;
  readonly stage: ErrorStage;
  /** `Gateway.method`, a middleware's name, or a function route's handler name. */
  readonly where: string;
  /** The message type, in an `@OnMessage` handler. */
  readonly type?: string;
  /** How ProAPI answers it unless the hook returns `'handled'`: an HTTP status before the upgrade, else a frame or a close. */
  readonly answer: ErrorAnswer;
}

/**
 * Sees every error that escapes a middleware or handler, with its connection, before ProAPI
 * answers it. Log it, reply, close: return `'handled'` and ProAPI neither answers nor logs it
 * (a connection still open stays open; one still upgrading is refused with 403 if the hook left it).
 * A hook that throws is logged, and ProAPI answers as usual.
 */
export type ErrorHook = (error: unknown, context: ErrorContext) => void | 'handled';

