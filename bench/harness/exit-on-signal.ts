/**
 * Preloaded (`-r`) into servers started with `--cpu-prof`: exit on SIGINT so Node writes the
 * profile (a SIGKILL would lose it). Servers with their own SIGINT handler still get it first.
 */
process.once('SIGINT', () => setImmediate(() => process.exit(0)));
