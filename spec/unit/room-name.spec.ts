import { InvalidRoomNameError, MessageTooLargeError } from '../../lib/errors';
import { checkRoomName } from '../../lib/rooms/room-name';
import { checkPayloadSize, toJsonText } from '../../lib/rooms/room-payload';

describe('checkRoomName', () => {
  it.each([
    ['a plain name', 'lobby'],
    ['punctuation', 'chat:42/#+ with spaces'],
    ['one character', 'a'],
    ['exactly 256 ASCII bytes', 'x'.repeat(256)],
    ['exactly 256 bytes of two-byte characters', 'é'.repeat(128)],
    ['an emoji (a surrogate pair)', 'party 🎉'],
  ])('accepts %s', (_what, room) => {
    expect(checkRoomName(room, 256)).toBeNull();
  });

  it.each([
    ['empty', '', /must not be empty/],
    ['too long in characters', 'x'.repeat(257), /longer than 256 bytes/],
    ['too long in UTF-8 bytes only', 'é'.repeat(129), /longer than 256 bytes/],
    ['a NUL', 'a\u0000b', /control characters/],
    ['a newline', 'line\nbreak', /control characters/],
    ['DEL', 'del\u007f', /control characters/],
    ['a C1 control', 'c1\u0085', /control characters/],
    ['a lone high surrogate', 'half\ud83c', /unpaired surrogates/],
    ['a lone low surrogate', '\udf89half', /unpaired surrogates/],
  ])('refuses %s', (_what, room, message) => {
    const error = checkRoomName(room, 256);
    expect(error).toBeInstanceOf(InvalidRoomNameError);
    expect(error?.message).toMatch(message);
    expect(error?.room).toBe(room);
    expect(error?.closeCode).toBe(1008);
  });

  it.each([undefined, null, 42, {}, ['lobby']])('refuses the non-string %p', (room) => {
    expect(checkRoomName(room, 256)?.message).toMatch(/must be a string/);
  });

  it('honours the configured limit, with the option in the message but not in the reason for the client', () => {
    expect(checkRoomName('abcd', 4)).toBeNull();
    const error = checkRoomName('abcde', 4);
    expect(error?.message).toMatch(/longer than 4 bytes.*maxRoomNameBytes/);
    expect(error?.reason).toBe('invalid room name: longer than 4 bytes of UTF-8');
  });

  it('keeps every reason short enough for a close frame, whatever the name', () => {
    const names: unknown[] = ['', 'x'.repeat(100_000), '\u0001'.repeat(1000), 'é'.repeat(500) + '\ud800', 42];
    for (const room of names) {
      const error = checkRoomName(room, 256);
      expect(error?.reason).toMatch(/^invalid room name: /);
      expect(Buffer.byteLength(error?.reason ?? '')).toBeLessThanOrEqual(123);
    }
  });

  it('blames the server (closeCode 1011) for a name from its own code', () => {
    expect(checkRoomName('', 256)?.closeCode).toBe(1008);
    expect(checkRoomName('', 256, 'server')?.closeCode).toBe(1011);
  });

  it('shortens long names in the message', () => {
    const message = checkRoomName('r'.repeat(1000), 256)?.message ?? '';
    expect(message.length).toBeLessThan(200);
    expect(message).toContain('(1000 characters)');
  });
});

describe('checkPayloadSize', () => {
  it('measures text in UTF-8 bytes', () => {
    expect(checkPayloadSize('x'.repeat(10), 10)).toBeNull();
    expect(checkPayloadSize('é'.repeat(5), 10)).toBeNull();
    const error = checkPayloadSize('é'.repeat(6), 10);
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error).toMatchObject({ byteLength: 12, limit: 10 });
    expect(error?.message).toMatch(/maxPayloadLength/);
  });

  it('measures bytes by byteLength, also for views into a larger buffer', () => {
    const pool = new Uint8Array(100);
    expect(checkPayloadSize(pool.subarray(0, 10), 10)).toBeNull();
    expect(checkPayloadSize(pool.subarray(0, 11), 10)).toMatchObject({ byteLength: 11 });
    expect(checkPayloadSize(new ArrayBuffer(11), 10)).toMatchObject({ byteLength: 11 });
  });
});

describe('toJsonText', () => {
  it('serializes JSON values', () => {
    expect(toJsonText({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
    expect(toJsonText(null)).toBe('null');
  });

  it('returns a TypeError for values JSON cannot represent', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const value of [undefined, () => 1, cycle, 10n]) expect(toJsonText(value)).toBeInstanceOf(TypeError);
  });
});
