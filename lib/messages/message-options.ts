import type { ClassTransformOptions } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import { RouteDefinitionError } from '../errors';

/** The `error` codes ProAPI answers failed messages with (a `WsException` brings its own). */
export type MessageErrorCode =
  | 'invalid_json'
  | 'unknown_type'
  | 'validation'
  | 'invalid_room'
  | 'room_limit'
  | 'unsupported_data'
  | 'message_too_large'
  | 'internal';

const ERROR_CODES: readonly MessageErrorCode[] = [
  'invalid_json',
  'unknown_type',
  'validation',
  'invalid_room',
  'room_limit',
  'unsupported_data',
  'message_too_large',
  'internal',
];
/** Fields of replies and error frames; the envelope fields must not collide with them. */
const RESERVED_FIELDS = ['data', 'error', 'message', 'details'];

/** How a gateway with `@OnMessage` handlers reads, validates and answers messages. */
export interface MessageOptions {
  /**
   * The field holding the message type. Error replies carry the type `'error'`, so no handler may
   * take it. The field is taken out of the message before validation, so a DTO cannot declare it.
   * Default `'type'`.
   */
  discriminator?: string;
  /**
   * The field holding the optional request id, echoed as given in the reply (and error replies)
   * so clients can match them to requests: a string of at most 256 characters, or a finite number
   * (an integer only within ±(2^53 - 1): larger ones are rounded when parsed, so they are refused
   * with a `validation` error; send them as strings). It is taken out of the message before
   * validation, so a DTO cannot declare it. Default `'id'`.
   */
  idField?: string;
  /**
   * The type of messages that have no discriminator field, e.g. for a protocol that predates
   * message types. Default: none, such messages are answered with `unknown_type`.
   */
  defaultType?: string;
  /**
   * class-validator options, over the defaults `{ whitelist: true, forbidNonWhitelisted: true,
   * forbidUnknownValues: true }`. `{ forbidNonWhitelisted: false }` strips unknown properties
   * instead of rejecting the message.
   */
  validation?: ValidatorOptions;
  /** class-transformer options for turning payloads into DTO instances. */
  transform?: ClassTransformOptions;
  /**
   * Failures that close the connection (after the error reply) instead of only answering:
   * `invalid_json` closes with 1007 (1003 for a binary frame), `unknown_type` with 1008,
   * `validation` with 1007, `invalid_room` (an `InvalidRoomNameError` from a handler) with 1008,
   * `room_limit` (a `RoomLimitError`) with 1008, `unsupported_data` (a wrong frame kind in a
   * follow-up receive) with 1003,
   * `message_too_large` (a `MessageTooLargeError` from a handler's broadcast) with 1009,
   * `internal` with 1011. Default: none.
   */
  closeOn?: readonly MessageErrorCode[];
  /** Send an exception's name, message and stack in `internal` replies. Default: `NODE_ENV === 'development'`. */
  exposeErrors?: boolean;
}

export interface ResolvedMessageOptions {
  readonly discriminator: string;
  readonly idField: string;
  readonly defaultType: string | undefined;
  readonly validation: ValidatorOptions;
  readonly transform: ClassTransformOptions | undefined;
  readonly closeOn: ReadonlySet<MessageErrorCode>;
  readonly exposeErrors: boolean;
}

/** Fills in defaults and rejects what cannot work, at boot. */
export function resolveMessageOptions(options: MessageOptions, where: string): ResolvedMessageOptions {
  const { discriminator = 'type', idField = 'id', closeOn = [] } = options;
  for (const [name, value] of [['discriminator', discriminator], ['idField', idField]] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new RouteDefinitionError(`${where}: option ${name} must be a non-empty string, got ${JSON.stringify(value)}`);
    }
    if (RESERVED_FIELDS.includes(value)) {
      throw new RouteDefinitionError(
        `${where}: option ${name} cannot be "${value}": replies use ${RESERVED_FIELDS.join(', ')} themselves`,
      );
    }
  }
  if (discriminator === idField) {
    throw new RouteDefinitionError(`${where}: options discriminator and idField are both "${idField}"; choose two fields`);
  }
  for (const code of closeOn) {
    if (!ERROR_CODES.includes(code)) {
      throw new RouteDefinitionError(`${where}: closeOn has "${String(code)}"; use ${ERROR_CODES.join(', ')}`);
    }
  }
  return {
    discriminator,
    idField,
    defaultType: options.defaultType,
    validation: options.validation ?? {},
    transform: options.transform,
    closeOn: new Set(closeOn),
    exposeErrors: options.exposeErrors ?? process.env.NODE_ENV === 'development',
  };
}
