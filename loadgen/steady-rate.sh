#!/usr/bin/env bash
# The server's steady-state cost at a paced rate, past warm-up: a fresh server (JAR, default the
# exported runtime; JVM options of bin/jvm.options), 2,000 Noise connections offering RATE messages
# a second in all (default 2000) for 100 s; the server's CPU and voluntary context switches per
# message are read from /proc over seconds 70-90 (every thread), and the median second's p50/p99
# of the driver's last 35 seconds is printed. Loopback only. Usage: RATE=2000 loadgen/steady-rate.sh
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
rate=${RATE:-2000}; jar=${JAR:-$root/run/target/switchboard.jar}
if (exec 3<>/dev/tcp/127.0.0.1/5200) 2>/dev/null; then echo "something already listens on 127.0.0.1:5200; stop it first" >&2; exit 1; fi
mapfile -t jvm_options < <(grep -v '^\s*#' bin/jvm.options | grep -v '^\s*$')
h=$(mktemp -d /tmp/sb-steady.XXXXXX); mkdir -p $h/etc; cp etc/dev.switchboard.shell.socket.cfg etc/org.apache.felix.http.cfg $h/etc/
(cd $h && exec java "${jvm_options[@]}" ${SB_JAVA_OPTS:-} -jar $jar >server.log 2>&1 </dev/null 7>&-) &
pid=$!
for _ in $(seq 1 60); do [ -S $h/data/ctl/shell.sock ] && break; sleep 1; done; sleep 2
(cd $h && exec java -jar $root/loadgen/target/loadgen.jar --encryption noise --out $h/out --scenario pairs -n 2000 -w 2 --rate $rate --seconds 100 > $h/lg.log 2>&1) &
lgpid=$!
sleep 70
snap(){ for t in /proc/$pid/task/*; do echo "$(cat $t/comm | tr ' ' _)-$(basename $t) $(awk '{print $14+$15}' $t/stat) $(grep ^voluntary $t/status | awk '{print $2}')"; done | sort; }
snap > $h/s1; sleep 20; snap > $h/s2
join $h/s1 $h/s2 | awk -v r=$rate '{d=$4-$2; tot+=d; cs+=$5-$3} END {printf "server %.1f%% CPU, %.0f us/msg, %.1f voluntary switches/msg\n", tot/20, tot*10000/(r*20), cs/(r*20)}'
wait $lgpid
grep "^t=" $h/lg.log | tail -40 | head -35 | sed 's/.*p50=\([0-9.]*\)ms p99=\([0-9.]*\)ms.*/\1 \2/' | sort -n -k2 | awk '{a[NR]=$1; b[NR]=$2} END {print "median-second p50", a[int(NR/2)], "p99", b[int(NR/2)]}'
kill $pid; wait $pid 2>/dev/null
echo "driver output and server log under $h"
