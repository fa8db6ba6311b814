#!/usr/bin/env bash
# Switchboard (Noise-encrypted, its default) against ejabberd (plaintext c2s) (Debian's package, config loadgen/peer/ejabberd.yml), same driver,
# same machine, runs alternated: for each run, each figure is measured on a fresh Switchboard
# and then on a fresh ejabberd, both warmed by WARMUP (default 30) seconds of flat-out traffic.
# Usage: loadgen/compare.sh [RUNS [FIGURE...]]   figures: saturation rate-2k rate-20k (default all),
# saturation-receipts and logins (PROTOCOL=xmpp; logins needs the warm-up, which registers the accounts),
# idle-slope (PROTOCOL=xmpp: RSS per idle connection on one instance at 1,000 and 5,000 connections),
# idle-N (N logged-in connections sending one message a second in all; the server's peak RSS is
# printed: the slope between two N is the RSS per idle connection; no warm-up)
# PROTOCOL=xmpp drives Switchboard's XMPP listener instead of its binary protocol, so both servers
# get the very same XMPP driver (loadgen's XmppWorker; Switchboard with encryption=none on loopback
# and in-band registration, as ejabberd's configuration has).
# Installs ejabberd with apt-get when missing. Loopback only. Prints one line per measurement and
# leaves results.json files under the scratch directory it names.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
shift || true
figures="${*:-saturation rate-2k rate-20k}"
warmup="${WARMUP:-30}"
protocol="${PROTOCOL:-binary}"
root="$(pwd)"
scratch="$(mktemp -d /tmp/sb-compare.XXXXXX)"
loadgen=(java -jar "$root/loadgen/target/loadgen.jar")
[ -f "$root/run/target/switchboard.jar" ] && [ -f "$root/loadgen/target/loadgen.jar" ] || mvn -B -q -DskipTests install
command -v ejabberdctl >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ejabberd; }
mapfile -t jvm_options < <(grep -v '^\s*#' "$root/bin/jvm.options" | grep -v '^\s*$')

args_of() { # figure -> loadgen arguments
  case $1 in
    saturation) echo "--scenario pairs -n 2000 -w 2 --window 16 --seconds 20" ;;
    saturation-receipts) echo "--scenario pairs -n 2000 -w 2 --window 16 --seconds 20 --receipts" ;; # XMPP: XEP-0184 asked and answered
    logins) echo "--scenario logins -n 2000 -w 2 --seconds 2" ;; # XMPP: the warm-up registered the accounts; SASL + bind + presence only
    rate-2k) echo "--scenario pairs -n 2000 -w 2 --rate 2000 --seconds 20" ;;
    rate-20k) echo "--scenario pairs -n 2000 -w 2 --rate 20000 --seconds 20" ;;
    idle-*) echo "--scenario pairs -n ${1#idle-} -w 4 --rate 40 --seconds 10" ;; # logged in, 40 messages a second in all (the rate is split over the workers)
    *) echo "unknown figure $1" >&2; exit 2 ;;
  esac
}
summary() { sed -n '/"summary"/,/}/p' "$1/results.json" | tr -d '\n' | tr -s ' ' | grep -oE '"(loginsPerSecond|loginSeconds|deliveredPerSecondMeasured|latencyP50Ms|latencyP99Ms|serverCpuPercent|serverCpuMicrosPerDelivered|driverCpuPercentMeasured|sent|acked|delivered|errors)": [0-9.]+' | tr -d '"' | tr '\n' ' '; }

