import type { Logger } from '../logger';

/**
 * The uWebSockets.js package silently falls back to a slow pure-JS shim when its native binary
 * does not load; only the native module has `getParts`.
 */
export function isNativeUws(uws: object): boolean {
  return typeof (uws as { getParts?: unknown }).getParts === 'function';
}

export function warnIfNotNative(uws: object, logger: Logger): void {
  if (isNativeUws(uws)) return;
  logger.warn(
    {
      node: process.version,
      abi: process.versions.modules,
      platform: `${process.platform}-${process.arch}`,
    },
    `uWebSockets.js native binary is NOT loaded on Node ${process.version} ` +
      `(ABI ${process.versions.modules}, ${process.platform}-${process.arch}): ProAPI is running on a slow ` +
      'pure-JS fallback. Use a Node version the installed uWebSockets.js ships a binary for.',
  );
}

let checked = false;

/** {@link warnIfNotNative}, once per process. */
export function warnOnceIfNotNative(uws: object, logger: Logger): void {
  if (checked) return;
  checked = true;
  warnIfNotNative(uws, logger);
}
