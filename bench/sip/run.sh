#!/bin/bash
# bench/sip/run.sh - the sign-in benchmark: roomsysd vs Kamailio 5.6 on the same
# machine, same accounts, same SIPp REGISTER-with-digest scenario, in one run.
#
#   bench/sip/run.sh                  full run: 100,000 accounts, rate sweep, 3 runs per rate
#   bench/sip/run.sh --quick          development: 5,000 accounts, a few rates, 1 run of 8 s each
#   bench/sip/run.sh --write-docs     also write the table into docs/benchmarks.md ("Sign-in")
# Options: --accounts N  --rates "R1 R2 ..."  --repeats N  --duration S  --sipp-procs N
#          --only roomsysd|kamailio  --roomsysd PATH (default: build it in build-bench-sip/)
#
# What it does (every process it starts is stopped by PID on exit, every SIPp run
# is bounded by -m, -timeout and timeout(1)):
#   1. Installs missing Debian packages with apt-get (needs root): kamailio,
#      kamailio-sqlite-modules, sip-tester, sqlite3, python3, curl, cmake/gcc deps of roomsys.
#   2. Provisions the N accounts once and caches them in bench/sip/run/accounts-N/
#      (provision_cache.sh): roomsysd through its HTTPS InvokeCommand admin API with
#      parallel clients (New-Mailbox -Room with an enabled account and password,
#      Set-MsolUser -UsageLocation, Set-MsolUserLicense, Enable-CsMeetingRoom), with
#      cheap argon2 parameters in the bench's own daemon config (the bench measures
#      sign-in, not password hashing); Kamailio gets the same accounts in its sqlite
#      subscriber table (same realm, passwords, digest username = SIP address).
#   3. Starts Kamailio (bench/sip/kamailio-registrar.cfg: auth_db on sqlite, usrloc
#      db_mode 2 write-back to the same sqlite file, 4 UDP children) and roomsysd
#      (a copy of the cached state), both on 127.0.0.1, both running for the whole run.
#      Neither has flood protection active for 127.0.0.1 (Kamailio: no pike; roomsysd:
#      127.0.0.1 exempted in its config when the rate limiter exists).
#   4. Warm-up: every account registers once on each server (SIPp, 2,500/s).
#   5. Per rate, REPEATS runs of DURATION seconds, alternating Kamailio and roomsysd;
#      a server's sweep stops after two consecutive failing rates.
#   6. Report: results.md in the run's result folder (and docs/benchmarks.md with
#      --write-docs): highest rate with < 1 % failures (and >= 97 % of the target
#      achieved), server CPU microseconds per successful registration, p50/p99 of the
#      authenticated leg, retransmissions, memory (PSS) with all accounts registered.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUN="$HERE/run"
N=100000
DEFAULT_RATES="4000 8000 12000 16000 20000 24000 28000 32000 36000 40000"
RATES=$DEFAULT_RATES
REPEATS=3
DUR=15
SPROCS=""
ONLY=""
WRITE_DOCS=0
ROOMSYSD=""
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) N=5000; RATES="2000 8000 14000"; REPEATS=1; DUR=8 ;;
    --accounts) N=$2; shift ;;
    --rates) RATES=$2; shift ;;
    --repeats) REPEATS=$2; shift ;;
    --duration) DUR=$2; shift ;;
    --sipp-procs) SPROCS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --roomsysd) ROOMSYSD=$2; shift ;;
    --write-docs) WRITE_DOCS=1 ;;
    -h | --help) sed -n '2,36p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done

# ---- 1. packages ----
need=()
command -v kamailio >/dev/null || need+=(kamailio)
[ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/db_sqlite.so ] || need+=(kamailio-sqlite-modules)
command -v sipp >/dev/null || need+=(sip-tester)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v python3 >/dev/null || need+=(python3)
command -v curl >/dev/null || need+=(curl)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}"
    if [ "$(id -u)" != 0 ]; then echo "run as root to install packages: ${need[*]}" >&2; exit 69; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" || exit 69
    # the packaged service binds every interface: keep it stopped, the bench starts its own
    systemctl disable --now kamailio >/dev/null 2>&1 || true
fi

# ---- roomsysd binary (optimized build) ----
if [ -z "$ROOMSYSD" ]; then
    B="$ROOT/build-bench-sip"
    if [ ! -f "$B/CMakeCache.txt" ]; then
        cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 70
    fi
    cmake --build "$B" -j2 --target roomsysd >/dev/null || { echo "build failed" >&2; exit 70; }
    ROOMSYSD="$B/src/daemon/roomsysd"
fi
export ROOMSYSD

