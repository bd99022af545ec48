import { ProAPI, silentLogger, WebSocketJsonError } from '../../index';
import { nestsDeeperThan, parseJsonSafely } from '../../lib/messages/safe-json';

const limits = { maxJsonDepth: 3, maxJsonLength: 100, maxJsonValues: 100 };

describe('parseJsonSafely', () => {
  it('parses ordinary JSON, including "constructor" and "prototype" with plain values', () => {
    expect(parseJsonSafely('{"a":[1,{"b":"constructor.prototype"}]}', limits)).toEqual({ a: [1, { b: 'constructor.prototype' }] });
    expect(parseJsonSafely('{"constructor":"Ferrari","prototype":{"x":1}}', limits)).toEqual({
      constructor: 'Ferrari',
      prototype: { x: 1 },
    });
    expect(parseJsonSafely('42', limits)).toBe(42);
  });

  it.each([
    ['{"__proto__":{"x":1}}', 'key "__proto__" is not allowed: it could alter object prototypes'],
    ['{"a":[{"__proto__":null}]}', 'key "__proto__" is not allowed: it could alter object prototypes'],
    ['{"a":[{"constructor":{"prototype":{}}}]}', 'key "constructor" is not allowed with an object value: it could alter object prototypes'],
    ['{"constructor":[]}', 'key "constructor" is not allowed with an object value: it could alter object prototypes'],
    ['[[[[1]]]]', 'nesting is deeper than 3 levels (option maxJsonDepth)'],
    ['{"a":{"b":{"c":{}}}}', 'nesting is deeper than 3 levels (option maxJsonDepth)'],
    [`"${'x'.repeat(100)}"`, '102 characters is over the limit of 100 (option maxJsonLength)'],
  ])('rejects %s', (text, detail) => {
    expect(() => parseJsonSafely(text, limits)).toThrow(new WebSocketJsonError(detail));
  });

  it('rejects syntax errors as WebSocketJsonError', () => {
    expect(() => parseJsonSafely('{"a":', limits)).toThrow(WebSocketJsonError);
  });

  describe('on long texts', () => {
    const big = { maxJsonDepth: 32, maxJsonLength: 2 * 1024 * 1024, maxJsonValues: 100_000 };
    afterEach(() => jest.restoreAllMocks());

    it('refuses a megabyte of nesting before JSON.parse builds any of it', () => {
      const parse = jest.spyOn(JSON, 'parse');
      const depth = 500_000;
      const tooDeep = new WebSocketJsonError('nesting is deeper than 32 levels (option maxJsonDepth)');
      expect(() => parseJsonSafely('['.repeat(depth) + ']'.repeat(depth), big)).toThrow(tooDeep);
      // Never closed: JSON.parse would call this a syntax error, after building 500,000 arrays.
      expect(() => parseJsonSafely('{"a":' + '['.repeat(depth), big)).toThrow(tooDeep);
      expect(parse).not.toHaveBeenCalled();
    });

    it('counts brackets outside strings only, minding escaped quotes and backslashes', () => {
      const brackets = '[{'.repeat(3000);
      const text = JSON.stringify({ a: brackets, b: `say "${brackets}"`, c: `ends in a backslash \\`, d: [[[1]]] });
      expect(text.length).toBeGreaterThan(4096);
      expect(parseJsonSafely(text, big)).toMatchObject({ c: 'ends in a backslash \\', d: [[[1]]] });
      // After the escaped backslash the string is closed: the brackets that follow count.
      const deepAfter = JSON.stringify({ a: brackets, c: 'x\\' }).slice(0, -1) + ',"d":' + '['.repeat(40) + ']'.repeat(40) + '}';
      expect(() => parseJsonSafely(deepAfter, big)).toThrow('nesting is deeper than 32 levels');
    });

    it('measures depth like the walk does', () => {
      expect(nestsDeeperThan('[[[1]]]', 3)).toBe(false);
      expect(nestsDeeperThan('[[[[1]]]]', 3)).toBe(true);
      expect(nestsDeeperThan('[{"a":[]},{"b":{}},[]]', 3)).toBe(false);
      expect(nestsDeeperThan('[{"a":[]},{"b":{}},[]]', 2)).toBe(true);
      expect(nestsDeeperThan('["[[[[", "\\"[[[["]', 1)).toBe(false);
    });
  });
});

describe('option maxJsonDepth', () => {
  it('is capped at 1000, so checking parsed JSON cannot exhaust the stack', () => {
    expect(() => new ProAPI({ logger: silentLogger, maxJsonDepth: 1001 })).toThrow(
      new RangeError('option maxJsonDepth must be at most 1000, got 1001; no sane message nests deeper'),
    );
    expect(() => new ProAPI({ logger: silentLogger, maxJsonDepth: 1000 })).not.toThrow();
  });

  it('at its cap still rejects deeper JSON, short or long', () => {
    const atCap = { maxJsonDepth: 1000, maxJsonLength: 1024 * 1024, maxJsonValues: 10_000 };
    expect(parseJsonSafely('['.repeat(1000) + ']'.repeat(1000), atCap)).toHaveLength(1);
    for (const depth of [1001, 200_000]) {
      expect(() => parseJsonSafely('['.repeat(depth) + ']'.repeat(depth), atCap)).toThrow('nesting is deeper than 1000 levels');
    }
  });
});
