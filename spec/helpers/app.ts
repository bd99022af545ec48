import { ProAPI, silentLogger, type ProAPIOptions } from '../../index';

export interface StartedApp {
  app: ProAPI;
  port: number;
  url(path: string): string;
}

/** Starts a real app on an ephemeral loopback port; pass `configure` to add routes before listen. */
export async function startApp(options: ProAPIOptions = {}, configure?: (app: ProAPI) => void): Promise<StartedApp> {
  const app = new ProAPI({ logger: silentLogger, ...options });
  configure?.(app);
  const port = await app.listen(0, '127.0.0.1');
  return { app, port, url: (path) => `ws://127.0.0.1:${port}${path}` };
}
