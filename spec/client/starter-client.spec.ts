import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ProAPI } from '../../index';
import { generateClientTypes } from '../../lib/codegen/generate-client-types';
import { projectFiles } from '../../lib/cli/templates/project.template';

const ROOT = path.join(__dirname, '../..');

describe("the starter's client/chat-api.ts", () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(__dirname, '.starter-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('is what `proapi client --out client/chat-api.ts` writes for the starter gateway', () => {
    const files = projectFiles({ name: 'starter', proapiSpec: '^0.1.0' });
    // The project's sources, with `proapi` resolving to this checkout.
    for (const file of files.filter((f) => f.path.endsWith('.ts') && !f.path.startsWith('spec/'))) {
      const target = path.join(work, file.path);
      mkdirSync(path.dirname(target), { recursive: true });
      const content = file.content.replace(/from 'proapi(\/\w+)?'/g, (_, entry: string | undefined) => `from '${path.join(ROOT, entry ? entry.slice(1) : 'index')}'`);
      writeFileSync(target, content);
    }
    const { createApp } = require(path.join(work, 'app.ts')) as { createApp(): ProAPI };
    const generated = generateClientTypes(createApp().describe(), { command: 'proapi client --out client/chat-api.ts' });
    expect(files.find((f) => f.path === 'client/chat-api.ts')?.content).toBe(generated);
  });
});
