export { WebSocket } from './web-socket.decorator';
export { OnConnect } from './on-connect.decorator';
export { Param, Query, Header, Conn } from './param.decorators';
export { UseMiddleware } from './use-middleware.decorator';
