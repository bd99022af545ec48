import type { InboundMessage } from './message';

/** What `for await` over a connection needs of it. */
export interface MessageSource {
  nextMessage(): Promise<IteratorResult<InboundMessage>>;
}

/** `for await` over a connection: a small object rather than a closure, since every idle loop holds one. */
export class MessageIterator implements AsyncIterator<InboundMessage> {
  constructor(private readonly source: MessageSource) {}

  next(): Promise<IteratorResult<InboundMessage>> {
    return this.source.nextMessage();
  }
}
