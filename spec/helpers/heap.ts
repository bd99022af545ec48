import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Heap bytes in use after a full garbage collection. Works without `node --expose-gc`: the flag
 * is switched on at run time and `gc` taken from a fresh context, which sees it.
 */
export function heapUsedAfterGc(): number {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  // Twice: the first pass can leave objects whose finalizers free more.
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
