import { generateClientTypes } from '../../lib/codegen/generate-client-types';
import { postsApp } from '../asyncapi/posts-fixture';
import { calculatorApp } from './client-fixture';
import { expectedErrors, source, typecheck } from './typecheck';

/** What each marked line must fail with: a wrong type name or field is a compile error, for that reason. */
const REASONS: Record<string, RegExp> = {
  'unknown-type': /"multiply"' is not assignable to parameter of type 'MessageType<\w+>'/,
  'misspelled-field': /Object literal may only specify known properties, .*'bb' does not exist/,
  'wrong-field-type': /Type 'string' is not assignable to type 'number'/,
  'missing-field': /Property 'b' is missing/,
  'reply-field': /Property 'total' does not exist on type '(Sum|\{ sum: number; \})'/,
  'unknown-send': /"multiply"' is not assignable to parameter of type 'MessageType<\w+>'/,
  'unknown-push': /"alarm"' is not assignable to parameter of type 'PushType<\w+>'/,
  'push-field': /Property 'txt' does not exist/,
  'missing-discriminator': /Expected 2 arguments, but got 1/,
  'wrong-discriminator': /Type '"type"' is not assignable to type '"event"'/,
  'nested-field': /Type 'number' is not assignable to type 'string'/,
  'enum-value': /Type '"published"' is not assignable to type '"draft" \| "live"( \| undefined)?'/,
};

/**
 * Compiles `usage` without its `@ts-expect-error` markers: each marked line must fail for its
 * reason, and nothing else may fail (so with the markers it compiles cleanly).
 */
function expectTypeErrors(usage: string, others: Record<string, string>, labels: readonly string[]): void {
  const { stripped, lines } = expectedErrors(usage);
  expect([...lines.keys()].sort()).toEqual([...labels].sort());
  const errors = typecheck({ ...others, 'usage.ts': stripped })['usage.ts'];
  for (const [label, line] of lines) {
    const messages = errors.filter((e) => e.line === line).map((e) => e.message);
    expect({ label, messages }).toEqual({ label, messages: expect.arrayContaining([expect.stringMatching(REASONS[label])]) });
  }
  expect(errors.filter((e) => ![...lines.values()].includes(e.line))).toEqual([]);
}

describe('typed end to end', () => {
  it('createClient<Api>() makes a wrong message type, field, reply field, push or envelope option a compile error', () => {
    const usage = source('spec/client/typed-usage.ts')
      .replace("from '../../client'", "from 'proapi/client'")
      .replace("from './client-fixture'", "from './api'");
    const api = source('spec/client/client-fixture.ts');
    const apiTypes = api.slice(api.indexOf('/** The calculator as')).replace(/^/, "import type { ClientApi } from 'proapi/client';\n");
    expectTypeErrors(usage, { 'api.ts': apiTypes }, Object.keys(REASONS).filter((label) => !['nested-field', 'enum-value'].includes(label)));
  });

  it('so do the types `proapi client` generates from app.describe()', () => {
    const generated = generateClientTypes({ routes: [...calculatorApp().describe().routes, ...postsApp().describe().routes] });
    expect(generated).toContain('export interface CalculatorGatewayApi extends ClientApi {');
    expect(generated).toContain("readonly add: { readonly payload: AddRequest; readonly reply: Sum };");
    expect(generated).toContain("export const postsGatewayRoute = { path: '/boards/:board', discriminator: 'event', idField: 'ref' } as const;");
    const usage = `import { createClient } from 'proapi/client';
import type { CalculatorGatewayApi, PostsGatewayApi } from './api';

export async function usage(): Promise<void> {
  const client = createClient<CalculatorGatewayApi>('ws://127.0.0.1/calc');
  const sum: number = (await client.request('add', { a: 1, b: 2 })).sum;
  void sum;
  client.on('notice', (notice) => notice.text.toUpperCase());
  const posts = createClient<PostsGatewayApi>('ws://127.0.0.1/boards/1', { discriminator: 'event', idField: 'ref' });
  const receipt = await posts.request('post', { author: { name: 'ann' }, tags: [{ label: 'news' }], state: 'draft' });
  void receipt.post;
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
  // @ts-expect-error unknown-push
  client.on('alarm', () => undefined);
  // @ts-expect-error missing-discriminator
  createClient<PostsGatewayApi>('ws://127.0.0.1/boards/1');
  // @ts-expect-error nested-field
  await posts.request('post', { author: { name: 1 }, tags: [] });
  // @ts-expect-error enum-value
  await posts.request('post', { author: { name: 'ann' }, tags: [], state: 'published' });
}
`;
    const labels = ['unknown-type', 'misspelled-field', 'wrong-field-type', 'missing-field', 'reply-field', 'unknown-push', 'missing-discriminator', 'nested-field', 'enum-value'];
    expectTypeErrors(usage, { 'api.ts': generated }, labels);
  });
});