# ---- 2. accounts ----
"$HERE/provision_cache.sh" "$N" 4 || exit 1
A="$RUN/accounts-$N"

# ---- 3. servers ----
TS=$(date -u +%Y%m%d_%H%M%S)
OUT="$RUN/results/$TS"
W="$RUN/work"
mkdir -p "$OUT"
rm -rf "$W"
mkdir -p "$W"
free_port() { python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=='udp' else socket.SOCK_STREAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"; }
KPORT=$(free_port udp)
RPORT=$(free_port udp)
HPORT=$(free_port tcp)
KPID=""
RPID=""
stop_pid() { # stop_pid PID: TERM, wait up to 10 s, then KILL
    local p=$1
    [ -n "$p" ] || return 0
    kill -TERM "$p" 2>/dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    return 0
}
cleanup() {
    stop_pid "$KPID"
    stop_pid "$RPID"
    KPID=""
    RPID=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$A/kamailio.sqlite" "$W/kamailio.sqlite"
sqlite3 "$W/kamailio.sqlite" 'PRAGMA journal_mode=WAL;' >/dev/null # auth_db reads while usrloc writes
cp -a "$A/state" "$W/state"
SIP_EXTRA_CONF=${SIP_EXTRA_CONF:-}
export SIP_EXTRA_CONF
"$HERE/roomsysd_conf.sh" "$W/roomsysd.conf" "$W/state" "$HPORT" "$RPORT" $((N + 10000)) "$A/admin.pw" ${UDP_THREADS:-}
# exempt 127.0.0.1 from the per-source rate limit when this roomsysd has one
if "$ROOMSYSD" -c "$W/roomsysd.conf" --check-config >/dev/null 2>&1; then
    cp "$W/roomsysd.conf" "$W/roomsysd.conf.try"
    sed -i 's/^\[sip\]$/[sip]\nrate_limit_exempt = 127.0.0.1/' "$W/roomsysd.conf.try"
    if "$ROOMSYSD" -c "$W/roomsysd.conf.try" --check-config >/dev/null 2>&1; then
        mv "$W/roomsysd.conf.try" "$W/roomsysd.conf"
        EXEMPT_NOTE="roomsysd: \`rate_limit_exempt = 127.0.0.1\`"
    else
        rm -f "$W/roomsysd.conf.try"
        EXEMPT_NOTE="roomsysd: no per-source limiter in this build"
    fi
else
    "$ROOMSYSD" -c "$W/roomsysd.conf" --check-config
    exit 78
fi

if [ "$ONLY" != roomsysd ]; then
    kamailio -f "$HERE/kamailio-registrar.cfg" -DD -E -m 1024 -M 32 -P "$W/kamailio.pid" -Y "$W" \
        -A "BENCH_SQLITE=\"sqlite://$W/kamailio.sqlite\"" -A "BENCH_CTL=\"unix:$W/kamailio_ctl\"" \
        -A "SIPPORT=$KPORT" >"$OUT/kamailio.log" 2>&1 </dev/null &
    KPID=$!
    for _ in $(seq 1 100); do [ -S "$W/kamailio_ctl" ] && break; sleep 0.1; done
    sleep 0.5
    kill -0 "$KPID" 2>/dev/null || { echo "kamailio did not start:"; tail "$OUT/kamailio.log"; exit 1; }
fi
if [ "$ONLY" != kamailio ]; then
    "$ROOMSYSD" -c "$W/roomsysd.conf" >"$OUT/roomsysd.log" 2>&1 </dev/null &
    RPID=$!
    for _ in $(seq 1 300); do
        curl -sf --cacert "$W/state/tls/cert.pem" "https://127.0.0.1:$HPORT/readyz" >/dev/null 2>&1 && break
        kill -0 "$RPID" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$RPID" 2>/dev/null || { echo "roomsysd did not start:"; tail "$OUT/roomsysd.log"; exit 1; }
fi

# users split into slices, one per SIPp process
max_procs=6 # at 36,000/s and more: 6,000/s per SIPp process (one tops out near 10,000/s)
for p in $(seq 1 $max_procs); do
    for k in $(seq 1 "$p"); do
        awk -v p="$p" -v k="$k" 'NR==1{print; next} (NR-2)%p==k-1' "$A/users.csv" >"$W/users.$p.$k.csv"
    done
done
procs_for() { # SIPp processes for a rate: one per 5,000/s (one SIPp tops out near 10,000/s here)
    if [ -n "$SPROCS" ]; then echo "$SPROCS"; return; fi
    local p=$((($1 + 4999) / 5000))
    [ $p -lt 1 ] && p=1
    [ $p -gt $max_procs ] && p=$max_procs
    echo $p
}
SCEN="$HERE/sipp_register_auth.xml"
server_pid() { [ "$1" = kamailio ] && echo "$KPID" || echo "$RPID"; }
server_port() { [ "$1" = kamailio ] && echo "$KPORT" || echo "$RPORT"; }
SERVERS=()
[ "$ONLY" != roomsysd ] && SERVERS+=(kamailio)
[ "$ONLY" != kamailio ] && SERVERS+=(roomsysd)

mem_kib() { # PSS of a PID and its direct children (shared memory counted once), KiB
    local t=0 c v
    for c in $1 $(ps -o pid= --ppid "$1" 2>/dev/null); do
        v=$(awk '/^Pss:/{print $2}' /proc/$c/smaps_rollup 2>/dev/null)
        t=$((t + ${v:-0}))
    done
    echo $t
}

{
    echo "date=$(date -u +%FT%TZ) accounts=$N rates='$RATES' repeats=$REPEATS duration=${DUR}s"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') cores=$(nproc) kernel=$(uname -r)"
    echo "kamailio=$(dpkg-query -W -f='${Version}' kamailio 2>/dev/null) sipp=$(dpkg-query -W -f='${Version}' sip-tester 2>/dev/null) roomsysd=$("$ROOMSYSD" --version | awk '{print $2}') commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
    echo "rmem_max=$(cat /proc/sys/net/core/rmem_max) wmem_max=$(cat /proc/sys/net/core/wmem_max)"
    echo "exempt: kamailio: no pike/flood module loaded; $EXEMPT_NOTE"
    for s in "${SERVERS[@]}"; do echo "idle_pss_kib_$s=$(mem_kib "$(server_pid "$s")")"; done
} | tee "$OUT/env.txt"

# ---- 4. warm-up: every account registered once on each server ----
for s in "${SERVERS[@]}"; do
    echo "warm-up $s: $N registrations at 2500/s"
    "$HERE/sipp_run.sh" "$OUT/$s/warmup" 2500 "$N" 1 "$(server_pid "$s")" "$(server_port "$s")" 16000 "$W/users" "$SCEN"
done
sleep 2
for s in "${SERVERS[@]}"; do echo "registered_pss_kib_$s=$(mem_kib "$(server_pid "$s")")"; done | tee -a "$OUT/env.txt"
if [ -n "$RPID" ]; then
    echo "registered_rss_kib_roomsysd=$(awk '/^VmRSS:/{print $2}' /proc/$RPID/status)" | tee -a "$OUT/env.txt"
fi

# ---- 5. sweep ----
declare -A FAILS
for s in "${SERVERS[@]}"; do FAILS[$s]=0; done
for r in $RATES; do
    calls=$((r * DUR))
    [ $calls -gt 300000 ] && calls=300000
    p=$(procs_for "$r")
    for i in $(seq 1 "$REPEATS"); do
        for s in "${SERVERS[@]}"; do
            [ "${FAILS[$s]}" -ge 2 ] && continue
            echo -n "$s run $i: "
            "$HERE/sipp_run.sh" "$OUT/$s/r$r/run$i" "$r" "$calls" "$p" "$(server_pid "$s")" \
                "$(server_port "$s")" 16000 "$W/users" "$SCEN"
            kill -0 "$(server_pid "$s")" 2>/dev/null || { echo "$s died"; exit 1; }
            sleep 3
        done
    done
    for s in "${SERVERS[@]}"; do
        [ "${FAILS[$s]}" -ge 2 ] && continue
        if python3 "$HERE/report.py" --passes "$OUT/$s/r$r"; then FAILS[$s]=0; else FAILS[$s]=$((FAILS[$s] + 1)); fi
    done
done
for s in "${SERVERS[@]}"; do echo "end_pss_kib_$s=$(mem_kib "$(server_pid "$s")")"; done | tee -a "$OUT/env.txt"
if [ -n "$RPID" ]; then
    echo "end_rss_kib_roomsysd=$(awk '/^VmRSS:/{print $2}' /proc/$RPID/status)" | tee -a "$OUT/env.txt"
fi
cleanup

# ---- 6. report ----
CMD="bench/sip/run.sh"
[ "$N" != 100000 ] && CMD="$CMD --accounts $N"
[ "$RATES" != "$DEFAULT_RATES" ] && CMD="$CMD --rates \"$RATES\""
python3 "$HERE/report.py" "$OUT" "$CMD" | tee "$OUT/results.md"
if [ "$WRITE_DOCS" = 1 ]; then
    python3 "$HERE/report.py" --write-docs "$ROOT/docs/benchmarks.md" "$OUT/results.md"
    echo "wrote the Sign-in section of docs/benchmarks.md"
fi
echo "results: $OUT"
