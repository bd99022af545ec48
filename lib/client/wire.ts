import type { ClientSettings } from './client-options.js';

const PREVIEW_CHARACTERS = 80;

/** `{ type, id?, ...data }` as JSON: the data's fields next to the envelope, which they cannot override. */
export function encodeFrame(settings: ClientSettings, type: string, data: object, id: number | undefined): string {
  const { discriminator, idField } = settings;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError(`the data of "${type}" must be an object: its fields are sent next to "${discriminator}"`);
  }
  const frame: Record<string, unknown> = { [discriminator]: type };
  if (id !== undefined) frame[idField] = id;
  for (const key of Object.keys(data)) {
    if (key !== discriminator && key !== idField) frame[key] = (data as Record<string, unknown>)[key];
  }
  return JSON.stringify(frame);
}

/** `{ type, id, data }`: how every reply looks (a push may carry an `id` of its own, but has other fields). */
export function isReplyShaped(fields: Record<string, unknown>, discriminator: string, idField: string): boolean {
  for (const key in fields) {
    if (key !== discriminator && key !== idField && key !== 'data') return false;
  }
  return true;
}

/** The start of a frame, quoted, for error messages. */
export function preview(text: string): string {
  return JSON.stringify(text.length > PREVIEW_CHARACTERS ? `${text.slice(0, PREVIEW_CHARACTERS)}...` : text);
}
