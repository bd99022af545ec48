import type { GatewayNames } from '../names';
import type { TemplateFile } from './template-file';

export function gateway({ className, fileName, path }: GatewayNames): TemplateFile {
  return {
    path: `gateways/${fileName}`,
    content: `import { OnConnect, WebSocket, type WebSocketConnection } from 'proapi';

/** Served at ${path}: greets each client, then echoes what it sends. */
@WebSocket('${path}')
export class ${className} {
  @OnConnect()
  async connect(ws: WebSocketConnection) {
    await ws.accept();
    await ws.sendJson({ type: 'welcome', path: ws.path });
    for await (const message of ws) {
      await ws.sendText(message.toString());
    }
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

  it('welcomes a client and echoes its messages', async () => {
    const conn = await client.connect('${path}');
    expect(await conn.receiveJson()).toEqual({ type: 'welcome', path: '${path}' });
    conn.sendText('hello');
    expect(await conn.receiveText()).toBe('hello');
  });
});
`,
  };
}
