#!/bin/bash
# bench/provision/run.sh - provisioning benchmark: N rooms (default 10,000) from
# a CSV through examples/bulk-provision.ps1 against a real roomsysd on
# loopback, compared with the time password hashing alone needs for N
# passwords on this machine's cores (hashbench, same argon2id parameters).
#
#   bench/provision/run.sh            full run (10,000 rooms), writes docs/benchmarks.md
#   bench/provision/run.sh --quick    500 rooms, prints the table only
#   N=2000 bench/provision/run.sh     any size (docs written only for 10,000)
#
# Env: BUILD (default build-bench: a Release build of roomsys, roomsysd and
# hashbench made here), THROTTLE (the script's -ThrottleLimit; default: its own),
# WORKERS (daemon workers; default: the cores), KEEP=1 keeps the work folder,
# PROFILE=1 records perf profiles of the daemon and the shell (kept, with KEEP=1).
# The daemon uses etc/roomsysd.conf.example's argon2 defaults (t=2,
# m=19456 KiB, p=1; ARGON2_T / ARGON2_M_KIB change them for experiments that
# look at everything but hashing). Every process started here is stopped on exit.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-10000}
WRITE_DOCS=1
for a in "$@"; do
    case "$a" in
    --quick) N=${QUICK_N:-500} ;;
    --no-docs) WRITE_DOCS=0 ;;
    *) echo "usage: $0 [--quick] [--no-docs]" >&2; exit 64 ;;
    esac
