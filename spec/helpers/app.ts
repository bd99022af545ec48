import { ProAPI, silentLogger, type ProAPIOptions } from '../../index';
import { createTestClient, type TestClient } from '../../testing';

export interface StartedApp {
  app: ProAPI;
  port: number;
  /** A `proapi/testing` client of the running app; `app.close()` still stops the app. */
  client: TestClient;
}

/** Starts a real app on an ephemeral loopback port; pass `configure` to add routes before listen. */
export async function startApp(options: ProAPIOptions = {}, configure?: (app: ProAPI) => void): Promise<StartedApp> {
  const app = new ProAPI({ logger: silentLogger, ...options });
  configure?.(app);
  const port = await app.listen(0, '127.0.0.1');
  // Waits as long as the specs always have: several sessions may share the machine's two cores.
  const client = await createTestClient(app, { timeout: 5000 });
  return { app, port, client };
}
