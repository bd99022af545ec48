/**
 * `node bench/.build/bench/fast-mode/transport.js [frames]`: what carrying room messages between
 * two worker threads costs, per frame (a room name and a 64-byte text), with the ways Node offers:
 *   broadcast-channel  one BroadcastChannel message per frame (reaches every thread on the channel)
 *   port               one MessagePort message per frame
 *   port-batched       ProAPI's PeerMesh: frames queued per peer, one MessagePort message per event-loop turn
 *   shared-ring        a SharedArrayBuffer ring per pair, Atomics.notify once per turn, Atomics.waitAsync to wake
 * The sender publishes in turns of up to 64 frames (as a worker does while handling a burst of
 * client messages), with at most WINDOW frames unacknowledged. CPU is the whole process's, all threads.
 */
import { BroadcastChannel, MessageChannel, Worker, isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { PeerMesh } from '../../lib/cluster/peer-mesh';
import { silentLogger } from '../../lib/logger';

const VARIANTS = ['broadcast-channel', 'port', 'port-batched', 'shared-ring'] as const;
type Variant = (typeof VARIANTS)[number];
const ROOM = 'room-1234';
const TEXT = 'x'.repeat(64);
const PER_TURN = 64;
const WINDOW = 4096;
const RING_BYTES = 1 << 20;
const PUBLISH = 8;

/** Node 20 has Atomics.waitAsync; TypeScript's ES2022 library does not declare it. */
type WaitAsync = (array: Int32Array, index: number, value: number, timeoutMs?: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

interface Setup {
  readonly role: 'send' | 'receive';
  readonly variant: Variant;
  readonly frames: number;
  readonly port: MessagePort;
  /** [0]: frames received so far; [1]: ring write offset; [2]: ring wake-ups. */
  readonly counters: SharedArrayBuffer;
  readonly ring: SharedArrayBuffer;
  readonly channel: string;
}

async function main(): Promise<void> {
  const frames = Number(process.argv[2] ?? 300_000);
  console.log(`${frames.toLocaleString('en-US')} frames of "${ROOM}" + 64-byte text from one worker thread to another`);
  for (const round of [1, 2]) {
    for (const variant of VARIANTS) {
      const { cpuMicros, ms } = await measure(variant, frames);
      const perFrame = (cpuMicros / frames).toFixed(3);
      console.log(`  round ${round}  ${variant.padEnd(18)} ${perFrame} µs CPU per frame   ${Math.round((frames * 1000) / ms).toLocaleString('en-US')} frames/s`);
    }
  }
}

async function measure(variant: Variant, frames: number): Promise<{ cpuMicros: number; ms: number }> {
  const { port1, port2 } = new MessageChannel();
  const counters = new SharedArrayBuffer(16);
  const ring = new SharedArrayBuffer(RING_BYTES);
  const channel = `transport-bench-${Math.random()}`;
  const start = (role: Setup['role'], port: MessagePort): Worker =>
    new Worker(__filename, { workerData: { role, variant, frames, port, counters, ring, channel } satisfies Setup, transferList: [port] });
  const receiver = start('receive', port2);
  const sender = start('send', port1);
  await Promise.all([once(receiver, 'ready'), once(sender, 'ready')]);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const done = once(receiver, 'done');
  sender.postMessage('go');
  await done;
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - t0;
  await Promise.all([sender.terminate(), receiver.terminate()]);
  return { cpuMicros: cpu.user + cpu.system, ms };
}

function once(worker: Worker, message: string): Promise<void> {
  return new Promise((resolve) => worker.on('message', (m) => m === message && resolve()));
}

function receive(setup: Setup): void {
  const received = new Int32Array(setup.counters);
  let count = 0;
  let bytes = 0;
  const take = (room: unknown, data: unknown): void => {
    bytes += (room as string).length + (data as string | Uint8Array).length;
    count++;
  };
  const acknowledge = (): void => {
    Atomics.store(received, 0, count);
    Atomics.notify(received, 0);
    if (count >= setup.frames) parentPort!.postMessage('done');
  };
  switch (setup.variant) {
    case 'broadcast-channel': {
      const channel = new BroadcastChannel(setup.channel);
      channel.onmessage = (event) => {
        const [room, data] = (event as MessageEvent).data as [string, string];
        take(room, data);
        acknowledge();
      };
      break;
    }
    case 'port':
      setup.port.on('message', ([room, data]: [string, string]) => {
        take(room, data);
        acknowledge();
      });
      break;
    case 'port-batched': {
      const mesh = new PeerMesh(2, silentLogger);
      mesh.on(PUBLISH, (_from, room, data) => take(room, data));
      mesh.link(1, setup.port);
      // One acknowledgement per batch: the mesh hands a batch's frames over synchronously.
      setup.port.on('message', acknowledge);
      break;
    }
    case 'shared-ring': {
      const state = new Int32Array(setup.counters);
      const view = new Uint8Array(setup.ring);
      const decoder = new TextDecoder();
      let read = 0;
      const drain = (): void => {
        // Read the wake-up count before the data: a wake-up that comes after this still wakes the wait below.
        const wakeUps = Atomics.load(state, 2);
        const written = Atomics.load(state, 1);
        while (read < written) {
          const at = read % RING_BYTES;
          const roomLength = view[at];
          const dataLength = view[at + 1] | (view[at + 2] << 8);
          take(decoder.decode(view.subarray(at + 3, at + 3 + roomLength)), view.subarray(at + 3 + roomLength, at + 3 + roomLength + dataLength));
          read += ringRecord(at, 3 + roomLength + dataLength);
        }
        acknowledge();
        if (count < setup.frames) wait(wakeUps);
      };
      const wait = (seen: number): void => {
        const result = waitAsync(state, 2, seen);
        if (result.async) void result.value.then(drain);
        else drain();
      };
      drain();
      break;
    }
  }
  // Atomics.waitAsync does not keep a thread alive: something must, until the main thread ends it.
  setInterval(() => bytes, 60_000);
  parentPort!.postMessage('ready');
}

/** Bytes a ring record of `length` takes at `at`, skipping to the start when the rest would not fit a full record. */
function ringRecord(at: number, length: number): number {
  const next = at + length;
  return RING_BYTES - next < 512 ? RING_BYTES - at : length;
}

function send(setup: Setup): void {
  const received = new Int32Array(setup.counters);
  const channel = setup.variant === 'broadcast-channel' ? new BroadcastChannel(setup.channel) : null;
  const mesh = setup.variant === 'port-batched' ? new PeerMesh(1, silentLogger) : null;
  if (mesh) mesh.link(2, setup.port);
  const peer = mesh ? [...mesh.peers()][0] : null;
  const encoder = new TextEncoder();
  const view = new Uint8Array(setup.ring);
  const state = new Int32Array(setup.counters);
  let written = 0;
  let sent = 0;
  const frame = (): void => {
    switch (setup.variant) {
      case 'broadcast-channel':
        channel!.postMessage([ROOM, TEXT]);
        break;
      case 'port':
        setup.port.postMessage([ROOM, TEXT]);
        break;
      case 'port-batched':
        mesh!.post(peer!, PUBLISH, ROOM, TEXT, false);
        break;
      case 'shared-ring': {
        const at = written % RING_BYTES;
        const roomLength = encoder.encodeInto(ROOM, view.subarray(at + 3)).written;
        const dataLength = encoder.encodeInto(TEXT, view.subarray(at + 3 + roomLength)).written;
        view[at] = roomLength;
        view[at + 1] = dataLength & 0xff;
        view[at + 2] = dataLength >> 8;
        written += ringRecord(at, 3 + roomLength + dataLength);
        break;
      }
    }
  };
  const turn = (): void => {
    let now = 0;
    while (sent < setup.frames && now < PER_TURN && sent - Atomics.load(received, 0) < WINDOW) {
      frame();
      sent++;
      now++;
    }
    if (setup.variant === 'shared-ring' && now > 0) {
      Atomics.store(state, 1, written);
      Atomics.add(state, 2, 1);
      Atomics.notify(state, 2);
    }
    if (sent >= setup.frames) return;
    if (now > 0) setImmediate(turn);
    else {
      // The window is full: wait for the receiver to acknowledge.
      const result = waitAsync(received, 0, Atomics.load(received, 0), 5);
      if (result.async) void result.value.then(turn);
      else setImmediate(turn);
    }
  };
  parentPort!.once('message', () => turn());
  setInterval(() => sent, 60_000);
  parentPort!.postMessage('ready');
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  const setup = workerData as Setup;
  if (setup.role === 'send') send(setup);
  else receive(setup);
}
