/**
 * A load-generator thread. The harness (main thread) sends commands; each is answered with
 * `{ id, result }` or `{ id, error }`. Scenario traffic lives in the drivers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChurnDriver } from './churn.driver';
import type { Driver, WorkerInit } from './driver';
import { EchoDriver } from './echo.driver';
import { FanoutDriver } from './fanout.driver';
import { IdleDriver } from './idle.driver';
import type { Target } from './wire';

export type WorkerCommand =
  | { cmd: 'setup'; targets: Target[] }
  | { cmd: 'start'; target: string }
  | { cmd: 'markStart' }
  | { cmd: 'markEnd' }
  | { cmd: 'stop'; target: string }
  | { cmd: 'verify'; target: string; sent: number }
  | { cmd: 'open'; count: number }
  | { cmd: 'teardown' };

const init = workerData as WorkerInit;
const driver: Driver = createDriver(init);

function createDriver(config: WorkerInit): Driver {
  switch (config.scenario) {
    case 'echo':
    case 'json':
      return new EchoDriver(config);
    case 'fanout':
      return new FanoutDriver(config);
    case 'churn':
      return new ChurnDriver(config);
    case 'idle':
      return new IdleDriver(config);
  }
}

async function run(command: WorkerCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'setup':
      return driver.setup(command.targets);
    case 'start':
      return driver.start(command.target);
    case 'markStart':
      return driver.markStart();
    case 'markEnd':
      return driver.markEnd();
    case 'stop':
      return driver.stop(command.target);
    case 'verify':
      return driver.verify(command.target, command.sent);
    case 'open':
      return (driver as IdleDriver).open(command.count);
    case 'teardown':
      return driver.teardown();
  }
}

parentPort!.on('message', ({ id, command }: { id: number; command: WorkerCommand }) => {
  run(command).then(
    (result) => parentPort!.postMessage({ id, result }),
    (error: unknown) => parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});
