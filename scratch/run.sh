#!/bin/bash
cd /work/wt-messages
run() { # kind path port
  npx ts-node --transpile-only scratch/server.ts $1 $3 > /tmp/mbench/srv.log 2>&1 &
  local pid=$!
  for i in $(seq 1 100); do grep -q ready /tmp/mbench/srv.log && break; sleep 0.1; done
  local r=$(node scratch/client.js ws://127.0.0.1:$3$2 4)
  echo "$1 $2: $r msg/s"
  kill $pid; wait $pid 2>/dev/null
}
run uws /x 9301
run proapi /loop 9302
run proapi /raw 9303
run proapi /dto 9304
run proapi /loopdto 9305
