#!/usr/bin/env bash
# End-to-end smoke test of the ncurses console in a private tmux server.
#
# Usage: Tests/e2e/console.sh BINARY [ARGS...]
#   e.g. Tests/e2e/console.sh .build/debug/ledgerline demo --data /tmp/ll-e2e
# Needs tmux. Exits 0 when every check passes; prints the pane on failure.
# The full operator/accountant scenario (retry, lookup vs lookup --json, correction, resize, quit)
# runs under `swift test`: Tests/LedgerlineCLITests/ConsoleEndToEndTests.swift. Measurements of
# redraw rate, key latency and CPU: Tests/e2e/measure-console.sh.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BINARY [ARGS...]" >&2
  exit 2
fi
command -v tmux >/dev/null || { echo "tmux is not installed" >&2; exit 2; }

work=$(mktemp -d)
sock="$work/tmux.sock"
tmx() { tmux -S "$sock" "$@"; }
cleanup() { tmx kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cmd=$(printf '%q ' "$@")
failures=0

capture() { tmx capture-pane -p -t e2e -S - ; }

# wait_for TEXT [SECONDS]: poll the pane until TEXT appears.
wait_for() {
  local text=$1 limit=${2:-10} i
  for ((i = 0; i < limit * 10; i++)); do
    if capture | grep -qF -- "$text"; then return 0; fi
    sleep 0.1
  done
  echo "FAIL: \"$text\" did not appear within ${limit}s" >&2
  capture >&2
  failures=$((failures + 1))
  return 1
}

pane_dead() { [[ $(tmx display-message -p -t e2e '#{pane_dead}') == 1 ]]; }

start() {
  tmx kill-session -t e2e 2>/dev/null || true
  tmx new-session -d -s e2e -x 120 -y 40 "env -u NO_COLOR TERM=xterm-256color $cmd"
  tmx set-option -t e2e remain-on-exit on >/dev/null
}

# 1. Line view, help, lookup prompt, quit.
start
wait_for "Ledgerline" 20 || true
wait_for "stateless" || true
wait_for "? help" || true
tmx send-keys -t e2e '?'
wait_for "Esc or ? closes this help" || true
tmx send-keys -t e2e Escape
tmx send-keys -t e2e '/' 'no-such-order' Enter
wait_for 'no artifact for order "no-such-order"' || true
tmx send-keys -t e2e Escape 't'
wait_for "theme: " || true
tmx send-keys -t e2e 'q'
for _ in $(seq 50); do pane_dead && break; sleep 0.1; done
if ! pane_dead; then
  echo "FAIL: q did not quit" >&2
  failures=$((failures + 1))
elif [[ $(tmx display-message -p -t e2e '#{pane_dead_status}') != 0 ]]; then
  echo "FAIL: exit status after q is $(tmx display-message -p -t e2e "#{pane_dead_status}"), not 0" >&2
  capture >&2
  failures=$((failures + 1))
fi

# 2. SIGTERM restores the terminal and exits 0.
start
wait_for "Ledgerline" 20 || true
pid=$(tmx display-message -p -t e2e '#{pane_pid}')
pkill -TERM -P "$pid" 2>/dev/null || kill -TERM "$pid"
for _ in $(seq 50); do pane_dead && break; sleep 0.1; done
if ! pane_dead; then
  echo "FAIL: SIGTERM did not stop the console" >&2
  failures=$((failures + 1))
elif [[ $(tmx display-message -p -t e2e '#{alternate_on}') != 0 ]]; then
  echo "FAIL: terminal left in the alternate screen after SIGTERM" >&2
  failures=$((failures + 1))
fi

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "console e2e: all checks passed"
