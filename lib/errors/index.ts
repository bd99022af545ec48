export { CloseCode, isSendableCloseCode } from './close-code';
export { ProAPIError, WebSocketProtocolError, type ErrorFault } from './proapi-error';
export {
  WebSocketDisconnect,
  WebSocketMessageTypeError,
  WebSocketJsonError,
  ReceiveTimeoutError,
  WebSocketBackpressureError,
  WebSocketStateError,
  RouteDefinitionError,
  MiddlewareError,
  HttpError,
} from './connection-errors';
export { InvalidRoomNameError, RoomLimitError, MessageTooLargeError } from './room-errors';
export { validationSummary, WebSocketValidationError, WsException, type ValidationDetail, type WsExceptionOptions } from './message-errors';
export { describeError, type ErrorAnswer } from './describe-error';
