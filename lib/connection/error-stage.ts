/** Where an error escaped: a middleware, `@OnConnect`, a loop-style handler, an `@OnMessage` handler, `@OnDisconnect`. */
export type ErrorStage = 'middleware' | 'connect' | 'handler' | 'message' | 'disconnect';
