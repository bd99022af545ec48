import { CloseCode } from '../errors';
import type { RouteContext } from './connection-context';
import type { InboundQueue } from './inbound-queue';
import type { SocketHandle } from './peer';

/**
 * Whether one more message of `size` bytes would take the connection's inbound queue over
 * `maxQueuedMessages` or `maxQueuedBytes`; then the connection is closed with 1008 (the
 * message is dropped with it), logged, and counted as a `queue_overflow` error.
 */
export function overflows<C>(route: RouteContext<C>, socket: SocketHandle | null, path: string, queue: InboundQueue, size: number): boolean {
  const { settings, stats, probe, transport } = route.app;
  if (!queue.isFull(size, settings)) return false;
  settings.logger.warn(
    {
      path,
      queued: queue.length,
      queuedBytes: queue.queuedBytes,
      maxQueuedMessages: settings.maxQueuedMessages,
      maxQueuedBytes: settings.maxQueuedBytes,
    },
    'inbound message queue overflow: the handler is not receiving fast enough; closing with 1008',
  );
  stats.error('queue_overflow');
  if (probe.error !== null) probe.error(route.path, 'queue_overflow');
  if (socket !== null) transport.end(socket, CloseCode.POLICY_VIOLATION, 'message queue overflow');
  return true;
}
