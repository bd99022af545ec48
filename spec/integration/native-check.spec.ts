import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import uWS from 'uWebSockets.js';
import { isNativeUws } from '../../lib/adapter/native-check';
import { projectRoot } from '../helpers/process';

describe('uWebSockets.js native binary check', () => {
  it('the installed binary loads natively on this machine', () => {
    expect(isNativeUws(uWS)).toBe(true);
  });

  it('says so loudly, naming the Node version, when the pure-JS fallback is in use', async () => {
    const script = "const { ProAPI } = require('./index'); new ProAPI();";
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-e', script],
      { cwd: projectRoot, env: { ...process.env, UWS_USE_FALLBACK: '1' } },
    );
    const output = stdout + stderr;
    expect(output).toContain('uWebSockets.js native binary is NOT loaded');
    expect(output).toContain(process.version);
  });
});
