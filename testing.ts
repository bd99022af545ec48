/**
 * `proapi/testing`: talk to your gateways over real WebSockets in your specs.
 * @example
 * const client = await createTestClient(createApp());
 * const conn = await client.connect('/chat/lobby?username=ann');
 * expect(await conn.receiveJson()).toEqual({ type: 'system', message: 'ann joined lobby' });
 * await client.close();
 */
export { createTestClient, TestClient, type TestClientOptions, type TestableApp } from './lib/testing/test-client';
export { TestConnection, type ConnectOptions, type SilenceOptions, type WaitOptions } from './lib/testing/test-connection';
export {
  TestClientError,
  TestTimeoutError,
  UpgradeRefusedError,
  UnexpectedMessageError,
  ConnectionClosedError,
  UnexpectedCloseError,
} from './lib/testing/testing.errors';
export type { CloseInfo } from './lib/connection/web-socket-connection';
