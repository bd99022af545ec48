import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** 1-based line of the block's first code line in the Markdown file. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

/**
 * How a TypeScript block of the README is checked, from its first line:
 * - `// excerpt of <file> ...`: its lines must appear in `<file>`, in order (`// ...` lines skipped);
 * - `// <file> in a project made by \`proapi new\``: type-checked as that file of a generated project;
 * - anything else: a complete program, type-checked on its own against this checkout's `proapi`.
 */
export type TsBlock =
  | (CodeBlock & { readonly kind: 'complete' })
  | (CodeBlock & { readonly kind: 'excerpt'; readonly file: string })
  | (CodeBlock & { readonly kind: 'project'; readonly file: string });

const EXCERPT = /^\/\/ excerpt of (\S+)/;
const PROJECT_FILE = /^\/\/ (\S+) in a project made by `proapi new`/;

/** The fenced blocks of `markdown`, indented ones (inside list items) included, dedented. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, lang] = open;
    const close = lines.findIndex((line, j) => j > i && line === `${indent}\`\`\``);
    if (close === -1) throw new Error(`the code block opened on line ${i + 1} is never closed`);
    const code = lines.slice(i + 1, close).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
    blocks.push({ line: i + 2, lang, code: `${code.join('\n')}\n` });
    i = close;
  }
  return blocks;
}

export function tsBlocks(markdown: string): TsBlock[] {
  return codeBlocks(markdown)
    .filter((block) => block.lang === 'ts' || block.lang === 'typescript')
    .map((block): TsBlock => {
      const first = block.code.split('\n', 1)[0];
      const excerpt = EXCERPT.exec(first);
      if (excerpt) return { ...block, kind: 'excerpt', file: excerpt[1] };
      const projectFile = PROJECT_FILE.exec(first);
      if (projectFile) return { ...block, kind: 'project', file: projectFile[1] };
      return { ...block, kind: 'complete' };
    });
}

/** The lines of an excerpt that `file` lacks (in order), as `line N: text` of the Markdown file. */
export function missingExcerptLines(block: TsBlock & { kind: 'excerpt' }, root: string): string[] {
  const source = readFileSync(path.join(root, block.file), 'utf8').split('\n').map((line) => line.trim());
  const missing: string[] = [];
  let from = 0;
  block.code.split('\n').forEach((line, offset) => {
    const text = line.trim();
    if (offset === 0 || text === '' || text === '// ...' || text === '...') return;
    const found = source.indexOf(text, from);
    if (found === -1) missing.push(`line ${block.line + offset}: ${text}`);
    else from = found + 1;
  });
  return missing;
}

/**
 * Type-checks `complete` and `project` blocks in one program: each complete block is a module of
 * its own; each project block is its file in a project whose other files are `projectFiles`.
 * `proapi` and its subpaths (`proapi/middleware`, `/testing`, `/client`, `/redis`, `/nats`) resolve to this checkout's sources. Returns
 * the errors, each as `line N: message` of the Markdown file.
 */
export function typeCheckBlocks(
  blocks: readonly TsBlock[],
  root: string,
  projectFiles: readonly { path: string; content: string }[],
): string[] {
  const virtualRoot = path.join(root, '.readme-blocks'); // never written: only the compiler sees it
  const virtual = new Map<string, string>();
  const lineOf = new Map<string, number>();
  for (const block of blocks) {
    if (block.kind === 'excerpt') continue;
    const file =
      block.kind === 'project' ? path.join(virtualRoot, 'project', block.file) : path.join(virtualRoot, `readme-line-${block.line}.ts`);
    virtual.set(file, block.code);
    lineOf.set(file, block.line);
  }
  if (blocks.some((block) => block.kind === 'project')) {
    for (const file of projectFiles) {
      const at = path.join(virtualRoot, 'project', file.path);
      if (file.path.endsWith('.ts') && !virtual.has(at)) virtual.set(at, file.content);
    }
  }

  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: ['node', 'jest'],
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    useDefineForClassFields: false,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    baseUrl: root,
    paths: {
      proapi: ['index.ts'],
      'proapi/middleware': ['middleware.ts'],
      'proapi/testing': ['testing.ts'],
      'proapi/client': ['client.ts'],
      'proapi/redis': ['redis.ts'],
      'proapi/nats': ['nats.ts'],
    },
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  const virtualDirectory = (dir: string): boolean => [...virtual.keys()].some((file) => file.startsWith(path.resolve(dir) + path.sep));
  host.directoryExists = (dir) => virtualDirectory(dir) || (directoryExists?.call(host, dir) ?? true);
  host.fileExists = (file) => virtual.has(path.resolve(file)) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(path.resolve(file)) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const text = virtual.get(path.resolve(file));
    return text === undefined ? getSourceFile.call(host, file, language, ...rest) : ts.createSourceFile(file, text, language);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && lineOf.has(path.resolve(diagnostic.file.fileName)))
    .map((diagnostic) => {
      const file = diagnostic.file!;
      const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      return `line ${lineOf.get(path.resolve(file.fileName))! + line}: ${message}`;
    });
}
