import { WebSocketDisconnect, type InboundMessage } from '../../index';
import { startApp, type StartedApp } from '../helpers/app';
import { deferred, withTimeout } from '../helpers/async';

interface Outcome {
  seen: InboundMessage[];
  error: unknown;
}

describe('for await over a connection', () => {
  let server: StartedApp;
  const outcomes: ((outcome: Outcome) => void)[] = [];

  beforeAll(async () => {
    server = await startApp({}, (app) =>
      app.websocket('/iterate', async (ws) => {
        await ws.accept();
        const seen: InboundMessage[] = [];
        let error: unknown = null;
        try {
          for await (const message of ws) {
            seen.push(message);
            // The loop asks for the next message right after this send: the client knows it waits.
            if (message === 'ack me') await ws.sendText('acked');
            // The client's later frames and its close arrive before the loop asks again.
            if (message === 'pause') await ws.waitForClose();
          }
        } catch (caught) {
          error = caught;
        }
        outcomes.shift()?.({ seen, error });
      }),
    );
  });
  afterAll(() => server.app.close());

  function nextOutcome(): Promise<Outcome> {
    const outcome = deferred<Outcome>();
    outcomes.push(outcome.resolve);
    return withTimeout(outcome.promise, 5000, 'the handler loop to end');
  }

  it('rejects with WebSocketDisconnect when the client closes with a non-normal code while it waits', async () => {
    const ended = nextOutcome();
    const client = await server.client.connect('/iterate');
    client.sendText('ack me');
    expect(await client.receiveText()).toBe('acked');
    await client.close(4001, 'bye');
    const { seen, error } = await ended;
    expect(seen).toEqual(['ack me']);
    expect(error).toBeInstanceOf(WebSocketDisconnect);
    expect([(error as WebSocketDisconnect).code, (error as WebSocketDisconnect).reason]).toEqual([4001, 'bye']);
  });

  it('yields the queued messages first, then rejects for a non-normal close that came meanwhile', async () => {
    const ended = nextOutcome();
    const client = await server.client.connect('/iterate');
    client.sendText('pause');
    client.sendText('two');
    await client.close(4002);
    const { seen, error } = await ended;
    expect(seen).toEqual(['pause', 'two']);
    expect((error as WebSocketDisconnect).code).toBe(4002);
  });

  it('ends without error on a normal close that came while the handler was busy', async () => {
    const ended = nextOutcome();
    const client = await server.client.connect('/iterate');
    client.sendText('pause');
    await client.close(1000);
    expect(await ended).toEqual({ seen: ['pause'], error: null });
  });
});
