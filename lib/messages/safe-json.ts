import { WebSocketJsonError } from '../errors';

export interface JsonLimits {
  readonly maxJsonDepth: number;
  readonly maxJsonLength: number;
  /** Object members plus array elements, an empty object or array counting one (see the option). */
  readonly maxJsonValues: number;
}

/**
 * Above this many characters, nesting is measured in the text before `JSON.parse` builds anything:
 * a megabyte of `[` would otherwise block the event loop for a tenth of a second or more. Below
 * it, building the value costs at most ~0.1 ms even when it is all brackets, and the scan would
 * add ~20% to every ordinary message, so the walk after parsing checks depth there.
 */
const SCAN_ABOVE = 4096;

/**
 * `JSON.parse` plus the checks it lacks: a length limit, a nesting limit, a limit on values (what
 * parsing, transforming and validating a message cost grows with; class-transformer's grows with
 * the square of one object's keys), and no key that
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
  if (text.length > SCAN_ABOVE) {
    const problem = scanStructure(text, limits.maxJsonDepth, limits.maxJsonValues);
    if (problem !== undefined) throw new WebSocketJsonError(problem);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WebSocketJsonError((error as Error).message);
  }
  if (typeof value === 'object' && value !== null) {
    const problem = new Inspection(limits.maxJsonDepth, limits.maxJsonValues).inspect(value, 1);
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
const COMMA = 0x2c;

/**
 * Whether objects and arrays in `text` nest deeper than `maxDepth`, counting brackets outside
 * strings; stops at the first level too deep.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  return scanStructure(text, maxDepth, Infinity) !== undefined;
}

/**
 * What is wrong with the structure of `text`, read without building it: nesting deeper than
 * `maxDepth`, or more than `maxValues` values. Outside strings, each comma separates one more
 * member or element and each opening bracket starts a container, so commas plus brackets count
 * every container's members or elements, an empty container as one. Stops at the first problem.
 * Text that is not JSON may be miscounted, but `JSON.parse` rejects it anyway.
 */
export function scanStructure(text: string, maxDepth: number, maxValues: number): string | undefined {
  let depth = 0;
  let values = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the closing quote: the next one not escaped by an odd run of backslashes.
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i === -1) return undefined;
        let backslashes = 0;
        while (text.charCodeAt(i - 1 - backslashes) === BACKSLASH) backslashes++;
        if (backslashes % 2 === 0) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return tooDeep(maxDepth);
      if (++values > maxValues) return tooManyValues(maxValues);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === COMMA) {
      if (++values > maxValues) return tooManyValues(maxValues);
    }
  }
  return undefined;
}

function tooDeep(maxDepth: number): string {
  return `nesting is deeper than ${maxDepth} levels (option maxJsonDepth)`;
}

function tooManyValues(maxValues: number): string {
  return `more than ${maxValues} values in objects and arrays (option maxJsonValues)`;
}

/**
 * Walks a parsed value once; `inspect` returns what is wrong with it, if anything. Recursion stops
 * one level past `maxDepth`, which the options cap, so the stack stays small whatever the input.
 * Values are counted as the text scan counts them, so short texts (not scanned) are bounded too.
 */
class Inspection {
  private valuesLeft: number;

  constructor(
    private readonly maxDepth: number,
    private readonly maxValues: number,
  ) {
    this.valuesLeft = maxValues;
  }

  inspect(value: object, depth: number): string | undefined {
    if (depth > this.maxDepth) return tooDeep(this.maxDepth);
    if (Array.isArray(value)) {
      if ((this.valuesLeft -= Math.max(value.length, 1)) < 0) return tooManyValues(this.maxValues);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'object' && item !== null) {
          const problem = this.inspect(item, depth + 1);
          if (problem !== undefined) return problem;
        }
      }
      return undefined;
    }
    let members = 0;
    for (const key in value) {
      if (++members > 1 && --this.valuesLeft < 0) return tooManyValues(this.maxValues);
      const item: unknown = (value as Record<string, unknown>)[key];
      const isObject = typeof item === 'object' && item !== null;
      if (key === '__proto__' || (key === 'constructor' && isObject)) {
        return `key "${key}" is not allowed${key === 'constructor' ? ' with an object value' : ''}: it could alter object prototypes`;
      }
      if (isObject) {
        const problem = this.inspect(item, depth + 1);
        if (problem !== undefined) return problem;
      }
    }
    // The first member, or the empty object, counts one.
    return --this.valuesLeft < 0 ? tooManyValues(this.maxValues) : undefined;
  }
}
