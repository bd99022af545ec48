import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../helpers/process';

const loaded = new Map<string, string[]>();

/** The broker clients a module loads, in a fresh Node process (jest's module registry would hide them). */
function clientsLoadedBy(entry: string): string[] {
  if (!loaded.has(entry)) loaded.set(entry, freshLoad(entry));
  return loaded.get(entry)!;
}

function freshLoad(entry: string): string[] {
  const script = `
    require(${JSON.stringify(path.join(projectRoot, entry))});
    const clients = new Set();
    for (const file of Object.keys(require.cache)) {
      const match = /node_modules\\/(redis|@redis\\/[^/]+|@nats-io\\/[^/]+)\\//.exec(file);
      if (match) clients.add(match[1]);
    }
    console.log(JSON.stringify([...clients].sort()));`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: projectRoot, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as string[];
}

describe('broker entry points', () => {
  it("loads neither the Redis nor the NATS client for require('proapi') or its other entry points", () => {
    expect(clientsLoadedBy('index.ts')).toEqual([]);
    expect(clientsLoadedBy('middleware.ts')).toEqual([]);
    expect(clientsLoadedBy('testing.ts')).toEqual([]);
  });

  it('loads only its own client for proapi/redis and proapi/nats', () => {
    expect(clientsLoadedBy('redis.ts')).toEqual(expect.arrayContaining(['@redis/client', 'redis']));
    expect(clientsLoadedBy('redis.ts').some((name) => name.startsWith('@nats-io'))).toBe(false);
    expect(clientsLoadedBy('nats.ts')).toEqual(expect.arrayContaining(['@nats-io/nats-core', '@nats-io/transport-node']));
    expect(clientsLoadedBy('nats.ts').some((name) => name.includes('redis'))).toBe(false);
  });

  it('publishes both as package entry points with their types', () => {
    const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
      typesVersions: Record<string, Record<string, string[]>>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    expect(pkg.exports['./redis']).toEqual({ types: './dist/redis.d.ts', default: './dist/redis.js' });
    expect(pkg.exports['./nats']).toEqual({ types: './dist/nats.d.ts', default: './dist/nats.js' });
    expect(pkg.typesVersions['*']).toMatchObject({ redis: ['dist/redis.d.ts'], nats: ['dist/nats.d.ts'] });
    // An app that uses neither does not even install them.
    expect(pkg.peerDependenciesMeta).toMatchObject({ redis: { optional: true }, '@nats-io/transport-node': { optional: true } });
  });
});
