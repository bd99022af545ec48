import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectFiles } from '../../lib/cli/templates/project.template';
import { missingExcerptLines, tsBlocks, typeCheckBlocks, type TsBlock } from './readme-code';

/**
 * README.md's TypeScript blocks cannot rot: every complete block type-checks against this
 * checkout, and every excerpt is still in the file it names.
 */
const root = path.resolve(__dirname, '../..');
const blocks = tsBlocks(readFileSync(path.join(root, 'README.md'), 'utf8'));
const project = projectFiles({ name: 'readme-project', proapiSpec: 'file:proapi.tgz' });

describe("README.md's TypeScript blocks", () => {
  it('are each complete, a file of a generated project, or a marked excerpt of a named file', () => {
    const kinds = blocks.map((block) => block.kind);
    expect(kinds.filter((kind) => kind === 'complete').length).toBeGreaterThanOrEqual(3);
    expect(kinds).toContain('excerpt');
    expect(kinds).toContain('project');
  });

  it('type-check when complete (or as the generated project file they say they are)', () => {
    expect(typeCheckBlocks(blocks, root, project)).toEqual([]);
  }, 60_000);

  it.each(blocks.filter((block): block is TsBlock & { kind: 'excerpt' } => block.kind === 'excerpt').map((block) => [block.line, block]))(
    'excerpt at line %i is still in the file it names',
    (_, block) => {
      expect(missingExcerptLines(block, root)).toEqual([]);
    },
  );

  it('would catch a block that does not compile, and an excerpt its file no longer has', () => {
    const broken: TsBlock[] = [
      { kind: 'complete', line: 10, lang: 'ts', code: "import { ProAPI } from 'proapi';\nconst app = new ProAPI();\napp.websocket('/x', handler);\n" },
    ];
    expect(typeCheckBlocks(broken, root, project)).toEqual(["line 12: Cannot find name 'handler'."]);
    const stale = { kind: 'excerpt', line: 20, lang: 'ts', file: 'samples/chat.ts', code: '// excerpt of samples/chat.ts\nexport class ChatGateway {\n  // ...\n  nothere();\n' } as const;
    expect(missingExcerptLines(stale, root)).toEqual(['line 23: nothere();']);
  }, 60_000);
});
