import type { GatewayNames } from '../names';
import type { TemplateFile } from './template-file';

export function gateway({ className, fileName, path }: GatewayNames): TemplateFile {
  return {
    path: `gateways/${fileName}`,
    content: `import { OnConnect, OnMessage, WebSocket, type WebSocketConnection } from 'proapi';

/** Served at ${path}. Add one method per message type: @OnMessage('type', DtoClass). */
@WebSocket('${path}')
export class ${className} {
  @OnConnect()
  async connect(ws: WebSocketConnection) {
    await ws.accept();
    await ws.sendJson({ type: 'welcome', path: ws.path });
  }

  /** \`{ "type": "ping", "id": 1 }\` is answered with \`{ "type": "ping", "id": 1, "data": "pong" }\`. */
  @OnMessage('ping', null)
  ping() {
    return 'pong';
  }
}
`,
  };
}

export function gatewaySpec({ className, fileName, specFileName, path }: GatewayNames): TemplateFile {
  return {
    path: `spec/${specFileName}`,
    content: `import { ProAPI, silentLogger } from 'proapi';
import { createTestClient, type TestClient } from 'proapi/testing';
import { ${className} } from '../gateways/${fileName.replace(/\.ts$/, '')}';

describe('${className}', () => {
  let client: TestClient;
  beforeEach(async () => {
    client = await createTestClient(new ProAPI({ gateways: [${className}], logger: silentLogger }));
  });
  afterEach(() => client.close());

  it('welcomes a client and answers its pings', async () => {
    const conn = await client.connect('${path}');
    expect(await conn.receiveJson()).toEqual({ type: 'welcome', path: '${path}' });
    conn.sendJson({ type: 'ping', id: 1 });
    expect(await conn.receiveJson()).toEqual({ type: 'ping', id: 1, data: 'pong' });
  });
});
`,
  };
}
