import { MESSAGE_BYTES } from '../config';
import { encodeEnvelope, nodeIdBytes } from '../../lib/broker/cluster/envelope';
import { roomSubject } from '../../lib/broker/nats/subjects';

/** The bench's room (fanout.driver.ts) and a broker prefix of the default length. */
const ROOM = 'fanout';
const PREFIX = 'proapi';

/**
 * What one broadcast of the scale-out scenario costs on the broker's wire, from the envelope
 * ProAPI really builds: the envelope itself, and the command that carries it to Redis (RESP
 * PUBLISH) or NATS (PUB). The broker then sends it once to each other node with members.
 */
export function scaleoutParameters(): Record<string, number> {
  const envelope = encodeEnvelope(nodeIdBytes('00000000-0000-4000-8000-000000000000'), ROOM, 'x'.repeat(MESSAGE_BYTES), false)!;
  const channel = `${PREFIX}:r:${ROOM}`;
  const bulk = (bytes: number): number => `$${bytes}\r\n`.length + bytes + 2;
  const redisPublish = '*3\r\n'.length + bulk('PUBLISH'.length) + bulk(channel.length) + bulk(envelope.length);
  const subject = roomSubject(PREFIX, ROOM);
  const natsPub = `PUB ${subject} ${envelope.length}\r\n`.length + envelope.length + 2;
  return { payloadBytes: MESSAGE_BYTES, envelopeBytes: envelope.length, redisPublishBytes: redisPublish, natsPubBytes: natsPub };
}
