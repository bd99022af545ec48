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
  @OnMessage('ping', null) // null: no DTO class, so the payload is not validated
  ping() {
    return 'pong';
  }
}
`,
  };
}

/**
 * The spec of a generated gateway. With `viaCreateApp` it boots the project's own app (the gateway
 * was registered in app.ts), so app-wide middleware and options are part of the test; otherwise
 * it builds an app with only this gateway.
 */
export function gatewaySpec({ className, fileName, specFileName, path }: GatewayNames, viaCreateApp: boolean): TemplateFile {
  const boot = viaCreateApp
    ? { fromProapi: 'silentLogger', local: `{ createApp } from '../app'`, app: 'createApp({ logger: silentLogger })' }
    : {
        fromProapi: 'ProAPI, silentLogger',
        local: `{ ${className} } from '../gateways/${fileName.replace(/\.ts$/, '')}'`,
        app: `new ProAPI({ gateways: [${className}], logger: silentLogger })`,
      };
  return {
    path: `spec/${specFileName}`,
    content: `import { ${boot.fromProapi} } from 'proapi';
import { createTestClient, type TestClient } from 'proapi/testing';
import ${boot.local};

describe('${className}', () => {
  let client: TestClient;
  beforeEach(async () => {
    client = await createTestClient(${boot.app});
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
