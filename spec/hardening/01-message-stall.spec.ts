/**
 * Defect 1: one message must not stall everyone. A message made of tens of thousands
 * of keys used to be transformed and validated key by key (class-transformer's cost grows with
 * the square of one object's keys) and answered with one detail per key: 7.6 s and 9.7 MB for
 * 110k keys. Now the safe parse counts values before building anything, unknown keys are found
 * before the transform, and error replies are capped. The timings are measured in
 * bench/hardening/01-message-stall.ts; this spec asserts the structure: the refusal, the reply
 * size, and that the other client is still served.
 */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { Contains, IsObject, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Message, OnMessage, ProAPI, silentLogger, WebSocket } from '../../index';
import { DtoValidator, ValidationFailure } from '../../lib/messages/dto-validator';
import { parseJsonSafely } from '../../lib/messages/safe-json';
import { createApp } from '../../samples/chat';
import { createTestClient, type TestClient, type TestConnection } from '../../testing';

const MAX_REPLY_BYTES = 8 * 1024;
const ONE_MIB = 1024 * 1024;

/** `{head, "k0":0, "k1":0, ...}` as long as fits in `bytes`. */
function manyKeys(head: string, bytes: number, tail = '}'): string {
  const parts: string[] = [];
  let length = head.length + tail.length;
  for (let i = 0; length + 12 < bytes; i++) {
    const part = `,"k${i.toString(36)}":0`;
    parts.push(part);
    length += part.length;
  }
  return `${head}${parts.join('')}${tail}`;
}

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

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => Author)
  coauthors?: Author[];

  @IsOptional()
  @IsObject()
  meta?: object;
}

class Echo {
  @IsString()
  text!: string;
}

@WebSocket('/posts')
class PostGateway {
  @OnMessage('post', Post)
  post(@Message() post: Post) {
    return { by: post.author.name, coauthors: post.coauthors?.length ?? 0 };
  }

  @OnMessage('echo', Echo)
  echo(@Message() echo: Echo) {
    return echo.text;
  }
}

/** Messages that quote the client's value, on several properties: the longest details possible. */
class Quoting {
  @Length(1, 2, { message: 'a: $value is too long' })
  @Matches(/^x$/, { message: 'a: $value is not x' })
  @Contains('y', { message: 'a: $value has no y' })
  @MaxLength(1, { message: 'a: $value is too long as well' })
  a!: string;

  @Length(1, 2, { message: 'b: $value is too long' })
  @Matches(/^x$/, { message: 'b: $value is not x' })
  b!: string;

  @Length(1, 2, { message: 'c: $value is too long' })
  c!: string;
}

@WebSocket('/quoting')
class QuotingGateway {
  @OnMessage('quote', Quoting)
  quote() {
    return 'never';
  }
}

@WebSocket('/lenient-posts', { validation: { forbidNonWhitelisted: false } })
class LenientPostGateway {
  @OnMessage('post', Post)
  post(@Message() post: Post) {
    return Object.keys(post).sort();
  }
}

interface ErrorReply {
  type: 'error';
  error: string;
  message: string;
  details?: { property: string; constraints: Record<string, string> }[];
}

/** The next message the connection gets that satisfies `matches`, skipping others (room chatter). */
async function next(conn: TestConnection, matches: (text: string) => boolean): Promise<string> {
  for (;;) {
    const text = await conn.receiveText({ timeout: 10_000 });
    if (matches(text)) return text;
  }
}

const isError = (text: string): boolean => text.startsWith('{"type":"error"');

