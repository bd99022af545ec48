import { WebSocketJsonError } from '../errors';

export interface JsonLimits {
  readonly maxJsonDepth: number;
  readonly maxJsonLength: number;
}

/**
 * `JSON.parse` plus the checks it lacks: a length limit, a nesting limit, and no key that
 * reaches a prototype. `JSON.parse` itself never pollutes, but the code downstream does:
 * class-transformer assigns every key, so `{"__proto__": {...}}` would swap a DTO's prototype,
 * and any deep merge of `{"constructor": {"prototype": {...}}}` reaches a class. Such messages
 * are rejected rather than silently trimmed, so the client learns why.
 * @throws WebSocketJsonError
 */
export function parseJsonSafely(text: string, limits: JsonLimits): unknown {
  if (text.length > limits.maxJsonLength) {
    throw new WebSocketJsonError(
      `${text.length} characters is over the limit of ${limits.maxJsonLength} (option maxJsonLength)`,
    );
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

/** Walks a parsed value once; returns what is wrong with it, if anything. */
function inspect(value: object, depth: number, maxDepth: number): string | undefined {
  if (depth > maxDepth) return `nesting is deeper than ${maxDepth} levels (option maxJsonDepth)`;
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
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      return `key "${key}" is not allowed: it could alter object prototypes`;
    }
    const item: unknown = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null) {
      const problem = inspect(item, depth + 1, maxDepth);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}
