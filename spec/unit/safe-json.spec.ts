import { WebSocketJsonError } from '../../index';
import { parseJsonSafely } from '../../lib/messages/safe-json';

const limits = { maxJsonDepth: 3, maxJsonLength: 100 };

describe('parseJsonSafely', () => {
  it('parses ordinary JSON, including "constructor" and "prototype" inside string values', () => {
    expect(parseJsonSafely('{"a":[1,{"b":"constructor.prototype"}]}', limits)).toEqual({ a: [1, { b: 'constructor.prototype' }] });
    expect(parseJsonSafely('42', limits)).toBe(42);
  });

  it.each([
    ['{"__proto__":{"x":1}}', 'key "__proto__" is not allowed: it could alter object prototypes'],
    ['{"a":[{"constructor":{"prototype":{}}}]}', 'key "constructor" is not allowed: it could alter object prototypes'],
    ['{"prototype":1}', 'key "prototype" is not allowed: it could alter object prototypes'],
    ['[[[[1]]]]', 'nesting is deeper than 3 levels (option maxJsonDepth)'],
    ['{"a":{"b":{"c":{}}}}', 'nesting is deeper than 3 levels (option maxJsonDepth)'],
    [`"${'x'.repeat(100)}"`, '102 characters is over the limit of 100 (option maxJsonLength)'],
  ])('rejects %s', (text, detail) => {
    expect(() => parseJsonSafely(text, limits)).toThrow(new WebSocketJsonError(detail));
  });

  it('rejects syntax errors as WebSocketJsonError', () => {
    expect(() => parseJsonSafely('{"a":', limits)).toThrow(WebSocketJsonError);
  });

  it('survives a megabyte of nesting without a stack overflow', () => {
    const depth = 500_000;
    const text = '['.repeat(depth) + ']'.repeat(depth);
    expect(() => parseJsonSafely(text, { maxJsonDepth: 32, maxJsonLength: 2 * depth })).toThrow(
      'nesting is deeper than 32 levels',
    );
  });
});
