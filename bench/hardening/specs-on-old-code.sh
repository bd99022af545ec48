#!/bin/sh
# Runs the spec/hardening specs against the code before the hardening work (commit 007c6ac by
# default), to show that each fails there. Only the client side is brought over: the specs, their
# helpers and proapi/testing; the server (everything else in lib/) stays as it was.
#   bench/hardening/specs-on-old-code.sh [commit] [spec-pattern]
set -eu
commit=${1:-007c6ac}
pattern=${2:-spec/hardening}
here=$(cd "$(dirname "$0")/../.." && pwd)
old=${OLD_TREE:-/tmp/proapi-old-$commit}
if [ ! -d "$old" ]; then
  git -C "$here" worktree add --detach "$old" "$commit" >/dev/null
  ln -s "$here/node_modules" "$old/node_modules"
fi
rm -rf "$old/spec/hardening"
cp -r "$here/spec/hardening" "$old/spec/hardening"
cp "$here"/spec/helpers/*.ts "$old/spec/helpers/"
cp "$here"/lib/testing/*.ts "$old/lib/testing/"
cp "$here/testing.ts" "$old/testing.ts"
cd "$old" && npx jest "$pattern" --testTimeout=60000 || true
