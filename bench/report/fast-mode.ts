import type { ScenarioResult, ServerResult } from '../harness/results';

/**
 * What forwarding one room message to one other worker costs when it travels alone (a batch of
 * one frame), as bench/fast-mode/transport.ts measures it on this machine: 1.4–2.4 µs. Batched
 * with others in the same event-loop turn it is 0.5–0.7 µs; the model takes the worse figure.
 */
const FORWARD_MICROS = 2;
const CORES = 16;
const ROOM = 1000;

function pick(scenarios: readonly ScenarioResult[], scenario: string, server: string): ServerResult | undefined {
  const found = scenarios.find((s) => s.id === scenario)?.servers.find((s) => s.server === server);
  return found && !found.failure && found.value ? found : undefined;
}

function cell(s: ServerResult | undefined, base: ServerResult | undefined): string[] {
  if (!s) return ['—', '—', '—'];
  const ratio = base ? `${(s.value!.median / base.value!.median).toFixed(2)}×` : '—';
  return [s.value!.median.toFixed(2), ratio, s.rate ? Math.round(s.rate.median).toLocaleString('en-US') : '—'];
}

function millions(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(1)} M` : `${Math.round(perSecond / 1000)} k`;
}

/** Fast mode: one process vs fast mode with 1 and 2 workers, and what 16 cores would do. */
export function fastModeSection(scenarios: readonly ScenarioResult[]): string[] {
  const single = { echo: pick(scenarios, 'echo', 'proapi-function'), fanout: pick(scenarios, 'fanout', 'proapi-function') };
  const one = { echo: pick(scenarios, 'echo', 'proapi-fast-1'), fanout: pick(scenarios, 'fanout', 'proapi-fast-1') };
  const two = { echo: pick(scenarios, 'echo', 'proapi-fast-2'), fanout: pick(scenarios, 'fanout', 'proapi-fast-2') };
  if (!two.echo && !two.fanout) return [];
  const lines = [
    '## Fast mode: 1 vs 2 workers',
    '',
    'The same app (`samples/bench-server.ts`) as one process, and with `run({ fast: true })` on 1 and 2 worker threads. ' +
      'Echo is connection-local; in fan-out the room\'s 1,000 members are spread over the workers by the kernel, and each ' +
      'message from the publisher\'s worker is forwarded once to the other worker. Throughput here is bounded by the load ' +
      'generator, which shares the two cores with the server.',
    '',
    '| Server | echo µs/msg | × one process | msg/s | fan-out µs/delivery | × 1 worker | deliveries/s |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [label, s] of [
    ['one process (`proapi-function`)', single],
    ['fast mode, 1 worker', one],
    ['fast mode, 2 workers', two],
  ] as const) {
    lines.push(`| ${label} | ${cell(s.echo, single.echo).join(' | ')} | ${cell(s.fanout, one.fanout).join(' | ')} |`);
  }
  lines.push('');
  const echoCost = two.echo?.value?.median;
  const deliveryCost = two.fanout?.value?.median;
  if (echoCost && deliveryCost && single.echo?.value && single.fanout?.value) {
    const echoOne = 1e6 / single.echo.value.median;
    const echoAll = (CORES * 1e6) / echoCost;
    // The publisher's worker delivers its share and forwards one frame to each other worker.
    const share = ROOM / CORES;
    const publisherMicros = share * deliveryCost + (CORES - 1) * FORWARD_MICROS;
    const otherMicros = share * deliveryCost;
    const publishes = 1e6 / Math.max(publisherMicros, otherMicros);
    const deliveries = publishes * ROOM;
    const fanOne = 1e6 / single.fanout.value.median;
    const kernel = two.echo?.userValue ? Math.round((1 - two.echo.userValue.median / echoCost) * 100) : null;
    lines.push(
      `### A model for ${CORES} cores`,
      '',
      `From this run's per-message CPU, with ${CORES} workers on ${CORES} cores and clients on other machines (so the server gets every core):`,
      '',
      `- **Echo**: each worker serves its share of the connections alone, at ${echoCost.toFixed(2)} µs per message: ` +
        `${CORES} × 10⁶ / ${echoCost.toFixed(2)} ≈ **${millions(echoAll)} msg/s**, against ${millions(echoOne)} msg/s for one process ` +
        `(${(echoAll / echoOne).toFixed(1)}×). Nothing crosses between workers, so it scales with the cores until the NIC or the kernel's ` +
        `network stack is the limit${kernel === null ? '' : ` (here ${kernel} % of the cost is kernel time, the loopback TCP stack)`}.`,
      `- **Fan-out to a room of ${ROOM.toLocaleString('en-US')} spread over all workers**: per message, each worker writes its ` +
        `${share.toFixed(0)} copies (${(share * deliveryCost).toFixed(0)} µs at this run's ${deliveryCost.toFixed(2)} µs each, the 2-worker figure) and the publisher's worker ` +
        `also forwards ${CORES - 1} frames (≤ ${FORWARD_MICROS} µs each, ${((CORES - 1) * FORWARD_MICROS).toFixed(0)} µs). The publisher's ` +
        `worker is the bottleneck at ${publisherMicros.toFixed(0)} µs per message: ≈ ${Math.round(publishes).toLocaleString('en-US')} ` +
        `messages/s, **${millions(deliveries)} deliveries/s**, against ${millions(fanOne)} deliveries/s for one process ` +
        `(${(deliveries / fanOne).toFixed(1)}×). Many publishers (a chat with many talkers) spread the forwarding over every worker; ` +
        'one publisher into one huge room grows the forwarding share with the worker count (15 frames here).',
      '',
    );
  }
  return lines;
}
