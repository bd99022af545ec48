import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '../..');

/** One compile error: the 1-based line and TypeScript's message. */
export interface TypeError {
  readonly line: number;
  readonly message: string;
}

/**
 * Type-checks `files` (name -> source) in a scratch directory, with `proapi/client` resolving to
 * this checkout, under the strict options of the project; returns the errors of those files.
 */
export function typecheck(files: Record<string, string>): Record<string, TypeError[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'proapi-types-'));
  try {
    for (const [name, source] of Object.entries(files)) writeFileSync(path.join(dir, name), source);
    const program = ts.createProgram(
      Object.keys(files).map((name) => path.join(dir, name)),
      {
        strict: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        experimentalDecorators: true,
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules/@types')],
        baseUrl: ROOT,
        paths: { 'proapi/client': ['client.ts'] },
      },
    );
    const errors: Record<string, TypeError[]> = Object.fromEntries(Object.keys(files).map((name) => [name, []]));
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const file = diagnostic.file;
      const name = file ? path.relative(dir, file.fileName) : '(global)';
      const line = file && diagnostic.start !== undefined ? file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
      (errors[name] ??= []).push({ line, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') });
    }
    return errors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The source of a file of this checkout. */
export function source(relative: string): string {
  return readFileSync(path.join(ROOT, relative), 'utf8');
}

/**
 * The lines marked `// @ts-expect-error <label>` in `text`, by label: the line after each marker,
 * which must not compile. Returns the text without the markers, so the errors show.
 */
export function expectedErrors(text: string): { readonly stripped: string; readonly lines: ReadonlyMap<string, number> } {
  const lines = new Map<string, number>();
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const marker = /^\s*\/\/ @ts-expect-error (\S+)/.exec(line);
    if (marker) {
      lines.set(marker[1], out.length + 2); // 1-based, and the marked line comes next (the marker stays as a plain comment)
      out.push(line.replace('@ts-expect-error', 'expected error:'));
    } else {
      out.push(line);
    }
  }
  return { stripped: out.join('\n'), lines };
}
