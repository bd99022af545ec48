import type { JsonSchema, SchemaRef } from './json-schema';

/** The envelope fields of one gateway: its discriminator and request id names. */
export interface Envelope {
  readonly discriminator: string;
  readonly idField: string;
}

const REQUEST_ID: JsonSchema = {
  type: ['string', 'number'],
  description: 'Optional request id (a string, or a finite number); the reply echoes it as given.',
};

/** A client's message of type `type`: the DTO's fields next to the type and an optional id. */
export function requestPayload(envelope: Envelope, type: string, dto: SchemaRef | null): JsonSchema {
  const head: JsonSchema = {
    type: 'object',
    required: [envelope.discriminator],
    properties: { [envelope.discriminator]: { const: type }, [envelope.idField]: REQUEST_ID },
  };
  return dto === null ? head : { allOf: [head, dto] };
}

/** The reply to it: `{ type, id, data }`. */
export function replyPayload(envelope: Envelope, type: string, reply: SchemaRef | undefined): JsonSchema {
  return {
    type: 'object',
    required: [envelope.discriminator, 'data'],
    properties: {
      [envelope.discriminator]: { const: type },
      [envelope.idField]: { type: ['string', 'number'], description: 'The request id, when the request had one.' },
      data: reply ?? { description: "Whatever the handler returned (no reply class declared in @OnMessage's { reply })." },
    },
  };
}

/** A push: the payload class's fields next to the type. */
export function pushPayload(envelope: Envelope, type: string, payload: SchemaRef): JsonSchema {
  return {
    allOf: [{ type: 'object', required: [envelope.discriminator], properties: { [envelope.discriminator]: { const: type } } }, payload],
  };
}

/** The error frame every message gateway answers failures with. */
export function errorPayload(envelope: Envelope): JsonSchema {
  return {
    type: 'object',
    required: [envelope.discriminator, 'error', 'message'],
    properties: {
      [envelope.discriminator]: { const: 'error' },
      error: {
        type: 'string',
        description:
          'What failed: invalid_json, unknown_type, validation, invalid_room, message_too_large, internal, ' +
          "or the code of the handler's WsException.",
        examples: ['validation', 'unknown_type', 'invalid_json', 'internal'],
      },
      [envelope.idField]: { type: ['string', 'number'], description: 'The id of the request it answers, if it had one.' },
      message: { type: 'string', description: 'What went wrong, for people.' },
      details: {
        type: 'array',
        description: 'For validation errors: each failed property (dotted for nested DTOs) and its constraints.',
        items: {
          type: 'object',
          required: ['property'],
          properties: {
            property: { type: 'string' },
            constraints: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
      },
      data: { description: "The WsException's data, if it had some." },
    },
  };
}
