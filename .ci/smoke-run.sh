#!/usr/bin/env bash
# Start `make run` on the embedded default (no DATABASE_URL, no REDIS_URL) in a scratch copy
# of the database and check that the login page answers with the demo data loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${SMOKE_PORT:-18765}
workdir=$(mktemp -d)
log="$workdir/run.log"
env -u DATABASE_URL -u REDIS_URL -u KAOPING_REQUIRE_SERVICES \
  DATABASE_URL="sqlite:///$workdir/smoke.sqlite3" PORT="$port" make run >"$log" 2>&1 &
pid=$!
cleanup() { kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; pkill -f "runserver 127.0.0.1:$port" 2>/dev/null || true; rm -rf "$workdir"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/login/" -o "$workdir/login.html" 2>/dev/null; then break; fi
  sleep 1
done
if ! grep -q 'name="username"' "$workdir/login.html" 2>/dev/null; then
  echo "make run did not serve the login page; its output:"; cat "$log"; exit 1
fi
grep -q "demo" "$log" || { echo "seed_demo did not print the demo logins"; cat "$log"; exit 1; }
echo "make run served the login page on 127.0.0.1:$port"
