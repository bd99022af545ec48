import { cutText } from '../cut-text';

/** One property that failed validation; nested properties have dotted paths (`author.name`, `tags.0`). */
export interface ValidationDetail {
  readonly property: string;
  /** class-validator constraint name → message, e.g. `{ maxLength: 'text must be shorter than ...' }`. */
  readonly constraints: Readonly<Record<string, string>>;
}

/**
 * Most problems listed in a validation error (and its error reply); the others are only counted.
 * With the caps below, an error reply stays under 8 KiB whatever the message held: a
 * property path or constraint message can carry text from the client (a key, a `$value`).
 */
export const MAX_DETAILS = 10;
const MAX_PROPERTY_CHARACTERS = 64;
const MAX_CONSTRAINTS = 4;
const MAX_CONSTRAINT_CHARACTERS = 160;
/** Serialized details after the first stop at this many bytes. */
const DETAILS_BUDGET_BYTES = 3 * 1024;

/** `details` cut to what an error reply carries: few, with short strings. */
export function capDetails(details: readonly ValidationDetail[]): ValidationDetail[] {
  const capped: ValidationDetail[] = [];
  let bytes = 0;
  for (const detail of details) {
    if (capped.length === MAX_DETAILS) break;
    const short = shorten(detail);
    bytes += Buffer.byteLength(JSON.stringify(short));
    if (capped.length > 0 && bytes > DETAILS_BUDGET_BYTES) break;
    capped.push(short);
  }
  return capped;
}

function shorten(detail: ValidationDetail): ValidationDetail {
  const entries = Object.entries(detail.constraints);
  const long =
    detail.property.length > MAX_PROPERTY_CHARACTERS ||
    entries.length > MAX_CONSTRAINTS ||
    entries.some(([name, message]) => name.length > MAX_PROPERTY_CHARACTERS || message.length > MAX_CONSTRAINT_CHARACTERS);
  if (!long) return detail;
  const constraints: Record<string, string> = {};
  for (const [name, message] of entries.slice(0, MAX_CONSTRAINTS)) {
    constraints[cutText(name, MAX_PROPERTY_CHARACTERS)] = cutText(message, MAX_CONSTRAINT_CHARACTERS);
  }
  return { property: cutText(detail.property, MAX_PROPERTY_CHARACTERS), constraints };
}
