import { RouteDefinitionError } from '../errors';
import type { Logger } from '../logger';
import { WebSocketMiddleware, type Middleware, type MiddlewareClass, type MiddlewareFunction } from './web-socket-middleware';

/** A middleware as the chain runs it: resolved once at boot. */
export interface ResolvedMiddleware {
  readonly name: string;
  readonly handle: MiddlewareFunction;
  /** The instance, for its optional `onMessage()` and `onSend()` hooks; null for a middleware function. */
  readonly instance: WebSocketMiddleware<object> | null;
}

/** Builds one instance of a middleware class (the app caches them, through its container if any). */
export type MiddlewareInstantiator = (cls: MiddlewareClass) => WebSocketMiddleware;

/** The name shown in the route table: the class name, or the function's name. */
export function middlewareName(middleware: Middleware): string {
  if (typeof middleware === 'function') return middleware.name || 'anonymous';
  return middleware.constructor.name;
}

/** Whether `value` can go in a middleware list; `where` makes the error say which list. */
export function assertMiddleware(value: unknown, where: string): asserts value is Middleware {
  if (typeof value === 'function') {
    if (isMiddlewareClass(value as Middleware) || !isClass(value)) return;
    // A class is not callable: as a middleware function it would fail every connection with a 500.
    throw new RouteDefinitionError(
      `${where}: class ${value.name || '(anonymous)'} is not a middleware class; ` +
        (typeof (value.prototype as { handle?: unknown } | undefined)?.handle === 'function'
          ? `declare it as class ${value.name} extends WebSocketMiddleware (from 'proapi/middleware'), or pass an instance (new ${value.name}())`
          : 'a middleware class extends WebSocketMiddleware and defines handle(ws, next)'),
    );
  }
  if (typeof value === 'object' && value !== null && typeof (value as { handle?: unknown }).handle === 'function') return;
  throw new RouteDefinitionError(
    `${where}: ${describe(value)} is not a middleware; pass an instance of a WebSocketMiddleware subclass ` +
      '(e.g. new LoggingMiddleware()), the class itself, or an async (ws, next) => { ... } function',
  );
}

export function resolveMiddleware(middleware: Middleware, instantiate: MiddlewareInstantiator, logger: Logger): ResolvedMiddleware {
  const instance = isMiddlewareClass(middleware) ? instantiate(middleware) : middleware;
  const name = middlewareName(middleware);
  if (typeof instance === 'function') return { name, handle: instance, instance: null };
  if (instance instanceof WebSocketMiddleware) instance.attachAppLogger(logger);
  return { name, handle: instance.handle.bind(instance) as MiddlewareFunction, instance };
}

function isMiddlewareClass(middleware: Middleware): middleware is MiddlewareClass {
  return typeof middleware === 'function' && middleware.prototype instanceof WebSocketMiddleware;
}

/** A `class` (or a function with methods on its prototype, as compiled classes have): not callable as a middleware function. */
function isClass(fn: { readonly prototype?: unknown }): boolean {
  if (/^class[\s{]/.test(Function.prototype.toString.call(fn))) return true;
  const prototype = fn.prototype as object | undefined;
  return prototype !== undefined && Object.getOwnPropertyNames(prototype).some((name) => name !== 'constructor');
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object of class ${value.constructor?.name ?? 'Object'} without handle()`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
