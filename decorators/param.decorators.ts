import { MetadataKey, type ParamRecord, type ParamSource } from '../lib/metadata/records';
import { appendRecord } from '../lib/metadata/metadata-store';

function paramDecorator(source: ParamSource, name?: string): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey === undefined) {
      throw new TypeError(`@${source} decorates handler method parameters, not constructor parameters`);
    }
    appendRecord<ParamRecord>(MetadataKey.PARAMS, target, { propertyKey, index, source, name });
  };
}

/** Injects a path parameter: `@Param('room') room: string` for `/chat/:room`. */
export const Param = (name: string): ParameterDecorator => paramDecorator('param', name);

/** Injects a query parameter (first value) or `undefined`: `@Query('username') username?: string`. */
export const Query = (name: string): ParameterDecorator => paramDecorator('query', name);

/** Injects a request header (case-insensitive) or `undefined`: `@Header('origin') origin?: string`. */
export const Header = (name: string): ParameterDecorator => paramDecorator('header', name.toLowerCase());

/** Injects the connection at any position (position 0 gets it without a decorator). */
export const Conn = (): ParameterDecorator => paramDecorator('conn');

/** Injects the validated message (the DTO instance) into an `@OnMessage` handler. */
export const Message = (): ParameterDecorator => paramDecorator('message');

/** Injects `ws.userData.user`, e.g. what an auth middleware stored: `@User() user: Account`. */
export const User = (): ParameterDecorator => paramDecorator('user');
