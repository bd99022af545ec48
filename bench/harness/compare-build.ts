import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Builds ProAPI as it was at git `ref`, with today's bench servers and bench sample laid over it,
 * so the same run can measure both (`--compare <ref>`): A/B numbers without cross-run noise.
 * Type checking is skipped; a server using an API the old code lacks fails at start, and is
 * reported as failed. Returns the build root to start the servers from, and the commit.
 */
export function buildRef(ref: string, repoRoot: string, workDir: string): { root: string; sha: string } {
  const sha = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const dir = path.join(workDir, `compare-${sha}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', sha], { cwd: repoRoot, maxBuffer: 256 * 2 ** 20 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  cpSync(path.join(repoRoot, 'bench', 'servers'), path.join(dir, 'bench', 'servers'), { recursive: true });
  cpSync(path.join(repoRoot, 'samples', 'bench-server.ts'), path.join(dir, 'samples', 'bench-server.ts'));
  if (!existsSync(path.join(dir, 'node_modules'))) symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(
    path.join(dir, 'tsconfig.compare.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { noCheck: true, declaration: false, sourceMap: false, types: ['node'], rootDir: '.', outDir: '.build' },
      include: ['index.ts', 'lib', 'decorators', 'samples/bench-server.ts', 'bench/servers'],
      exclude: [],
    }),
  );
  execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.compare.json'], { cwd: dir, stdio: 'inherit' });
  return { root: path.join(dir, '.build'), sha };
}
