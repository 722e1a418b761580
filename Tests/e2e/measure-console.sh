#!/usr/bin/env bash
# Measures the ncurses console in a private tmux server (140x40), without changing the product:
#   1. redraw rate while `demo --events 20000 --interval 1` runs at full speed: the UI thread's
#      write(2) calls to the terminal (strace) and the pane changes seen by capture-pane;
#   2. key-to-screen latency: send a key, poll capture-pane until its effect shows (20 tries each
#      of `?` opening the help and Esc closing it);
#   3. CPU: the UI thread under load, and the whole process when idle (`console` with its engine
#      on a finished data dir, and `console --read-only`).
#
# Usage: Tests/e2e/measure-console.sh BINARY [SECONDS]    (use a release build)
# Needs tmux, strace, awk. Prints one figure per line.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 BINARY [SECONDS]" >&2; exit 2; }
bin=$(realpath "$1")
secs=${2:-10}
for tool in tmux strace awk; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done

work=$(mktemp -d)
sock="$work/tmux.sock"
tmx() { tmux -u -f /dev/null -S "$sock" "$@"; }
cleanup() { tmx kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ticks=$(getconf CLK_TCK)
now_ns() { date +%s%N; }

# start NAME COMMAND...: a 140x40 session whose pane process is the binary itself.
start() {
  local name=$1
  shift
  tmx new-session -d -s "$name" -x 140 -y 40 "exec env -u NO_COLOR TERM=xterm-256color $*"
  for _ in $(seq 200); do
    tmx capture-pane -p -t "$name" | grep -q ' ? help' && return 0
    sleep 0.05
  done
  echo "console did not start:" >&2
  tmx capture-pane -p -t "$name" >&2
  exit 1
}
pane_pid() { tmx display-message -p -t "$1" '#{pane_pid}'; }

# cpu_ticks STATFILE: utime + stime (clock ticks) from a /proc stat file.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "$1"; }

# cpu_percent STATFILE: CPU share of a process or thread over $secs seconds.
cpu_percent() {
  local before after
  before=$(cpu_ticks "$1")
  sleep "$secs"
  after=$(cpu_ticks "$1")
  awk -v d=$((after - before)) -v t="$ticks" -v s="$secs" 'BEGIN { printf "%.1f%%\n", 100 * d / t / s }'
}

# key_latency NAME KEY TEXT SHOWN: sends KEY; prints the ms until TEXT is shown (SHOWN=1) or
# gone (SHOWN=0). Each poll is one tmux client run (a few ms), which bounds the resolution.
key_latency() {
  local name=$1 key=$2 text=$3 shown=$4 start found
  start=$(now_ns)
  tmx send-keys -t "$name" "$key"
  for _ in $(seq 2000); do
    if tmx capture-pane -p -t "$name" | grep -qF -- "$text"; then found=1; else found=0; fi
    if [[ $found == "$shown" ]]; then
      echo $(( ($(now_ns) - start) / 1000000 ))
      return 0
    fi
  done
  echo "timeout" >&2
}

summary() { sort -n | awk '{ v[NR] = $1 } END { printf "p50 %d ms, max %d ms (n=%d)\n", v[int((NR + 1) / 2)], v[NR], NR }'; }

echo "== load: demo --events 20000 --interval 1 (faults off), ${secs}s windows"
start load "$bin" demo --data "$work/load" --events 20000 --interval 1 --inject-faults none
pid=$(pane_pid load)
sleep 5

strace -f -tt -e trace=write,poll,ppoll,select,pselect6 -e signal=none -p "$pid" -o "$work/strace" &
tracer=$!
sleep "$secs"
kill -INT "$tracer"
wait "$tracer" 2>/dev/null || true
ui_writes=$(grep -c "^$pid .*write(1," "$work/strace" || true)
ui_bytes=$(grep "^$pid .*write(1," "$work/strace" | awk -F'= ' '{ s += $NF } END { print s + 0 }')
ui_waits=$(grep -cE "^$pid .*(poll|select)\(" "$work/strace" || true)
echo "terminal writes by the UI thread: $ui_writes in ${secs}s ($(awk -v w="$ui_writes" -v s="$secs" 'BEGIN { printf "%.1f", w / s }')/s), $ui_bytes bytes"
# A frame is one doupdate(): its writes come within a few ms; a new frame starts after a 5 ms gap.
frames=$(grep "^$pid .*write(1," "$work/strace" | awk '{ split($2, t, ":"); now = t[1] * 3600 + t[2] * 60 + t[3]
  if (NR == 1 || now - last > 0.005) n++; last = now } END { print n + 0 }')
echo "frames drawn (write bursts 5 ms apart): $frames in ${secs}s"
echo "poll/select calls by the UI thread (input waits, up to 100 ms each): $ui_waits in ${secs}s"

changes=0
last=""
end=$(( $(now_ns) + secs * 1000000000 ))
while [[ $(now_ns) -lt $end ]]; do
  current=$(tmx capture-pane -p -t load)
  [[ "$current" != "$last" ]] && changes=$((changes + 1))
  last=$current
  sleep 0.02
done
echo "pane changes seen by capture-pane every 20 ms: $changes in ${secs}s"

tmx capture-pane -p -t load | sed -n '1,2p'
echo "UI thread CPU under load: $(cpu_percent /proc/"$pid"/task/"$pid"/stat)"
echo "whole process CPU under load: $(cpu_percent /proc/"$pid"/stat)"

for _ in $(seq 20); do
  start_ns=$(now_ns)
  tmx capture-pane -p -t load >/dev/null
  echo $(( ($(now_ns) - start_ns) / 1000000 )) >>"$work/floor"
done
echo "one send-keys or capture-pane round trip (the resolution floor): $(summary <"$work/floor")"
for _ in $(seq 20); do
  key_latency load '?' 'Esc or ? closes this help' 1 >>"$work/open"
  key_latency load Escape 'Esc or ? closes this help' 0 >>"$work/close"
done
echo "key-to-screen under load, ? opens help: $(summary <"$work/open")"
echo "key-to-screen under load, Esc closes help (incl. 25 ms ESC delay): $(summary <"$work/close")"
tmx send-keys -t load q

echo "== idle: console on a finished data dir"
"$bin" generate --data "$work/idle" --batches 2 --events 2000 --bulk-lines 0 >/dev/null
"$bin" run --data "$work/idle" --until-idle >/dev/null
start idle "$bin" console --data "$work/idle"
sleep 2
pid=$(pane_pid idle)
echo "console (engine inside, idle) CPU: $(cpu_percent /proc/"$pid"/stat)"
rm -f "$work/open"
for _ in $(seq 20); do
  key_latency idle '?' 'Esc or ? closes this help' 1 >>"$work/open"
  tmx send-keys -t idle Escape
  sleep 0.2
done
echo "key-to-screen idle, ? opens help: $(summary <"$work/open")"
tmx send-keys -t idle q
sleep 1
start ro "$bin" console --data "$work/idle" --read-only
sleep 2
echo "console --read-only (no engine) CPU: $(cpu_percent /proc/"$(pane_pid ro)"/stat)"
tmx send-keys -t ro q
