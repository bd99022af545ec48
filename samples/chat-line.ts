import { Equals, IsString, Length, Matches } from 'class-validator';
import { WebSocketDisconnect, WebSocketProtocolError, WebSocketValidationError, type WebSocketConnection } from '../index';

export const MAX_CONTENT_CHARACTERS = 2000;

/**
 * What a chat client sends: `{ "type": "message", "content": "hi" }` (what the README's client example sends),
 * nothing else. The server builds what it relays from `content` alone, so a client never chooses
 * the relayed `type` or `username`.
 */
export class ChatLine {
  @Equals('message', { message: 'type must be "message"' })
  type!: 'message';

  @IsString()
  @Length(1, MAX_CONTENT_CHARACTERS, { message: `content must have 1 to ${MAX_CONTENT_CHARACTERS} characters` })
  @Matches(/\S/, { message: 'content must not be blank' })
  content!: string;
}

/**
 * The chat lines a loop-style handler receives, one at a time. Anything else (not JSON, another
 * shape) is answered to the sender alone with `{ type: 'error', error, message }`, and the loop
 * waits for the next message. Ends when the client leaves.
 * @example
 * for await (const line of chatLines(ws)) await ws.broadcastJsonToAll(room, { type: 'message', content: line.content });
 */
export async function* chatLines(ws: WebSocketConnection<object>): AsyncGenerator<ChatLine, void, undefined> {
  for (;;) {
    let line: ChatLine;
    try {
      line = await ws.receiveJson(ChatLine);
    } catch (error) {
      if (error instanceof WebSocketDisconnect) return;
      if (!(error instanceof WebSocketProtocolError)) throw error;
      await ws.sendJson(errorFrame(error));
      continue;
    }
    yield line;
  }
}

function errorFrame(error: WebSocketProtocolError): { type: 'error'; error: string; message: string } {
  // A validation error's reason is a summary; its first constraint says what to fix.
  const first = error instanceof WebSocketValidationError ? error.details[0] : undefined;
  const message = first ? (Object.values(first.constraints)[0] ?? error.reason) : error.reason;
  return { type: 'error', error: error.wireCode, message };
}
