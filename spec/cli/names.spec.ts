import { gatewayNames, isValidPackageName, packageNameFromDirectory, splitWords } from '../../lib/cli/names';

describe('gateway name normalisation', () => {
  it.each(['chat-room', 'chat_room', 'chatRoom', 'ChatRoom', 'chat room', 'ChatRoomGateway', 'chat-room-gateway', ' chat--room '])(
    '%p names ChatRoomGateway in chat-room.gateway.ts',
    (input) => {
      expect(gatewayNames(input)).toEqual({
        className: 'ChatRoomGateway',
        kebab: 'chat-room',
        fileName: 'chat-room.gateway.ts',
        specFileName: 'chat-room.gateway.spec.ts',
        path: '/chat-room',
      });
    },
  );

  it('keeps acronyms and digits with their word', () => {
    expect(splitWords('HTTPServer')).toEqual(['http', 'server']);
    expect(splitWords('v2-chat')).toEqual(['v2', 'chat']);
    expect(splitWords('chat-2fa')).toEqual(['chat', '2fa']);
    expect(gatewayNames('presence').className).toBe('PresenceGateway');
    expect(gatewayNames('Gateway').className).toBe('GatewayGateway');
  });

  it.each(['', 'chat/room', 'chat.room', 'héllo', '-chat'])('rejects %p with a message that shows a good name', (input) => {
    expect(() => gatewayNames(input)).toThrow(/is not a usable name: use only letters, digits, "-" and "_" \(e\.g\. chat-room/);
  });

  it('refuses a name starting with a digit, which cannot start a class name', () => {
    expect(() => gatewayNames('3d-view')).toThrow(
      'gateway name "3d-view" starts with a digit, but it becomes a class name (3dViewGateway), ' +
        'which must start with a letter: put a word first (e.g. room-3d-view)',
    );
  });
});

describe('package names', () => {
  it('derives one from a directory name', () => {
    expect(packageNameFromDirectory('My Chat')).toBe('my-chat');
    expect(packageNameFromDirectory('myChatApp')).toBe('my-chat-app');
    expect(packageNameFromDirectory('chat.app')).toBe('chat-app');
    expect(packageNameFromDirectory('???')).toBeUndefined();
    // npm accepts a leading digit, and so do package names (unlike class names).
    expect(packageNameFromDirectory('2048')).toBe('2048');
    expect(packageNameFromDirectory('3d-Chat')).toBe('3d-chat');
  });

  it('checks what npm accepts', () => {
    expect(isValidPackageName('my-chat')).toBe(true);
    expect(isValidPackageName('@acme/chat')).toBe(true);
    expect(isValidPackageName('My Chat')).toBe(false);
    expect(isValidPackageName('.hidden')).toBe(false);
  });
});