done
ARGON2_T=${ARGON2_T:-2}
ARGON2_M_KIB=${ARGON2_M_KIB:-19456}
[ "$N" = 10000 ] && [ "$ARGON2_T" = 2 ] && [ "$ARGON2_M_KIB" = 19456 ] || WRITE_DOCS=0
CORES=$(nproc)
WORKERS=${WORKERS:-$CORES}
BUILD=${BUILD:-$ROOT/build-bench}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/roomsys-provbench.XXXXXX")
DAEMON_PID=""
cleanup() {
    if [ -n "$DAEMON_PID" ]; then
        [ -n "${PERF_PID:-}" ] && { kill -INT "$PERF_PID" 2>/dev/null; wait "$PERF_PID" 2>/dev/null; }
    kill -TERM "$DAEMON_PID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$DAEMON_PID" 2>/dev/null
        wait "$DAEMON_PID" 2>/dev/null
        DAEMON_PID=""
    fi
    [ "${KEEP:-0}" = 1 ] && echo "work folder kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== build ($BUILD, Release)"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
fi
cmake --build "$BUILD" -j2 --target roomsys roomsysd hashbench >"$WORK/build.log" 2>&1 ||
    { tail -30 "$WORK/build.log"; exit 1; }
ROOMSYS=$BUILD/src/shell/roomsys
ROOMSYSD=$BUILD/src/daemon/roomsysd
HASHBENCH=$BUILD/bench/provision/hashbench

free_port() {
    python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=='udp' else socket.SOCK_STREAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"
}

echo "== $N rows"
python3 - "$N" >"$WORK/rooms.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("Name,Alias,Address,Password,Capacity,UsageLocation,License")
for i in range(1, n + 1):
    lic, loc = ("contoso:MCOSTANDARD", "US") if i % 3 else ("contoso:STANDARDPACK", "FR")
    print(f"Bench Room {i},benchrm{i},benchrm{i}@contoso.onmicrosoft.com,Rm{i}-pass@word,{4 + i % 9},{loc},{lic}")
PY

echo "== password hashing alone: $N passwords on $CORES cores"
"$HASHBENCH" -n "$N" -j "$CORES" -t "$ARGON2_T" -m "$ARGON2_M_KIB" -p 1 >"$WORK/hash.json" || exit 1
cat "$WORK/hash.json"

echo "== roomsysd (workers = $WORKERS)"
HTTPS_PORT=$(free_port tcp)
SIP_PORT=$(free_port udp)
printf 'Adm1n-Pass!word\n' >"$WORK/admin.password"
chmod 600 "$WORK/admin.password"
SEATS=$((N + 100))
cat >"$WORK/roomsysd.conf" <<CONF
[daemon]
state_dir = $WORK/state
log_level = info
workers = $WORKERS
[https]
address = 127.0.0.1
port = $HTTPS_PORT
threads = 2
[password]
argon2_t_cost = $ARGON2_T
argon2_m_cost_kib = $ARGON2_M_KIB
argon2_parallelism = 1
[pool sippoolbl20a04.infra.lync.com]
address = 127.0.0.1
udp_port = $SIP_PORT
[tenant contoso.onmicrosoft.com]
display_name = Contoso
admin_upn = admin@contoso.onmicrosoft.com
admin_password_file = $WORK/admin.password
default_pool = sippoolbl20a04.infra.lync.com
password_validity_days = 90
subscriptions = MCOSTANDARD:$SEATS, STANDARDPACK:$SEATS
CONF
"$ROOMSYSD" -c "$WORK/roomsysd.conf" >"$WORK/roomsysd.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 200); do
    [ -f "$WORK/state/tls/cert.pem" ] &&
        curl -sf --cacert "$WORK/state/tls/cert.pem" "https://127.0.0.1:$HTTPS_PORT/readyz" >/dev/null 2>&1 && break
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$WORK/roomsysd.log"; exit 1; }
    sleep 0.1
done
export ROOMSYS_SERVER="https://127.0.0.1:$HTTPS_PORT"
export ROOMSYS_CA_FILE="$WORK/state/tls/cert.pem"
export ROOMSYS_USER="admin@contoso.onmicrosoft.com"
export ROOMSYS_PASSWORD_FILE="$WORK/admin.password"
export ROOMSYS_TIMING="$WORK/timing.json"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
D0=$(cpu_ticks "$DAEMON_PID")
LOG0=$(wc -l <"$WORK/roomsysd.log")

echo "== examples/bulk-provision.ps1 ${THROTTLE:+-ThrottleLimit $THROTTLE}"
PERF_PID=""
SHELL_WRAP=()
if [ "${PROFILE:-0}" = 1 ]; then
    perf record -q ${PERF_CG:--g} -F 499 -o "$WORK/daemon.perf" -p "$DAEMON_PID" >/dev/null 2>&1 &
    PERF_PID=$!
    SHELL_WRAP=(perf record -q ${PERF_CG:--g} -F 499 -o "$WORK/shell.perf" --)
fi
LOAD0=$(cut -d' ' -f1 /proc/loadavg)
T0=$(date +%s.%N)
"${SHELL_WRAP[@]}" "$ROOMSYS" "$ROOT/examples/bulk-provision.ps1" -CsvPath "$WORK/rooms.csv" ${THROTTLE:+-ThrottleLimit "$THROTTLE"} \
    >"$WORK/run.out" 2>"$WORK/run.err" </dev/null
RC=$?
T1=$(date +%s.%N)
LOAD1=$(cut -d' ' -f1 /proc/loadavg)
D1=$(cpu_ticks "$DAEMON_PID")
if [ -n "$PERF_PID" ]; then
    kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null; PERF_PID=""
    perf report -i "$WORK/daemon.perf" --stdio --no-children --percent-limit 1 2>/dev/null |
        grep -v '^$' | head -60 >"$WORK/daemon.perf.txt"
    perf report -i "$WORK/shell.perf" --stdio --no-children --percent-limit 1 2>/dev/null |
        grep -v '^$' | head -60 >"$WORK/shell.perf.txt"
    echo "profiles: $WORK/daemon.perf.txt $WORK/shell.perf.txt"
fi
tail -3 "$WORK/run.out"
if [ "$RC" != 0 ] || ! grep -q "^$N rows, .* 0 failures" "$WORK/run.out"; then
    echo "the provisioning run failed (exit status $RC):"; tail -20 "$WORK/run.err"; exit 1
fi
tail -n +"$((LOG0 + 1))" "$WORK/roomsysd.log" >"$WORK/run.log"
echo "== password hashing alone, again (the machine may be shared: noise shows as a difference)"
"$HASHBENCH" -n "$N" -j "$CORES" -t "$ARGON2_T" -m "$ARGON2_M_KIB" -p 1 >>"$WORK/hash.json" || exit 1
tail -1 "$WORK/hash.json"

python3 "$ROOT/bench/provision/summarize.py" \
    --n "$N" --cores "$CORES" --workers "$WORKERS" --throttle "${THROTTLE:-$((4 * CORES)) (default of the script: 4 x cores)}" \
    --t0 "$T0" --t1 "$T1" --hash "$WORK/hash.json" --timing "$WORK/timing.json" \
    --log "$WORK/run.log" --daemon-ticks "$D0" "$D1" "$(getconf CLK_TCK)" \
    --load "$LOAD0 $LOAD1" --command "bench/provision/run.sh" \
    $([ "$WRITE_DOCS" = 1 ] && echo --docs "$ROOT/docs/benchmarks.md")
