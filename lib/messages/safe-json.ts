import { WebSocketJsonError } from '../errors';

export interface JsonLimits {
  readonly maxJsonDepth: number;
  readonly maxJsonLength: number;
}

/**
 * Above this many characters, nesting is measured in the text before `JSON.parse` builds anything:
 * a megabyte of `[` would otherwise block the event loop for a tenth of a second or more. Below
 * it, building the value costs at most ~0.1 ms even when it is all brackets, and the scan would
 * add ~20% to every ordinary message, so the walk after parsing checks depth there.
 */
const SCAN_ABOVE = 4096;

/**
 * `JSON.parse` plus the checks it lacks: a length limit, a nesting limit, and no key that
 * reaches a prototype. `JSON.parse` itself never pollutes, but the code downstream does:
 * assigning a parsed `{"__proto__": {...}}` key by key (a copy, a merge, the dispatcher taking
 * the envelope fields off) swaps the target's prototype, and a deep merge of
 * `{"constructor": {"prototype": {...}}}` reaches a class. So `__proto__` is refused everywhere,
 * and `constructor` wherever its value is an object or array (`{"constructor": "Ferrari"}` is fine).
 * Such messages are rejected rather than silently trimmed, so the client learns why.
 * @throws WebSocketJsonError
 */
export function parseJsonSafely(text: string, limits: JsonLimits): unknown {
  if (text.length > limits.maxJsonLength) {
    throw new WebSocketJsonError(
      `${text.length} characters is over the limit of ${limits.maxJsonLength} (option maxJsonLength)`,
    );
  }
  if (text.length > SCAN_ABOVE && nestsDeeperThan(text, limits.maxJsonDepth)) {
    throw new WebSocketJsonError(tooDeep(limits.maxJsonDepth));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WebSocketJsonError((error as Error).message);
  }
  if (typeof value === 'object' && value !== null) {
    const problem = inspect(value, 1, limits.maxJsonDepth);
    if (problem !== undefined) throw new WebSocketJsonError(problem);
  }
  return value;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether objects and arrays in `text` nest deeper than `maxDepth`, counting brackets outside
 * strings; stops at the first level too deep. Text that is not JSON may be miscounted, but
 * `JSON.parse` rejects it anyway.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the closing quote: the next one not escaped by an odd run of backslashes.
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i === -1) return false;
        let backslashes = 0;
        while (text.charCodeAt(i - 1 - backslashes) === BACKSLASH) backslashes++;
        if (backslashes % 2 === 0) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

function tooDeep(maxDepth: number): string {
  return `nesting is deeper than ${maxDepth} levels (option maxJsonDepth)`;
}

/**
 * Walks a parsed value once; returns what is wrong with it, if anything. Recursion stops one
 * level past `maxDepth`, which the options cap, so the stack stays small whatever the input.
 */
function inspect(value: object, depth: number, maxDepth: number): string | undefined {
  if (depth > maxDepth) return tooDeep(maxDepth);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) {
        const problem = inspect(item, depth + 1, maxDepth);
        if (problem !== undefined) return problem;
      }
    }
    return undefined;
  }
  for (const key in value) {
    const item: unknown = (value as Record<string, unknown>)[key];
    const isObject = typeof item === 'object' && item !== null;
    if (key === '__proto__' || (key === 'constructor' && isObject)) {
      return `key "${key}" is not allowed${key === 'constructor' ? ' with an object value' : ''}: it could alter object prototypes`;
    }
    if (isObject) {
      const problem = inspect(item, depth + 1, maxDepth);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}
