/** An inbound message: text frames arrive as `string`, binary frames as `Buffer`. */
export type InboundMessage = string | Buffer;

/** What a send or a room message carries: text, or bytes. */
export type Payload = string | Uint8Array | ArrayBuffer;
