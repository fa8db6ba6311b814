#!/usr/bin/env bash
# Re-measures the figures in docs/BENCHMARKS.md. Starts a fresh server (exported runtime) per
# figure in a scratch home, runs the load generator RUNS times, and prints the results.json
# summaries. Loopback only. Usage: loadgen/benchmarks.sh [RUNS [FIGURE...]] (default 3, all
# figures: idle-1000 idle-19000 idle-warm saturation rate-2k rate-20k rate-50k logins offline swap groups e2e keys media). Each message
# figure runs on a server warmed by WARMUP (default 30) seconds of flat-out 1:1 traffic first.
# The server runs with the JVM options of bin/jvm.options (SB_JAVA_OPTS adds to them), and with
# the .cfg files of the folder SB_ETC in its etc/ when set. Connections are Noise-encrypted, as the
# server requires by default; SB_ENCRYPTION=none measures plaintext (the server then allows it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
warmup="${WARMUP:-30}"   # seconds of flat-out 1:1 traffic before each measured message figure
shopt -s extglob
mapfile -t jvm_options < <(grep -v '^\s*#' bin/jvm.options | grep -v '^\s*$')
shift || true
only=" $* "
root="$(pwd)"
server_jar="$root/run/target/switchboard.jar"
encryption="${SB_ENCRYPTION:-noise}"
loadgen=(java -jar "$root/loadgen/target/loadgen.jar" --encryption "$encryption")
scratch="$(mktemp -d /tmp/sb-bench.XXXXXX)"
[ -f "$server_jar" ] && [ -f "$root/loadgen/target/loadgen.jar" ] || mvn -B -q -DskipTests install

