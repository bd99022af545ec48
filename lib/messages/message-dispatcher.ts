import { SENT, type InboundMessage, type MessageSink, type WebSocketConnection } from '../connection/web-socket-connection';
import {
  CloseCode,
  InvalidRoomNameError,
  MessageTooLargeError,
  WebSocketDisconnect,
  WebSocketJsonError,
} from '../errors';
import { blamesPeer } from '../connection/close-code';
import type { Invoker } from '../routing/param-resolvers';
import { ValidationFailure, type DtoValidator } from './dto-validator';
import { closeForEscapedError } from './close-on-error';
import { WebSocketValidationError, WsException, type ValidationDetail } from './message-errors';
import type { MessageErrorCode, ResolvedMessageOptions } from './message-options';
import { requestIdProblem } from './request-id';
import { parseJsonSafely } from './safe-json';
import { capDetails, describeInvalid } from './validation-details';

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
export class MessageDispatcher implements MessageSink {
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
      parsed = parseJsonSafely(message, ws.settings);
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
    let result: unknown;
    try {
      result = handler.invoke(ws, message);
    } catch (error) {
      return this.handlerFailed(ws, handler, id, error);
    }
    if (isThenable(result)) return this.replyWhenSettled(ws, handler, id, result);
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

  private handlerFailed(ws: WebSocketConnection, handler: CompiledMessageHandler, id: unknown, error: unknown): Pending {
    if (error instanceof WsException) return this.answerException(ws, error, id);
    // Bad client data met by the handler itself (e.g. a follow-up `receiveJson(Dto)`, a room name
    // from the message) is answered like a failure at dispatch; other protocol errors close as in
    // loop-style handlers.
    if (error instanceof WebSocketValidationError) return this.invalid(ws, id, error.dto, error.details, error.total);
    if (error instanceof WebSocketJsonError) {
      return this.fail(ws, 'invalid_json', id, error.detail, CloseCode.INVALID_PAYLOAD);
    }
    // The client is told the short reason; the log keeps the message, with its hint for the operator.
    // A bad name in the server's own app.* calls is a server bug, answered below as internal.
    if (error instanceof InvalidRoomNameError && blamesPeer(error)) {
      return this.fail(ws, 'invalid_room', id, error.reason, CloseCode.POLICY_VIOLATION, undefined, error.message);
    }
    if (error instanceof MessageTooLargeError) {
      return this.fail(ws, 'message_too_large', id, error.message, CloseCode.MESSAGE_TOO_BIG);
    }
    if (blamesPeer(error) || error instanceof WebSocketDisconnect) {
      closeForEscapedError(ws, error, handler.name);
      return undefined;
    }
    const fields = { err: error, path: ws.path, handler: handler.name, type: handler.type };
    ws.settings.logger.error(fields, 'message handler threw; answered error "internal"');
    const details = this.options.exposeErrors ? { details: describeError(error) } : undefined;
    return this.fail(ws, 'internal', id, 'internal error', CloseCode.INTERNAL_ERROR, details);
  }

  /** Sends a `WsException` as the error frame it describes; the connection stays open. */
  answerException(ws: WebSocketConnection, error: WsException, id: unknown): Pending {
    return this.answer(ws, error.code, id, error.message, error.data === undefined ? undefined : { data: error.data }, 0);
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
    const listed = capDetails(details); // a handler may throw its own WebSocketValidationError
    return this.fail(ws, 'validation', id, describeInvalid(what, listed, total), CloseCode.INVALID_PAYLOAD, { details: listed });
  }

  /** Answers a failure of kind `code`; closes afterwards with `closeCode` if the gateway asked to. */
  private fail(
    ws: WebSocketConnection,
    code: MessageErrorCode,
    id: unknown,
    message: string,
    closeCode: number,
    extra?: object,
    detail?: string,
  ): Pending {
    return this.answer(ws, code, id, message, extra, this.options.closeOn.has(code) ? closeCode : 0, detail);
  }

  private answer(
    ws: WebSocketConnection,
    code: string,
    id: unknown,
    message: string,
    extra: object | undefined,
    closeCode: number,
    /** For the log only: the server-side message, when it says more than `message`. */
    detail?: string,
  ): Pending {
    const frame: Record<string, unknown> = { [this.discriminator]: 'error', error: code };
    if (id !== undefined) frame[this.idField] = id;
    frame.message = message;
    if (extra !== undefined) Object.assign(frame, extra);
    const logger = ws.settings.logger;
    let text: string;
    try {
      text = JSON.stringify(frame);
    } catch (error) {
      // Only a WsException's `data` can fail here (a cycle, a BigInt).
      logger.error({ err: error, path: ws.path, error: code }, 'error reply could not be serialized; sent without data');
      delete frame.data;
      text = JSON.stringify(frame);
    }
    const sending = send(ws, text);
    if (closeCode === 0) {
      logger.debug({ path: ws.path, error: code, reason: message, detail }, 'answered a message with an error');
      return sending;
    }
    logger.warn({ path: ws.path, error: code, reason: message, detail, code: closeCode }, `closing after error "${code}"`);
    void ws.close(closeCode, message);
    return undefined;
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
    if (!(error instanceof WebSocketDisconnect)) ws.settings.logger.warn({ err: error, path: ws.path }, 'reply not sent');
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function describeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: typeof error, message: String(error) };
}
