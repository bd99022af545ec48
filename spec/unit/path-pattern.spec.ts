import { compilePath } from '../../lib/routing/path-pattern';

describe('compilePath', () => {
  it('compiles parameters in order and a trailing wildcard', () => {
    expect(compilePath('/chat/:room/users/:user')).toEqual({
      pattern: '/chat/:room/users/:user',
      paramNames: ['room', 'user'],
      wildcardPrefixLength: -1,
      shape: '/chat/:/users/:',
    });
    expect(compilePath('/files/*')).toMatchObject({ paramNames: [], wildcardPrefixLength: '/files/'.length });
    expect(compilePath('/')).toMatchObject({ pattern: '/', paramNames: [] });
  });

  it.each([
    ['chat', 'must start with "/"'],
    ['/chat/', 'must not end with "/"'],
    ['/a//b', 'is empty'],
    ['/a/*/b', '"*" is only allowed as the last segment'],
    ['/a/:', 'needs a name'],
    ['/a/:1x', 'needs a name'],
    ['/a/:x/:x', 'appears twice'],
    ['/a b', 'percent-encoding'],
  ])('rejects %s', (path, message) => {
    const result = compilePath(path);
    expect(typeof result).toBe('string');
    expect(result).toContain(message);
  });
});
