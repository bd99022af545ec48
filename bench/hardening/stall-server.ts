/**
 * A server for the message-stall measurement, run in its own process by 01-message-stall.ts:
 * `chat` is the chat sample; `nested` a gateway whose DTO nests another with `@Type()`.
 * Prints `listening on <port>` once it listens.
 */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { Message, OnMessage, ProAPI, silentLogger, WebSocket, type ProAPIOptions } from '../../index';
import { createApp } from '../../samples/chat';

class Author {
  @IsString()
  @Length(1, 40)
  name!: string;
}

class Post {
  @IsString()
  text!: string;

  @ValidateNested()
  @Type(() => Author)
  author!: Author;

  /** Free-form: its keys are not checked, so class-transformer copies them all. */
  @IsOptional()
  @IsObject()
  meta?: object;
}

class Echo {
  @IsString()
  text!: string;
}

@WebSocket('/nested')
class NestedGateway {
  @OnMessage('post', Post)
  post(@Message() post: Post): { accepted: string } {
    return { accepted: post.author.name };
  }

  @OnMessage('echo', Echo)
  echo(@Message() echo: Echo): Echo {
    return echo;
  }
}

export function createStallApp(kind: string, options: ProAPIOptions = {}): ProAPI {
  if (kind === 'chat') return createApp({ logger: silentLogger, ...options });
  if (kind === 'nested') return new ProAPI({ logger: silentLogger, ...options, gateways: [NestedGateway] });
  throw new Error(`unknown server kind ${kind}: use chat or nested`);
}

if (require.main === module) {
  const app = createStallApp(process.argv[2] ?? 'chat');
  void app.listen(0, '127.0.0.1').then((port) => console.log(`listening on ${port}`));
}
