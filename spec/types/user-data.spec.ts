import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../helpers/process';

describe('typing userData once for the whole app', () => {
  it('compiles the library and an app that augments UserData, and catches wrong uses', async () => {
    const tsc = path.join(projectRoot, 'node_modules/typescript/bin/tsc');
    const fixture = path.join(projectRoot, 'spec/types/fixtures/tsconfig.json');
    // Fails with the compiler's errors: a library type that breaks under the augmentation, or an
    // expected error (a ts-expect-error line) that no longer happens.
    await expect(promisify(execFile)(process.execPath, [tsc, '-p', fixture], { cwd: projectRoot })).resolves.toBeDefined();
  }, 120_000);
});