start_server() {
  # a server left over on the port would be measured instead of this one, silently
  if (exec 3<>/dev/tcp/127.0.0.1/5200) 2>/dev/null; then
    echo "something already listens on 127.0.0.1:5200 (a server left running?); stop it first" >&2; exit 1
  fi
  rm -rf "$scratch/home" && mkdir -p "$scratch/home/etc"
  cp "$root/etc/dev.switchboard.shell.socket.cfg" "$scratch/home/etc/"   # loadgen reads the server's counters there
  cp "$root/etc/org.apache.felix.http.cfg" "$scratch/home/etc/"            # media over HTTPS, as shipped
  if [ -n "${SB_ETC:-}" ]; then cp "$SB_ETC"/*.cfg "$scratch/home/etc/"; fi # e.g. MariaDB, or the SQL journal
  if [ "$encryption" = none ]; then echo "encryption=none" >>"$scratch/home/etc/dev.switchboard.transport.cfg"; fi
  # shellcheck disable=SC2086
  (cd "$scratch/home" && exec java "${jvm_options[@]}" ${SB_JAVA_OPTS:-} -jar "$server_jar" >server.log 2>&1 </dev/null) &
  server_pid=$!
  for _ in $(seq 1 60); do [ -S "$scratch/home/data/ctl/shell.sock" ] && break; sleep 1; done
  sleep 2
}
stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
trap stop_server EXIT
run_once() { # name, run number, loadgen args...: one fresh, warmed server, one measured run
  local name=$1 i=$2; shift 2
  start_server
  if [[ " $* " == *" --scenario "@(pairs|swap|offline|groups)" "* ]] && [ "$warmup" -gt 0 ]; then
    # warm the server first (JIT, caches), as a server that has run a while is: not measured
    (cd "$scratch/home" && "${loadgen[@]}" --out "$scratch/warmup" --scenario pairs -n 2000 -w 2 --window 16 \
      --seconds "$warmup" >"$scratch/$name-$i-warmup.log" 2>&1) || echo "$name run $i: warm-up failed"
  fi
  (cd "$scratch/home" && "${loadgen[@]}" --out "$scratch/$name-$i" "$@" >"$scratch/$name-$i.log" 2>&1) || echo "$name run $i failed: see $scratch/$name-$i.log"
  stop_server
  echo "== $name run $i"; sed -n '/"summary"/,/}/p' "$scratch/$name-$i/results.json" | tr -d '\n' | tr -s ' '; echo
}
run() { # name, loadgen args...
  local name=$1; shift
  [ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || return 0
  for i in $(seq 1 "$runs"); do
    run_once "$name" "$i" "$@"
  done
}
run idle-1000 --scenario idle -n 1000 --seconds 3
run idle-19000 --scenario idle -n 19000 -w 3 --seconds 3
if [ "$only" = "  " ] || [[ "$only" == *" idle-warm "* ]]; then
  # The cost of one more logged-in connection on a server whose accounts already exist (as on one
  # that has run a while): a first pass registers the 19,000 accounts, which fills the database's
  # and the credential cache's bounded memory; then 1,000 and 19,000 of them log in again.
  for i in $(seq 1 "$runs"); do
    start_server
    (cd "$scratch/home" && "${loadgen[@]}" --out "$scratch/idle-warm-$i-register" --scenario idle -n 19000 -w 3 --seconds 1 \
      >"$scratch/idle-warm-$i-register.log" 2>&1) || echo "idle-warm run $i: registration failed"
    for n in 1000 19000; do
      (cd "$scratch/home" && "${loadgen[@]}" --out "$scratch/idle-warm-$i-$n" --scenario idle -n "$n" -w 3 --seconds 3 \
        >"$scratch/idle-warm-$i-$n.log" 2>&1) || echo "idle-warm run $i: $n failed"
    done
    stop_server
    low=$(grep -o '"server.heap-used": [0-9]*' "$scratch/idle-warm-$i-1000/results.json" | grep -o '[0-9]*$')
    high=$(grep -o '"server.heap-used": [0-9]*' "$scratch/idle-warm-$i-19000/results.json" | grep -o '[0-9]*$')
    echo "== idle-warm run $i: heap $low B at 1,000, $high B at 19,000: $(( (high - low) / 18000 )) B per connection"
  done
fi
run saturation --scenario pairs -n 2000 -w 2 --window 16 --seconds 20
run rate-2k --scenario pairs -n 2000 -w 2 --rate 2000 --seconds 30
run rate-20k --scenario pairs -n 2000 -w 2 --rate 20000 --seconds 30
run rate-50k --scenario pairs -n 2000 -w 2 --rate 50000 --seconds 30
run logins --scenario logins -n 10000 -w 2 --seconds 1
run offline --scenario offline -n 2000 -w 2 --window 16 --seconds 10
run groups --scenario groups -n 2000 -w 2 --group-size 50 --window 64 --seconds 20
run swap --scenario swap -n 2000 -w 2 --rate 20000 --seconds 40 --swap-at 10,15,20,25,30,35 \
  --swap-jar "$root/bundles/routing/target/switchboard-routing-0.1.0-SNAPSHOT.jar,$root/bundles/protocol.binary/target/switchboard-protocol.binary-0.1.0-SNAPSHOT.jar,$root/bundles/auth/target/switchboard-auth-0.1.0-SNAPSHOT.jar"
if [ "$only" = "  " ] || [[ "$only" == *" e2e "* ]]; then
  # 1:1 saturation with end-to-end encrypted messages (e2e=1, one 169-byte enc ciphertext: the size
  # client-e2e makes of a 64-byte text on an established session) against plain 64-byte ones,
  # alternated run by run; the clients' cryptography is measured apart (bench: E2eCryptoBenchmark)
  for i in $(seq 1 "$runs"); do
    run_once saturation-plain "$i" --scenario pairs -n 2000 -w 2 --window 16 --seconds 20
    run_once saturation-e2e "$i" --scenario pairs -n 2000 -w 2 --window 16 --seconds 20 --e2e-bytes 169
  done
fi
if [ "$only" = "  " ] || [[ "$only" == *" keys "* ]]; then # key bundle fetches/s, the per-requester limit raised
  mkdir -p "$scratch/keys-etc"
  printf 'fetchBurst=100000000\nfetchesPerMinute=100000000\n' >"$scratch/keys-etc/dev.switchboard.keys.cfg"
  for i in $(seq 1 "$runs"); do
    SB_ETC="$scratch/keys-etc" start_server
    echo "== keys run $i"; (cd "$scratch/home" && java -cp "$root/loadgen/target/loadgen.jar" dev.switchboard.loadgen.KeyFetchBench 8 10 20) || echo "keys run $i failed"
    stop_server
  done
fi
if [ "$only" = "  " ] || [[ "$only" == *" media "* ]]; then # 50 MB up and down through the SDK, against cp
  for i in $(seq 1 "$runs"); do
    start_server
    echo "== media run $i"; (cd "$scratch/home" && java -cp "$root/loadgen/target/loadgen.jar" dev.switchboard.loadgen.MediaBench 50 5) || echo "media run $i failed"
    stop_server
  done
fi
echo "results and charts under $scratch"
