import type { Logger } from '../logger';
import type { Instrumentation, InstrumentationHook } from './instrumentation';

type Hook<K extends InstrumentationHook> = NonNullable<Instrumentation[K]>;

const HOOKS: readonly InstrumentationHook[] = [
  'connectionOpened',
  'connectionClosed',
  'upgradeRefused',
  'messageIn',
  'messageOut',
  'handlerDuration',
  'error',
  'broadcast',
];

/**
 * The registered instrumentations merged into one object: per hook, `null` when none defines it
 * (the hot path checks one field), else a function calling each in turn. A throwing hook is
 * logged once and ignored, so metrics can never break serving.
 */
export class Probe {
  readonly connectionOpened: Hook<'connectionOpened'> | null;
  readonly connectionClosed: Hook<'connectionClosed'> | null;
  readonly upgradeRefused: Hook<'upgradeRefused'> | null;
  readonly messageIn: Hook<'messageIn'> | null;
  readonly messageOut: Hook<'messageOut'> | null;
  readonly handlerDuration: Hook<'handlerDuration'> | null;
  readonly error: Hook<'error'> | null;
  readonly broadcast: Hook<'broadcast'> | null;

  constructor(instrumentations: readonly Instrumentation[], logger: Logger) {
    const merged = {} as Record<InstrumentationHook, ((a: never, b: never, c: never) => void) | null>;
    for (const hook of HOOKS) merged[hook] = mergeHook(instrumentations, hook, logger);
    this.connectionOpened = merged.connectionOpened as Hook<'connectionOpened'> | null;
    this.connectionClosed = merged.connectionClosed as Hook<'connectionClosed'> | null;
    this.upgradeRefused = merged.upgradeRefused as Hook<'upgradeRefused'> | null;
    this.messageIn = merged.messageIn as Hook<'messageIn'> | null;
    this.messageOut = merged.messageOut as Hook<'messageOut'> | null;
    this.handlerDuration = merged.handlerDuration as Hook<'handlerDuration'> | null;
    this.error = merged.error as Hook<'error'> | null;
    this.broadcast = merged.broadcast as Hook<'broadcast'> | null;
  }
}

function mergeHook(
  instrumentations: readonly Instrumentation[],
  hook: InstrumentationHook,
  logger: Logger,
): ((a: unknown, b: unknown, c: unknown) => void) | null {
  const targets = instrumentations.filter((i) => typeof i[hook] === 'function');
  if (targets.length === 0) return null;
  let reported = false;
  const report = (error: unknown): void => {
    if (reported) return;
    reported = true;
    logger.error({ err: error, hook }, `instrumentation hook ${hook}() threw; ignored (logged once)`);
  };
  // Every hook takes at most three arguments: fixed parameters spare the hot path an array per call.
  if (targets.length === 1) {
    const target = targets[0];
    const fn = target[hook] as (a: unknown, b: unknown, c: unknown) => void;
    return (a, b, c) => {
      try {
        fn.call(target, a, b, c);
      } catch (error) {
        report(error);
      }
    };
  }
  return (a, b, c) => {
    for (const target of targets) {
      try {
        (target[hook] as (a: unknown, b: unknown, c: unknown) => void).call(target, a, b, c);
      } catch (error) {
        report(error);
      }
    }
  };
}