# ejabberdctl as the ejabberd user with the file limit raised: su would give its default soft
# limit (1024), below 2,000 sockets
ejctl() { su -s /bin/sh -c 'ulimit -n 20000; exec ejabberdctl "$@"' ejabberd -- ejctl "$@"; }
server_pid=""
stop() {
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  server_pid=""
  [ -f "$scratch/ejabberdctl.cfg" ] && { ejctl --ctl-config "$scratch/ejabberdctl.cfg" --spool "$scratch/spool" --logs "$scratch/logs" stop >/dev/null 2>&1 || true; }
  pkill -f "beam.smp.*$scratch" 2>/dev/null || true
}
trap stop EXIT
start_switchboard() {
  rm -rf "$scratch/home" && mkdir -p "$scratch/home/etc"
  cp "$root/etc/dev.switchboard.shell.socket.cfg" "$scratch/home/etc/"
  if [ "$protocol" = xmpp ]; then
    printf 'host=127.0.0.1\nport=5223\nencryption=none\nmaxConnectionsPerAddress=20000\n' >"$scratch/home/etc/dev.switchboard.transport.xmpp.cfg"
    printf 'registration=true\n' >"$scratch/home/etc/dev.switchboard.protocol.xmpp.cfg"
  fi
  (cd "$scratch/home" && exec java "${jvm_options[@]}" -jar "$root/run/target/switchboard.jar" >server.log 2>&1 </dev/null) &
  server_pid=$!
  for _ in $(seq 1 60); do [ -S "$scratch/home/data/ctl/shell.sock" ] && break; sleep 1; done
  sleep 2
}
start_ejabberd() {
  rm -rf "$scratch/spool" "$scratch/logs" && mkdir -p "$scratch/spool" "$scratch/logs"
  cp "$root/loadgen/peer/ejabberd.yml" "$scratch/ejabberd.yml"
  echo 'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"' > "$scratch/ejabberdctl.cfg"
  chown -R ejabberd "$scratch" 2>/dev/null || true
  chmod 755 "$scratch"
  ejctl --config "$scratch/ejabberd.yml" --ctl-config "$scratch/ejabberdctl.cfg" --spool "$scratch/spool" \
    --logs "$scratch/logs" start
  for _ in $(seq 1 60); do ss -ltn | grep -q '127.0.0.1:5222 ' && break; sleep 1; done
  sleep 2
}
measure() { # server(switchboard|ejabberd) figure run
  local server=$1 figure=$2 i=$3 extra=() pid
  if [ "$server" = switchboard ]; then start_switchboard; pid=$server_pid; cd "$scratch/home"
    [ "$protocol" = xmpp ] && extra=(--protocol xmpp --port 5223)
  else start_ejabberd; pid=$(ss -ltnpH 'sport = :5222' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2) # the process that serves
    extra=(--protocol xmpp --port 5222); cd "$scratch"; fi
  echo "$server pid $pid" >>"$scratch/pids.log"
  if [ "$warmup" -gt 0 ] && [[ "$figure" != idle-* ]]; then
    "${loadgen[@]}" "${extra[@]}" --server-pid "$pid" --out "$scratch/warmup" --scenario pairs -n 2000 -w 2 --window 16 \
      --seconds "$warmup" >"$scratch/$server-$figure-$i-warmup.log" 2>&1 || echo "$server $figure run $i: warm-up failed"
  fi
  local sampler=""
  if [[ "$figure" == idle-* ]]; then # the server's resident memory, once a second, while the connections are held
    (while kill -0 "$pid" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$pid/status"; sleep 1; done) >"$scratch/$server-$figure-$i.rss" &
    sampler=$!
  fi
  # shellcheck disable=SC2046
  "${loadgen[@]}" "${extra[@]}" --server-pid "$pid" --out "$scratch/$server-$figure-$i" $(args_of "$figure") \
    >"$scratch/$server-$figure-$i.log" 2>&1 || echo "$server $figure run $i failed: see $scratch/$server-$figure-$i.log"
  if [ -n "$sampler" ]; then
    kill "$sampler" 2>/dev/null || true
    echo "$server $figure run $i: peak RSS $(sort -n "$scratch/$server-$figure-$i.rss" | tail -1) kB"
  fi
  cd "$root"
  stop
  printf '%-11s %-10s run %d (%s): %s\n' "$server" "$figure" "$i" "$protocol" "$(summary "$scratch/$server-$figure-$i")"
}
rss_of() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# RSS per idle logged-in connection on one server instance: the accounts are registered first
# (5,000, connections closed again), then 1,000 connections are held, then 4,000 more beside them;
# the slope between the two RSS readings (each 15 s after its connections are in) is per connection
idle_slope() { # server run
  local server=$1 i=$2 extra=() pid
  if [ "$server" = switchboard ]; then start_switchboard; pid=$server_pid; cd "$scratch/home"
    [ "$protocol" = xmpp ] && extra=(--protocol xmpp --port 5223)
  else start_ejabberd; pid=$(ss -ltnpH 'sport = :5222' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2); extra=(--protocol xmpp --port 5222); cd "$scratch"; fi
  "${loadgen[@]}" "${extra[@]}" --server-pid "$pid" --out "$scratch/$server-slope-$i-reg" --scenario pairs -n 5000 -w 4 --rate 40 \
    --seconds 1 >"$scratch/$server-slope-$i-reg.log" 2>&1 || echo "$server slope run $i: registration failed"
  "${loadgen[@]}" "${extra[@]}" --server-pid "$pid" --out "$scratch/$server-slope-$i-a" --scenario logins -n 1000 -w 1 \
    --seconds 60 >"$scratch/$server-slope-$i-a.log" 2>&1 &
  local a=$!
  for _ in $(seq 1 60); do grep -q "up=1000 " "$scratch/$server-slope-$i-a.log" 2>/dev/null && break; sleep 1; done
  sleep 15; local rss1; rss1=$(rss_of "$pid")
  "${loadgen[@]}" "${extra[@]}" --server-pid "$pid" --out "$scratch/$server-slope-$i-b" --scenario logins -n 4000 -w 3 \
    --first-user 1000 --seconds 30 >"$scratch/$server-slope-$i-b.log" 2>&1 &
  local b=$!
  for _ in $(seq 1 60); do grep -q "up=4000 " "$scratch/$server-slope-$i-b.log" 2>/dev/null && break; sleep 1; done
  sleep 15; local rss2; rss2=$(rss_of "$pid")
  wait "$a" "$b" || true
  cd "$root"; stop
  printf '%-11s idle-slope run %d (%s): RSS %d kB at 1,000, %d kB at 5,000: %.1f kB per idle connection\n' "$server" "$i" \
    "$protocol" "$rss1" "$rss2" "$(echo "($rss2 - $rss1) / 4000" | bc -l)"
}
for i in $(seq 1 "$runs"); do
  for figure in $figures; do
    if [ "$figure" = idle-slope ]; then idle_slope switchboard "$i"; idle_slope ejabberd "$i"; continue; fi
    measure switchboard "$figure" "$i"
    measure ejabberd "$figure" "$i"
  done
done
echo "results under $scratch"
