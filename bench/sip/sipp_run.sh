#!/bin/bash
# One bounded load run: PROCS SIPp processes (each -t u1, its own local port
# and its own slice of the users) together send RATE REGISTER-with-digest
# exchanges per second, CALLS in all, to 127.0.0.1:PORT. Samples the server's
# CPU (PID and its direct children, all threads) from /proc around the run and
# writes OUT/summary.json (summarize.py). bench/sip/run.sh calls this.
# Usage: sipp_run.sh OUT RATE CALLS PROCS SERVER_PID PORT LOCAL_PORT_BASE USERS_PREFIX SCENARIO
# Env: EXTRA_SIPP_ARGS (e.g. -trace_err to see why calls failed)
#   USERS_PREFIX: USERS_PREFIX.P.K.csv are the K-th of P slices (run.sh makes them)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$1; RATE=$2; CALLS=$3; PROCS=$4; SPID=$5; PORT=$6; LBASE=$7; UPFX=$8; SCEN=$9
mkdir -p "$OUT"
cd "$OUT" || exit 1
rm -f ./*.csv ./*.log ./*.txt ./summary.json

cpu_ticks() { # utime+stime of pid and its direct children (clock ticks)
    local t=0 c
    for c in $1 $(ps -o pid= --ppid "$1" 2>/dev/null); do
        [ -r /proc/$c/stat ] && t=$((t + $(awk '{print $14+$15}' /proc/$c/stat 2>/dev/null || echo 0)))
    done
    echo $t
}
rx_ticks() { # utime+stime of the server's threads named sip-udp (roomsysd's receive threads)
    local t=0 f
    for f in /proc/$1/task/*; do
        [ "$(cat "$f/comm" 2>/dev/null)" = sip-udp ] && t=$((t + $(awk '{print $14+$15}' "$f/stat" 2>/dev/null || echo 0)))
    done
    echo $t
}
srv_sock_drops() { # drops counted on the server's own UDP socket(s) (last column of /proc/net/udp)
    awk -v p="$(printf ':%04X' "$PORT")" '$2 ~ p"$" {d+=$NF} END{print d+0}' /proc/net/udp /proc/net/udp6 2>/dev/null
}
udp_rcvbuf_err() { awk '/^Udp:/{n++} /^Udp:/ && n==2 {print $6}' /proc/net/snmp; }
host_cpu() { awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }

EXPECTED=$(((CALLS + RATE - 1) / RATE))
GTIMEOUT=$((EXPECTED + 20))
PRATE=$(((RATE + PROCS - 1) / PROCS))
PCALLS=$(((CALLS + PROCS - 1) / PROCS))
LIMIT=$((PRATE * 10)); [ $LIMIT -lt 1000 ] && LIMIT=1000; [ $LIMIT -gt 10000 ] && LIMIT=10000

U0=$(udp_rcvbuf_err); H0=$(host_cpu); S0=$(cpu_ticks "$SPID"); X0=$(rx_ticks "$SPID"); D0=$(srv_sock_drops); T0=$(date +%s.%N)
PIDS=()
for k in $(seq 1 "$PROCS"); do
    mkdir -p "p$k"
    (cd "p$k" && exec /usr/bin/time -f "%e %U %S" -o sipp_time.txt \
        timeout -k 5 $((GTIMEOUT + 15)) \
        sipp "127.0.0.1:$PORT" -sf "$SCEN" -inf "$UPFX.$PROCS.$k.csv" -i 127.0.0.1 -p $((LBASE + k)) -t u1 \
        -r "$PRATE" -rp 1000 -m "$PCALLS" -l "$LIMIT" -timeout "${GTIMEOUT}s" -timeout_error \
        -max_socket 1000 -buff_size 4194304 -nostdin -trace_stat -stf stat.csv -fd 1 \
        -trace_rtt -rtt_freq 1 ${EXTRA_SIPP_ARGS:-} >sipp_stdout.txt 2>&1 </dev/null) &
    PIDS+=($!)
done
for p in "${PIDS[@]}"; do wait "$p"; done
T1=$(date +%s.%N); S1=$(cpu_ticks "$SPID"); X1=$(rx_ticks "$SPID"); D1=$(srv_sock_drops); H1=$(host_cpu); U1=$(udp_rcvbuf_err)
python3 "$HERE/summarize.py" . "$RATE" "$CALLS" "$PROCS" "$T0" "$T1" "$S0" "$S1" "$((U1 - U0))" "$H0" "$H1" "$((X1 - X0))" "$((D1 - D0))"
