const WebSocket = require('ws');
const [url, seconds] = [process.argv[2], Number(process.argv[3] || 4)];
const CONNS = 20, WINDOW = 20;
let count = 0, measuring = false;
const text = 'x'.repeat(64);
(async () => {
  const socks = await Promise.all(Array.from({ length: CONNS }, () => new Promise((res) => { const s = new WebSocket(url); s.on('open', () => res(s)); })));
  let id = 0;
  for (const s of socks) {
    s.on('message', () => { if (measuring) count++; s.send(JSON.stringify({ type: 'echo', id: id++, seq: id, text })); });
    for (let i = 0; i < WINDOW; i++) s.send(JSON.stringify({ type: 'echo', id: id++, seq: id, text }));
  }
  await new Promise((r) => setTimeout(r, 1000));
  measuring = true; const t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  console.log(Math.round(count / ((Date.now() - t0) / 1000)));
  process.exit(0);
})();
