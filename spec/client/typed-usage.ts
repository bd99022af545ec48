// Compiled by `npm run typecheck` and by spec/client/client-types.spec.ts: each `@ts-expect-error`
// line must fail to compile, for the reason its label names, or the build breaks.
import { createClient, type ClientApi } from '../../client';
import type { CalculatorApi } from './client-fixture';

interface EventApi extends ClientApi {
  readonly discriminator: 'event';
  readonly idField: 'ref';
  readonly messages: { readonly ping: { readonly payload: Record<string, never>; readonly reply: 'pong' } };
  readonly pushes: Record<string, never>;
}

export async function typedUsage(): Promise<void> {
  const client = createClient<CalculatorApi>('ws://127.0.0.1:8000/calc');
  const sum: { sum: number } = await client.request('add', { a: 1, b: 2 });
  void sum;
  client.send('shout', { text: 'hello' });
  client.on('notice', (notice) => notice.text.toUpperCase());
  for await (const push of client) {
    if (push.type === 'shout') push.text.toUpperCase();
  }
  const events = createClient<EventApi>('ws://127.0.0.1:8000/events', { discriminator: 'event', idField: 'ref' });
  const pong: 'pong' = await events.request('ping', {});
  void pong;

  // @ts-expect-error unknown-type
  await client.request('multiply', { a: 1, b: 2 });
  // @ts-expect-error misspelled-field
  await client.request('add', { a: 1, bb: 2 });
  // @ts-expect-error wrong-field-type
  await client.request('add', { a: 1, b: '2' });
  // @ts-expect-error missing-field
  await client.request('add', { a: 1 });
  // @ts-expect-error reply-field
  void (await client.request('add', { a: 1, b: 2 })).total;
  // @ts-expect-error unknown-send
  client.send('multiply', {});
  // @ts-expect-error unknown-push
  client.on('alarm', () => undefined);
  // @ts-expect-error push-field
  client.on('notice', (notice) => notice.txt);
  // @ts-expect-error missing-discriminator
  createClient<EventApi>('ws://127.0.0.1:8000/events');
  // @ts-expect-error wrong-discriminator
  createClient<EventApi>('ws://127.0.0.1:8000/events', { discriminator: 'type', idField: 'ref' });
}
