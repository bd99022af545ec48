const FIRST_DELAY_MS = 200;
const LONGEST_DELAY_MS = 30_000;

/** Backoff before restarting a crashed worker: 200 ms, doubling with each quick crash in a row, at most 30 s. */
export function restartDelay(crashesInARow: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, crashesInARow - 1), LONGEST_DELAY_MS);
}
