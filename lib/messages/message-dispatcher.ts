import { performance } from 'node:perf_hooks';
import type { ErrorSite, MessageSink } from '../connection/connection-context';
import { isThenable } from '../connection/connection-runner';
import { SENT } from '../connection/outbound';
import type { InboundMessage } from '../connection/message';
import type { WebSocketConnection } from '../connection/web-socket-connection';
import { CloseCode, validationSummary, WebSocketDisconnect, WebSocketJsonError, type ErrorAnswer, type ValidationDetail } from '../errors';
import type { Invoker } from '../routing/param-resolvers';
import { ValidationFailure, type DtoValidator } from './dto-validator';
import type { MessageErrorCode, ResolvedMessageOptions } from './message-options';
import { capDetails } from '../errors/validation-details';
import { requestIdProblem } from './request-id';
import { parseJsonSafely } from './safe-json';

/** One `@OnMessage` handler, compiled at boot. */
export interface CompiledMessageHandler {
  readonly type: string;
  /** `Gateway.method`, for logs. */
  readonly name: string;
  /** `null` for `@OnMessage(type, null)`: the payload is passed on unvalidated. */
  readonly validator: DtoValidator | null;
  readonly invoke: Invoker;
  /** `{"type":"chat"`: how every reply of this handler starts, serialized once. */
  readonly replyHead: string;
}

type Pending = Promise<unknown> | undefined;

const MAX_ECHOED_TYPE = 64;

/**
 * Routes each inbound message of a connection to its `@OnMessage` handler: one safe parse, one
 * map lookup, transform and validate, call, and send the return value back. Shared by all
 * connections of a gateway; per message it allocates the payload, the DTO and the reply, and a
 * promise only when a handler, validator or send is asynchronous. Every failure is answered with
 * an error frame (or a close, per `closeOn`), never thrown at the socket.
 *
 * Reply: `{ type, id, data }`. Errors: `{ type: 'error', error, id, message, details | data }`.
 */
export class MessageDispatcher implements MessageSink<WebSocketConnection> {
  private readonly discriminator: string;
  private readonly idField: string;
  /** `,"id":`, serialized once. */
  private readonly idHead: string;
  /** For messages without a discriminator field (option `defaultType`). */
  private readonly defaultHandler: CompiledMessageHandler | undefined;

  constructor(
    private readonly handlers: ReadonlyMap<string, CompiledMessageHandler>,
    private readonly options: ResolvedMessageOptions,
  ) {
    this.discriminator = options.discriminator;
    this.idField = options.idField;
    this.idHead = `,${JSON.stringify(options.idField)}:`;
    this.defaultHandler = options.defaultType === undefined ? undefined : handlers.get(options.defaultType);
  }

  onMessage(ws: WebSocketConnection, message: InboundMessage): Pending {
    if (typeof message !== 'string') {
      const reason = 'binary frames are not accepted: send a JSON object as text';
      return this.fail(ws, 'invalid_json', undefined, reason, CloseCode.UNSUPPORTED_DATA);
    }
    let parsed: unknown;
    try {
      parsed = parseJsonSafely(message, ws.route.app.settings);
    } catch (error) {
      return this.fail(ws, 'invalid_json', undefined, (error as WebSocketJsonError).detail, CloseCode.INVALID_PAYLOAD);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const reason = `expected a JSON object with a "${this.discriminator}" field`;
      return this.fail(ws, 'unknown_type', undefined, reason, CloseCode.POLICY_VIOLATION);
    }
    const fields = parsed as Record<string, unknown>;
    const id = fields[this.idField];
    const idProblem = requestIdProblem(id, this.idField); // echoed as given, or refused
    if (idProblem !== undefined) {
      return this.invalid(ws, undefined, 'request id', [{ property: this.idField, constraints: { isRequestId: idProblem } }]);
    }
    const type = fields[this.discriminator];
    const handler =
      typeof type === 'string' ? this.handlers.get(type) : type === undefined ? this.defaultHandler : undefined;
    if (handler === undefined) return this.unknownType(ws, id, type);

    const payload = payloadOf(fields, this.discriminator, this.idField);
    if (handler.validator === null) return this.run(ws, handler, id, payload);
    let checked: unknown;
    try {
      checked = handler.validator.check(payload);
    } catch (error) {
      // A throwing @Transform() or custom constraint is a server bug, not bad input.
      return this.handlerFailed(ws, handler, id, error);
    }
    if (checked instanceof Promise) return this.runAfterValidation(ws, handler, id, checked);
    if (checked instanceof ValidationFailure) return this.invalid(ws, id, `"${handler.type}" message`, checked.details, checked.total);
    return this.run(ws, handler, id, checked);
  }

  private run(ws: WebSocketConnection, handler: CompiledMessageHandler, id: unknown, message: unknown): Pending {
    const timed = ws.route.app.probe.handlerDuration;
    const started = timed === null ? 0 : performance.now();
    let result: unknown;
    try {
      result = handler.invoke(ws, message);
    } catch (error) {
      if (timed !== null) timed(ws.route.path, handler.type, performance.now() - started);
      return this.handlerFailed(ws, handler, id, error);
    }
    if (isThenable(result)) {
      const replying = this.replyWhenSettled(ws, handler, id, result);
      if (timed !== null) void replying.then(() => timed(ws.route.path, handler.type, performance.now() - started));
      return replying;
    }
    if (timed !== null) timed(ws.route.path, handler.type, performance.now() - started);
    return result === undefined ? undefined : this.reply(ws, handler, id, result);
  }

