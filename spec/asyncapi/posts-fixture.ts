import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Emits, Header, Message, OnConnect, OnMessage, ProAPI, Query, silentLogger, WebSocket, type ProAPIOptions, type WebSocketConnection } from '../../index';
import { AuthMiddleware, UseMiddleware } from '../../middleware';

class Author {
  @IsString() @MaxLength(40) name!: string;
}

class Tag {
  @IsString() label!: string;
}

class PostRequest {
  @ValidateNested() @Type(() => Author) author!: Author;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Tag) tags!: Tag[];
  @IsOptional() @IsIn(['draft', 'live']) state?: string;
}

class PostReceipt {
  @IsInt() post!: number;
}

/** Another class named Author: its schema must not replace the first one's. */
const OtherAuthor = (() => {
  class Author {
    @IsInt() age!: number;
  }
  return Author;
})();

class ProfileRequest {
  @ValidateNested() @Type(() => OtherAuthor) author!: InstanceType<typeof OtherAuthor>;
}

class Undecorated {
  note!: string;
}

/** A gateway with nested DTOs, another envelope, request values, auth and pushes; and a wildcard loop route. */
export function postsApp(options: ProAPIOptions = {}): ProAPI {
  @WebSocket('/boards/:board', { discriminator: 'event', idField: 'ref' })
  @UseMiddleware(new AuthMiddleware(() => ({ name: 'ann' })))
  @Emits({ posted: PostReceipt, 'board.closed': Undecorated })
  class PostsGateway {
    @OnConnect()
    async connect(ws: WebSocketConnection, @Query('limit') limit: number, @Header('x-client') client?: string) {
      void limit;
      void client;
      await ws.accept();
    }

    @OnMessage('post', PostRequest, { reply: PostReceipt })
    post(@Message() msg: PostRequest): PostReceipt {
      return { post: msg.tags.length };
    }

    @OnMessage('profile', ProfileRequest)
    profile(): void {}
  }
  const app = new ProAPI({ logger: silentLogger, gateways: [PostsGateway], ...options });
  app.websocket('/raw/*', async (ws) => ws.accept());
  return app;
}

