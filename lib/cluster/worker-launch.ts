import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { WORKER_DATA_KEY, type WorkerBoot } from './control';

/**
 * What a worker thread runs: the main thread's entry file again, as the main module (so
 * `require.main === module` holds there too), after registering ts-node when the main thread ran
 * under ts-node's own binary (`ts-node main.ts`; with `node -r ts-node/register`, the worker
 * inherits the flag and has it already).
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const boot = workerData[${JSON.stringify(WORKER_DATA_KEY)}];
process.argv = boot.argv.slice();
if (boot.tsNode && !require.extensions['.ts']) require(boot.tsNode.path).register(boot.tsNode.options);
require('node:module').runMain();
`;

type Launch = Omit<WorkerBoot, 'id'>;

const TS_NODE_INSTANCE = Symbol.for('ts-node.register.instance');
/** jest's binary or its worker processes. */
const TEST_RUNNER = /[\\/]node_modules[\\/](\.bin[\\/]jest$|jest[^\\/]*[\\/])/;

/** How this process's workers start: its argv, and ts-node's options when it runs under ts-node. */
export function launchOfThisProcess(workers: number, answerTimeoutMs: number): Launch {
  const entry = process.argv[1];
  if (!entry || !existsSync(entry)) {
    throw new Error(
      'fast mode re-runs the program\'s entry file in each worker thread, and this process has none ' +
        `(started with node -e or a REPL?): ${JSON.stringify(entry ?? '')}. Start the app from a file, e.g. node dist/main.js`,
    );
  }
  if (TEST_RUNNER.test(entry)) {
    throw new Error('fast mode re-runs the program\'s entry file in each worker, which under jest is jest itself: start the app in a child process instead');
  }
  const tsNode = (process as unknown as Record<symbol, { options: object } | undefined>)[TS_NODE_INSTANCE];
  return {
    workers,
    answerTimeoutMs,
    argv: [...process.argv],
    tsNode: tsNode
      ? {
          path: require.resolve('ts-node', { paths: [path.dirname(entry), process.cwd()] }),
          // Only plain data crosses to the worker; ts-node's options are strings, booleans and lists.
          options: JSON.parse(JSON.stringify(tsNode.options)) as object,
        }
      : null,
  };
}

export function spawnWorker(id: number, launch: Launch): Worker {
  const boot: WorkerBoot = { id, ...launch };
  return new Worker(BOOTSTRAP, { eval: true, workerData: { [WORKER_DATA_KEY]: boot } });
}
