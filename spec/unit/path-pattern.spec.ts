import { compilePath, pathTail } from '../../lib/routing/path-pattern';

describe('compilePath', () => {
  it('compiles parameters in order and a trailing wildcard', () => {
    expect(compilePath('/chat/:room/users/:user')).toEqual({
      pattern: '/chat/:room/users/:user',
      paramNames: ['room', 'user'],
      wildcardSegment: -1,
      shape: '/chat/:/users/:',
    });
    expect(compilePath('/files/*')).toMatchObject({ paramNames: [], wildcardSegment: 1 });
    expect(compilePath('/u/:id/*')).toMatchObject({ paramNames: ['id'], wildcardSegment: 2 });
    expect(compilePath('/')).toMatchObject({ pattern: '/', paramNames: [] });
  });

  it('cuts the wildcard tail after the right number of segments', () => {
    expect(pathTail('/u/12345/docs/readme.md', 2)).toBe('docs/readme.md');
    expect(pathTail('/u/1/a', 2)).toBe('a');
    expect(pathTail('/files', 1)).toBe('');
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
    ['/chat/{room}', 'write the parameter "{room}" as ":room" (e.g. "/chat/:room")'],
    ['/users/<int:id>/posts', 'write the parameter "<int:id>" as ":id"'],
    ['/a/{}', 'write the parameter "{}" as ":name"'],
  ])('rejects %s', (path, message) => {
    const result = compilePath(path);
    expect(typeof result).toBe('string');
    expect(result).toContain(message);
  });
});
