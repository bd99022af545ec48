import 'reflect-metadata';

export { ProAPI, type RunOptions, type WebSocketRouteOptions } from './lib/app';
export type { ProAPIOptions, ConnectionLimits, GatewayContainer, GatewayClass } from './lib/options';
export { DEFAULT_LIMITS } from './lib/limits';
export {
  WebSocketConnection,
  type InboundMessage,
  type ConnectionState,
  type ReceiveOptions,
  type ReceiveJsonOptions,
  type CloseInfo,
} from './lib/connection/web-socket-connection';
export type { UserData } from './lib/connection/user-data';
export type { ErrorHook, ErrorContext, ErrorStage } from './lib/connection/error-hook';
export * from './lib/errors';
export type { Broker, BrokerHost } from './lib/broker/broker';
export { LocalBroker } from './lib/broker/local.broker';
export type { Instrumentation } from './lib/instrumentation/instrumentation';
export type { AppStats } from './lib/instrumentation/stats';
export type { MessageOptions, MessageErrorCode } from './lib/messages/message-options';
export type { DtoClass } from './lib/messages/dto-validator';
export type { GatewayOptions } from './lib/metadata/records';
export {
  WebSocketMiddleware,
  type Middleware,
  type MiddlewareClass,
  type MiddlewareFunction,
  type MiddlewareLogger,
  type MiddlewareNext,
  type MessageNext,
} from './lib/middleware/web-socket-middleware';
export { type Logger, type LogFn, silentLogger } from './lib/logger';
export type { ConnectionHandler, RouteInfo } from './lib/routing/route-info';
export type {
  AppDescriptor,
  MessageDescriptor,
  MiddlewareDescriptor,
  PushDescriptor,
  RequestValueDescriptor,
  RequestValueType,
  RouteDescriptor,
  RouteStyle,
} from './lib/routing/route-descriptor';
export type {
  MiddlewareDescription,
  SecurityDescription,
  TokenLocation,
  TokenSource,
} from './lib/middleware/middleware-description';
export type { HttpHandler, HttpReply, HttpRequestInfo } from './lib/http-route';
export { serveClientModule } from './lib/client-module/serve-client-module';
export type { AsyncApiDocument, AsyncApiOptions, AsyncApiServer } from './lib/asyncapi/asyncapi-document';
export type { ServedAsyncApiOptions } from './lib/asyncapi/serve-asyncapi';
export type { MetricsOptions, MetricsSnapshot } from './lib/metrics/metrics-options';
export type { HealthOption } from './lib/metrics/health-route';
export * from './decorators';
