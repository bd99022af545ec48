import { createHash } from 'node:crypto';

const PLAIN_TOKEN = /^[A-Za-z0-9_-]{1,128}$/;
/** Encoded names longer than this are hashed: NATS caps a protocol line at 4 KiB by default. */
const MAX_ENCODED = 512;

/**
 * The NATS subject of a room. NATS subjects are dot-separated tokens without spaces or
 * wildcards, so only plain names are used as they are (`<prefix>.r.<room>`); others are base64url
 * (`<prefix>.x.<...>`), or hashed when long (`<prefix>.h.<sha256>`). The envelope carries the
 * real room name either way.
 */
export function roomSubject(prefix: string, room: string): string {
  if (PLAIN_TOKEN.test(room)) return `${prefix}.r.${room}`;
  const encoded = Buffer.from(room).toString('base64url');
  if (encoded.length <= MAX_ENCODED) return `${prefix}.x.${encoded}`;
  return `${prefix}.h.${createHash('sha256').update(room).digest('hex')}`;
}

export function presenceSubject(prefix: string): string {
  return `${prefix}.presence`;
}
