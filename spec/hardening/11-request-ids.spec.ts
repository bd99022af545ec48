/**
 * Defect 11: request ids above 2^53 were echoed rounded (`9007199254740993` came back
 * as `9007199254740992`) although the README promises them "echoed as given". An id is now echoed
 * exactly or refused: numbers `JSON.parse` has rounded (integers beyond ±(2^53 - 1)) are refused
 * with a `validation` error that says to send them as strings; strings are echoed as they are, up
 * to 256 characters. The raw reply text is checked, since parsing it would round again.
 */
import { OnMessage, ProAPI, silentLogger, WebSocket } from '../../index';
import { createTestClient, type TestClient, type TestConnection } from '../../testing';

@WebSocket('/ids')
class IdGateway {
  @OnMessage('ping', null)
  ping() {
    return 'pong';
  }
}

describe('defect 11: request ids are echoed exactly or refused', () => {
  let client: TestClient;
  let conn: TestConnection;
  beforeAll(async () => {
    client = await createTestClient(new ProAPI({ logger: silentLogger, gateways: [IdGateway] }));
    conn = await client.connect('/ids');
  });
  afterAll(() => client.close());

  /** Sends `{"type":"ping","id":<idText>}` and returns the raw reply text. */
  async function ask(idText: string): Promise<string> {
    conn.sendText(`{"type":"ping","id":${idText}}`);
    return conn.receiveText();
  }

  it.each([
    '9007199254740991',
    '-9007199254740991',
    '0',
    '-0.5',
    '0.1',
    '1.5e-7',
    '"9007199254740993"',
    '"18446744073709551615"',
    `"${'x'.repeat(256)}"`,
  ])('echoes %s as sent', async (idText) => {
    const reply = await ask(idText);
    expect(reply).toBe(`{"type":"ping","id":${JSON.stringify(JSON.parse(idText))},"data":"pong"}`);
    // The same number text, not a rounded neighbour (for integers the text is unchanged).
    if (/^-?\d+$/.test(idText)) expect(reply).toContain(`"id":${idText},`);
  });

  it.each(['9007199254740992', '9007199254740993', '-9007199254740993', '18446744073709551615', '1e300'])(
    'refuses %s, which JSON.parse rounds, and says to send it as a string',
    async (idText) => {
      const reply = await ask(idText);
      expect(JSON.parse(reply)).toEqual({
        type: 'error',
        error: 'validation',
        message:
          'invalid request id: id must be an integer between -9007199254740991 and 9007199254740991: ' +
          'larger ones lose precision when parsed; send it as a string',
        details: [
          {
            property: 'id',
            constraints: {
              isRequestId:
                'id must be an integer between -9007199254740991 and 9007199254740991: larger ones lose precision when parsed; send it as a string',
            },
          },
        ],
      });
      // Nothing resembling the id comes back: no rounded number a client could mistake for its own.
      expect(reply).not.toContain('"id":');
    },
  );

  it('refuses a string id longer than 256 characters instead of echoing it in every reply', async () => {
    const reply = await ask(`"${'x'.repeat(100_000)}"`);
    expect(reply.length).toBeLessThan(512);
    expect(JSON.parse(reply)).toMatchObject({ error: 'validation', message: 'invalid request id: id must be at most 256 characters long' });
  });

  it('still refuses ids that are neither strings nor finite numbers', async () => {
    expect(JSON.parse(await ask('1e999'))).toMatchObject({ error: 'validation', message: 'invalid request id: id must be a string or a finite number' });
    expect(JSON.parse(await ask('{"n":1}'))).toMatchObject({ error: 'validation', message: 'invalid request id: id must be a string or a finite number' });
  });
});
