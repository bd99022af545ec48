export { WebSocket } from './web-socket.decorator';
export { OnConnect } from './on-connect.decorator';
export { OnMessage, type OnMessageOptions, type MessageHandlerDecorator } from './on-message.decorator';
export { OnDisconnect } from './on-disconnect.decorator';
export { Emits } from './emits.decorator';
export { Param, Query, Header, Conn, Message, User } from './param.decorators';
export { UseMiddleware } from './use-middleware.decorator';