describe('defect 1: a message with very many keys', () => {
  describe('against the chat sample', () => {
    let client: TestClient;
    beforeEach(async () => {
      client = await createTestClient(createApp({ logger: silentLogger }));
    });
    afterEach(() => client.close());

    it('is refused with a small reply, and the other client is still served', async () => {
      const sender = await client.connect('/chat/stall?username=sender');
      const other = await client.connect('/chat/stall?username=other');
      const message = manyKeys('{"content":"hi"', ONE_MIB - 64);
      expect(Buffer.byteLength(message)).toBeGreaterThan(ONE_MIB - 128);

      sender.sendText(message);
      other.sendJson({ content: 'still here?' });
      const reply = await next(sender, isError);
      expect(Buffer.byteLength(reply)).toBeLessThanOrEqual(MAX_REPLY_BYTES);
      expect(JSON.parse(reply)).toMatchObject({ type: 'error', error: 'invalid_json', message: expect.stringMatching(/maxJsonValues/) });
      expect(JSON.parse(await next(other, (text) => text.includes('still here?')))).toEqual({
        type: 'message',
        username: 'other',
        content: 'still here?',
        you: true,
      });

      // The sender keeps its connection.
      sender.sendJson({ content: 'sorry' });
      expect(JSON.parse(await next(sender, (text) => text.includes('sorry')))).toMatchObject({ username: 'sender' });
    });

    it('answers many unknown keys under the limit with a few details and how many more', async () => {
      const sender = await client.connect('/chat/few?username=sender');
      sender.sendText(manyKeys('{"content":"hi"', 30_000));
      const reply = await next(sender, isError);
      expect(Buffer.byteLength(reply)).toBeLessThanOrEqual(MAX_REPLY_BYTES);
      const parsed = JSON.parse(reply) as ErrorReply;
      expect(parsed).toMatchObject({
        error: 'validation',
        message: expect.stringMatching(/^invalid "message" message: property k0 should not exist \(and \d+ more, details lists the first 10\)$/),
      });
      expect(parsed.details).toHaveLength(10);
      expect(parsed.details![0]).toEqual({ property: 'k0', constraints: { whitelistValidation: 'property k0 should not exist' } });
    });
  });

  describe('against a DTO with a nested @Type() DTO', () => {
    let client: TestClient;
    beforeEach(async () => {
      client = await createTestClient(new ProAPI({ logger: silentLogger, gateways: [PostGateway, LenientPostGateway, QuotingGateway] }));
    });
    afterEach(() => client.close());

    it.each([
      ['next to the fields', manyKeys('{"type":"post","text":"hi","author":{"name":"ann"}', ONE_MIB - 64)],
      ['inside the nested DTO', manyKeys('{"type":"post","text":"hi","author":{"name":"ann"', ONE_MIB - 64, '}}')],
    ])('of 1 MiB, %s, is refused with a small reply while another client is answered', async (_where, message) => {
      const sender = await client.connect('/posts');
      const other = await client.connect('/posts');
      sender.sendText(message);
      other.sendJson({ type: 'echo', text: 'ping' });
      const reply = await sender.receiveText({ timeout: 10_000 });
      expect(Buffer.byteLength(reply)).toBeLessThanOrEqual(MAX_REPLY_BYTES);
      expect(JSON.parse(reply)).toMatchObject({ type: 'error', error: 'invalid_json' });
      expect(await other.receiveJson()).toEqual({ type: 'echo', data: 'ping' });
      sender.sendJson({ type: 'post', text: 'hi', author: { name: 'ann' } });
      expect(await sender.receiveJson()).toEqual({ type: 'post', data: { by: 'ann', coauthors: 0 } });
    });

    it('under the limit, refuses unknown keys in nested DTOs with paths, before transforming', async () => {
      const conn = await client.connect('/posts');
      const unknown = Array.from({ length: 500 }, (_, i) => `"k${i}":1`).join(',');
      conn.sendText(`{"type":"post","text":"hi","author":{"name":"ann"},"coauthors":[{"name":"bo"},{"name":"cy",${unknown}}]}`);
      const reply = await conn.receiveText();
      expect(Buffer.byteLength(reply)).toBeLessThanOrEqual(MAX_REPLY_BYTES);
      const parsed = JSON.parse(reply) as ErrorReply;
      expect(parsed.message).toBe('invalid "post" message: property k0 should not exist (and 499 more, details lists the first 10)');
      expect(parsed.details![9]).toEqual({ property: 'coauthors.1.k9', constraints: { whitelistValidation: 'property k9 should not exist' } });
    });

    it('keeps the full report when there are only a few problems', async () => {
      const conn = await client.connect('/posts');
      conn.sendJson({ type: 'post', text: 'hi', author: { name: '', extra: 1 }, more: true });
      expect(await conn.receiveJson()).toEqual({
        type: 'error',
        error: 'validation',
        message: 'invalid "post" message: property more should not exist (and 2 more, see details)',
        details: [
          { property: 'more', constraints: { whitelistValidation: 'property more should not exist' } },
          { property: 'author.extra', constraints: { whitelistValidation: 'property extra should not exist' } },
          { property: 'author.name', constraints: { isLength: 'name must be longer than or equal to 1 characters' } },
        ],
      });
    });

    it('cuts long keys in the reply', async () => {
      const conn = await client.connect('/posts');
      const key = 'k'.repeat(200_000);
      conn.sendText(`{"type":"post","text":"hi","author":{"name":"ann"},"${key}":1,"${key}2":2}`);
      const reply = await conn.receiveText();
      expect(Buffer.byteLength(reply)).toBeLessThanOrEqual(MAX_REPLY_BYTES);
      const parsed = JSON.parse(reply) as ErrorReply;
      expect(parsed.details).toHaveLength(2);
      expect(parsed.details![0].property).toBe(`${'k'.repeat(64)}…`);
    });

    it('stays under 8 KiB when constraint messages quote long values and the id is long', async () => {
      const conn = await client.connect('/quoting');
      // Control characters take six bytes each in JSON (\u0001).
      const value = '\u0001'.repeat(50_000);
      conn.sendJson({ type: 'quote', id: '\u0001'.repeat(256), a: value, b: value, c: value });
      const reply = await conn.receiveText();
      expect(Buffer.byteLength(reply)).toBeLessThanOrEqual(MAX_REPLY_BYTES);
      const parsed = JSON.parse(reply) as ErrorReply;
      expect(parsed).toMatchObject({ error: 'validation', message: expect.stringMatching(/^invalid "quote" message: a: \u0001+… \(and 2 more, /) });
      expect(Object.keys(parsed.details![0].constraints)).toHaveLength(4);
    });

    it('strips many unknown keys before transforming when the whitelist strips', async () => {
      const conn = await client.connect('/lenient-posts');
      conn.sendText(manyKeys('{"type":"post","text":"hi","author":{"name":"ann"}', 30_000));
      expect(await conn.receiveJson()).toEqual({ type: 'post', data: ['author', 'text'] });
    });

    it('keeps refusing over the limit however the values are spread', async () => {
      const conn = await client.connect('/posts');
      const coauthors = Array(5000).fill('{}').join(',');
      conn.sendText(`{"type":"post","text":"hi","author":{"name":"ann"},"coauthors":[${coauthors}]}`);
      const reply = await conn.receiveText();
      expect(JSON.parse(reply)).toMatchObject({
        error: 'invalid_json',
        message: expect.stringContaining('more than 4096 values in objects and arrays (option maxJsonValues)'),
      });
    });
  });

  describe('the value count', () => {
    const limits = (maxJsonValues: number) => ({ maxJsonDepth: 32, maxJsonLength: ONE_MIB, maxJsonValues });

    it.each([
      ['{}', 1],
      ['[]', 1],
      ['{"a":1,"b":2}', 2],
      ['[1,2,3]', 3],
      ['{"a":[1,2],"b":{}}', 5],
      ['{"a,b":"[{,"}', 1],
      ['"no containers"', 0],
    ])('of %s is %d, in short texts and long ones', (text, count) => {
      const padded = `${text}${' '.repeat(5000)}`; // long texts are counted before parsing
      for (const json of [text, padded]) {
        expect(() => parseJsonSafely(json, limits(count))).not.toThrow();
        if (count > 0) expect(() => parseJsonSafely(json, limits(count - 1))).toThrow('(option maxJsonValues)');
      }
    });

    it('is an option with a bounded default', () => {
      expect(() => new ProAPI({ logger: silentLogger, maxJsonValues: -1 })).toThrow('option maxJsonValues');
      expect(new ProAPI({ logger: silentLogger, maxJsonValues: 100 })).toBeInstanceOf(ProAPI);
    });

    it('caps the details class-validator finds too', () => {
      const validator = new DtoValidator(Post);
      const result = validator.check({ text: 'hi', author: { name: 'ann' }, coauthors: Array.from({ length: 50 }, () => ({})) });
      expect(result).toBeInstanceOf(ValidationFailure);
      const failure = result as ValidationFailure;
      expect(failure.total).toBe(50);
      expect(failure.details).toHaveLength(10);
      expect(failure.details[9].property).toBe('coauthors.9.name');
    });
  });
});