  private async runAfterValidation(
    ws: WebSocketConnection,
    handler: CompiledMessageHandler,
    id: unknown,
    checking: Promise<unknown>,
  ): Promise<void> {
    let checked: unknown;
    try {
      checked = await checking;
    } catch (error) {
      await this.handlerFailed(ws, handler, id, error);
      return;
    }
    if (checked instanceof ValidationFailure) {
      await this.invalid(ws, id, `"${handler.type}" message`, checked.details, checked.total);
    } else {
      await this.run(ws, handler, id, checked);
    }
  }

  private async replyWhenSettled(
    ws: WebSocketConnection,
    handler: CompiledMessageHandler,
    id: unknown,
    pending: PromiseLike<unknown>,
  ): Promise<void> {
    let result: unknown;
    try {
      result = await pending;
    } catch (error) {
      await this.handlerFailed(ws, handler, id, error);
      return;
    }
    if (result !== undefined) await this.reply(ws, handler, id, result);
  }

  private reply(ws: WebSocketConnection, handler: CompiledMessageHandler, id: unknown, data: unknown): Pending {
    let text: string;
    try {
      const body = JSON.stringify(data);
      if (body === undefined) throw new TypeError(`${handler.name} returned a ${typeof data}, which JSON cannot represent`);
      text = `${handler.replyHead}${id === undefined ? '' : this.idHead + JSON.stringify(id)},"data":${body}}`;
    } catch (error) {
      return this.handlerFailed(ws, handler, id, error);
    }
    return send(ws, text);
  }

  /** A handler (or the validator) threw: the app's error model answers, with an error frame carrying the id. */
  private handlerFailed(ws: WebSocketConnection, handler: CompiledMessageHandler, id: unknown, error: unknown): Pending {
    const site: ErrorSite = {
      stage: 'message',
      where: handler.name,
      type: handler.type,
      closeOn: this.options.closeOn,
      reply: (answer) => this.replyWithError(ws, id, answer, error),
    };
    return ws.route.app.answerError(ws, error, site) as Pending;
  }

  /** An error frame answering `id` (none for `@OnConnect`) the way the app's error model decided. */
  replyWithError(ws: WebSocketConnection, id: unknown, answer: ErrorAnswer, error: unknown): Pending {
    const exposed = answer.wireCode === 'internal' && this.options.exposeErrors ? { details: exposedDetails(error) } : undefined;
    return this.sendError(ws, answer.wireCode, id, answer.reason, answer.frameFields ?? exposed);
  }

  private unknownType(ws: WebSocketConnection, id: unknown, type: unknown): Pending {
    const reason =
      typeof type === 'string'
        ? `no handler for message type "${type.length > MAX_ECHOED_TYPE ? `${type.slice(0, MAX_ECHOED_TYPE)}...` : type}"`
        : `the "${this.discriminator}" field must be a string naming the message type`;
    return this.fail(ws, 'unknown_type', id, reason, CloseCode.POLICY_VIOLATION);
  }

  /** `what` names the invalid thing; the message adds the first problem, for clients that only show text. */
  private invalid(ws: WebSocketConnection, id: unknown, what: string, details: readonly ValidationDetail[], total = details.length): Pending {
    const listed = capDetails(details);
    return this.fail(ws, 'validation', id, validationSummary(what, listed, total), CloseCode.INVALID_PAYLOAD, { details: listed });
  }

  /** Answers a failure found at dispatch; closes afterwards with `closeCode` if the gateway asked to. */
  private fail(ws: WebSocketConnection, code: MessageErrorCode, id: unknown, message: string, closeCode: number, extra?: object): Pending {
    const { logger } = ws.route.app.settings;
    const { stats, probe } = ws.route.app;
    stats.error(code);
    if (probe.error !== null) probe.error(ws.route.path, code);
    const sending = this.sendError(ws, code, id, message, extra);
    if (!this.options.closeOn.has(code)) {
      logger.debug({ path: ws.path, error: code, reason: message }, 'answered a message with an error');
      return sending;
    }
    logger.warn({ path: ws.path, error: code, reason: message, code: closeCode }, `closing after error "${code}"`);
    void ws.close(closeCode, message);
    return undefined;
  }

  /** Sends `{ type: 'error', error, id, message, ...extra }`. */
  private sendError(ws: WebSocketConnection, code: string, id: unknown, message: string, extra: object | undefined): Pending {
    const frame: Record<string, unknown> = { [this.discriminator]: 'error', error: code };
    if (id !== undefined) frame[this.idField] = id;
    frame.message = message;
    if (extra !== undefined) Object.assign(frame, extra);
    let text: string;
    try {
      text = JSON.stringify(frame);
    } catch (error) {
      // Only a WsException's `data` can fail here (a cycle, a BigInt).
      ws.route.app.settings.logger.error({ err: error, path: ws.path, error: code }, 'error reply could not be serialized; sent without data');
      delete frame.data;
      text = JSON.stringify(frame);
    }
    return send(ws, text);
  }
}

/** The message without its envelope fields (type and request id): what the DTO describes. */
function payloadOf(fields: Record<string, unknown>, discriminator: string, idField: string): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const key in fields) {
    if (key !== discriminator && key !== idField) payload[key] = fields[key];
  }
  return payload;
}

/** Sends without a promise when the frame went out at once; else waits for drain (which holds the next message back). */
function send(ws: WebSocketConnection, text: string): Pending {
  const sending = ws.sendText(text);
  return sending === SENT ? undefined : settleSend(ws, sending);
}

async function settleSend(ws: WebSocketConnection, sending: Promise<void>): Promise<void> {
  try {
    await sending;
  } catch (error) {
    // A closed socket is reported to @OnDisconnect; anything else (backpressure drop) is worth a line.
    if (!(error instanceof WebSocketDisconnect)) ws.route.app.settings.logger.warn({ err: error, path: ws.path }, 'reply not sent');
  }
}

function exposedDetails(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: typeof error, message: String(error) };
}
