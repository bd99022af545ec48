#!/usr/bin/env node
import { runCli } from './program';

runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  // Exit explicitly: an app loaded by `proapi routes` may hold handles (timers, clients) open.
  (code) => process.exit(code),
);
