#!/bin/bash
# Make sure run/accounts-N/ holds N provisioned accounts (bench/sip/run.sh calls
# this; it can also be run alone). Reused when its marker says complete.
#   run/accounts-N/users.csv accounts.tsv kamailio.sqlite   (gen_accounts.py)
#   run/accounts-N/state/            a roomsysd state dir with the N rooms,
#                                    provisioned through the HTTPS admin API
#   run/accounts-N/admin.pw          the bench tenant admin's password
#   run/accounts-N/provisioned       marker: written last
# Usage: provision_cache.sh N [PROCS]   Env: ROOMSYSD (binary), BENCH_RUN (run dir)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
N=$1; PROCS=${2:-4}
RUN=${BENCH_RUN:-$HERE/run}
ROOMSYSD=${ROOMSYSD:-$HERE/../../build-release/src/daemon/roomsysd}
D="$RUN/accounts-$N"
REALM=contoso.onmicrosoft.com
POOL=sippoolbl20a04.infra.lync.com
if [ -f "$D/provisioned" ]; then
    echo "reusing $N provisioned accounts in $D"
    exit 0
fi
rm -rf "$D"
mkdir -p "$D"
python3 "$HERE/gen_accounts.py" "$N" "$REALM" "$D"
printf 'Bench-Adm1n!pw-%s\n' "$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$D/admin.pw"
chmod 600 "$D/admin.pw"
PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
SPORT=$(python3 -c "import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
"$HERE/roomsysd_conf.sh" "$D/provision.conf" "$D/state" "$PORT" "$SPORT" $((N + 10000)) "$D/admin.pw"
"$ROOMSYSD" -c "$D/provision.conf" >"$D/provision-daemon.log" 2>&1 </dev/null &
DPID=$!
stop() {
    if kill -0 "$DPID" 2>/dev/null; then
        kill -TERM "$DPID"
        for _ in $(seq 1 100); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$DPID" 2>/dev/null && kill -KILL "$DPID"
    fi
    wait "$DPID" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 1 100); do
    [ -f "$D/state/tls/cert.pem" ] &&
        curl -sf --cacert "$D/state/tls/cert.pem" "https://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    kill -0 "$DPID" 2>/dev/null || { cat "$D/provision-daemon.log"; exit 1; }
    sleep 0.1
done
timeout 7200 python3 "$HERE/provision.py" "https://127.0.0.1:$PORT" "$D/state/tls/cert.pem" "$REALM" \
    "admin@$REALM" "$D/admin.pw" "$POOL" "$D/accounts.tsv" "$PROCS"
stop
trap - EXIT
sqlite3 "$D/state/roomsys.db" 'PRAGMA wal_checkpoint(TRUNCATE); VACUUM;' >/dev/null
echo "$N $(date -u +%FT%TZ)" > "$D/provisioned"
echo "provisioned $N accounts in $D"
