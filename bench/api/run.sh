#!/bin/bash
# bench/api/run.sh - the admin API's request rate: InvokeCommand and Graph
# reads with keep-alive (wrk, 1 thread, N connections) against roomsysd, and
# the same response bodies served as static files by nginx over the same TLS
# (same certificate, protocol version, cipher suite and key-exchange group) in
# the same run, as the floor: what HTTPS + HTTP/1.1 keep-alive cost on this
# machine with no application work at all.
#
#   bench/api/run.sh              full run (12 s per measurement), writes docs/benchmarks.md
#   bench/api/run.sh --quick      3 s per measurement, prints the table only
#   bench/api/run.sh --no-docs    full run, prints the table only
#
# Requests: Exchange InvokeCommand Get-Mailbox -Identity <room>; SfB
# InvokeCommand Get-CsMeetingRoom; Graph GET /v1.0/users/{upn} (measured only
# when it answers 200 on this build; otherwise skipped with a note). Also
# Get-Mailbox again with the daemon's token cache off (token_cache_entries = 0),
# to show what checking the bearer token in the store costs per request.
#
# Env: BUILD (default build-bench-api: a Release build of roomsys and roomsysd
# made here), DURATION (s per measurement; default 12, --quick 3), WARMUP (s;
# default 2, --quick 1), CONNS (wrk connections; default 16), WORKERS (daemon
# workers; default: the cores), HTTP_THREADS (daemon network threads; default
# 2), NGINX_WORKERS (default: HTTP_THREADS + WORKERS, all of the daemon's
# request threads), LOG_LEVEL (daemon; default info, a JSON line per request as
# in production: worker_cpu_s comes from it), KEEP=1 keeps the work folder,
# PROFILE=1 records a perf profile of the daemon during the Get-Mailbox run
# (reports in the work folder; PERF_CG="--call-graph dwarf" for callers through
# libraries built without frame pointers, PERF_FREQ to change 499 Hz). Every process started here is stopped on
# exit; nothing outside the work folder (under $TMPDIR) is written except
# docs/benchmarks.md.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-12}
WARMUP=${WARMUP:-2}
WRITE_DOCS=1
QUICK=0
for a in "$@"; do
    case "$a" in
    --quick) QUICK=1; DURATION=${QUICK_DURATION:-3}; WARMUP=1; WRITE_DOCS=0 ;;
    --no-docs) WRITE_DOCS=0 ;;
    -h | --help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--quick] [--no-docs]" >&2; exit 64 ;;
    esac
done
CORES=$(nproc)
CONNS=${CONNS:-16}
WORKERS=${WORKERS:-$CORES}
HTTP_THREADS=${HTTP_THREADS:-2}
NGINX_WORKERS=${NGINX_WORKERS:-$((HTTP_THREADS + WORKERS))}
BUILD=${BUILD:-$ROOT/build-bench-api}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)} # /usr/sbin is not on every PATH
[ -x "$NGINX" ] || { echo "nginx is missing (scripts/deps.sh installs it)" >&2; exit 1; }
for tool in wrk curl jq python3 openssl; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/roomsys-apibench.XXXXXX")
chmod 755 "$WORK"
DAEMON_PID=""
NGINX_PID=""
PERF_PID=""
stop_pid() { # stop_pid PID: TERM, wait up to 10 s, then KILL
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}
cleanup() {
    [ -n "$PERF_PID" ] && { kill -INT "$PERF_PID" 2>/dev/null; wait "$PERF_PID" 2>/dev/null; }
    [ -n "$NGINX_PID" ] && stop_pid "$NGINX_PID"
    [ -n "$DAEMON_PID" ] && stop_pid "$DAEMON_PID"
    NGINX_PID="" DAEMON_PID="" PERF_PID=""
    [ "${KEEP:-0}" = 1 ] && echo "work folder kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "bench/api: $*" >&2; exit 1; }

echo "== build ($BUILD, Release)"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
fi
cmake --build "$BUILD" -j2 --target roomsys roomsysd >"$WORK/build.log" 2>&1 ||
    { tail -30 "$WORK/build.log"; exit 1; }
ROOMSYS=$BUILD/src/shell/roomsys
ROOMSYSD=$BUILD/src/daemon/roomsysd

# every port at once, each socket held until all are bound
read -r HTTPS_PORT NGINX_PORT SIP_PORT < <(python3 -c "
import socket
held, seen = [], set()
def get(kind):
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if kind == 'tcp' else socket.SOCK_DGRAM)
        s.bind(('127.0.0.1', 0))
        held.append(s)
        p = s.getsockname()[1]
        if p not in seen:
            seen.add(p)
            return p
print(*[get(k) for k in ('tcp', 'tcp', 'udp')])")

T=contoso.onmicrosoft.com
ROOM=benchroom1@$T
printf 'Adm1n-Pass!word\n' >"$WORK/admin.password"
chmod 600 "$WORK/admin.password"
write_conf() { # write_conf TOKEN_CACHE_ENTRIES
    cat >"$WORK/roomsysd.conf" <<CONF
[daemon]
state_dir = $WORK/state
log_level = ${LOG_LEVEL:-info}
workers = $WORKERS
[https]
address = 127.0.0.1
port = $HTTPS_PORT
threads = $HTTP_THREADS
token_cache_entries = $1
[password]
argon2_t_cost = 1
argon2_m_cost_kib = 8192
argon2_parallelism = 1
[pool sippoolbl20a04.infra.lync.com]
address = 127.0.0.1
udp_port = $SIP_PORT
[tenant $T]
display_name = Contoso
admin_upn = admin@$T
admin_password_file = $WORK/admin.password
default_pool = sippoolbl20a04.infra.lync.com
subscriptions = MCOSTANDARD:10, STANDARDPACK:10
CONF
}
start_daemon() {
    "$ROOMSYSD" -c "$WORK/roomsysd.conf" >>"$WORK/roomsysd.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 1 200); do
        [ -f "$WORK/state/tls/cert.pem" ] &&
            curl -sf --cacert "$WORK/state/tls/cert.pem" "https://127.0.0.1:$HTTPS_PORT/readyz" >/dev/null 2>&1 &&
            return 0
        kill -0 "$DAEMON_PID" 2>/dev/null || break
        sleep 0.1
    done
    tail -20 "$WORK/roomsysd.log"
    die "roomsysd did not start"
}
echo "== roomsysd (workers = $WORKERS, network threads = $HTTP_THREADS)"
write_conf 16384
start_daemon
CA=$WORK/state/tls/cert.pem
B="https://127.0.0.1:$HTTPS_PORT"

echo "== provisioning one room ($ROOM) with the roomsys shell"
export ROOMSYS_SERVER=$B ROOMSYS_CA_FILE=$CA ROOMSYS_USER=admin@$T ROOMSYS_PASSWORD_FILE=$WORK/admin.password
"$ROOMSYS" >"$WORK/provision.out" 2>"$WORK/provision.err" <<PS || { cat "$WORK/provision.err"; die "provisioning failed"; }
\$cred = Get-Credential admin@$T
Connect-ExchangeOnline -Credential \$cred
Connect-MsolService -Credential \$cred
Import-PSSession (New-CsOnlineSession -Credential \$cred) -AllowClobber
New-Mailbox -Name "Bench Room 1" -MicrosoftOnlineServicesID $ROOM -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword (ConvertTo-SecureString 'Bench-Rm1-pass!' -AsPlainText -Force)
Set-MsolUser -UserPrincipalName $ROOM -UsageLocation US
Set-MsolUserLicense -UserPrincipalName $ROOM -AddLicenses contoso:MCOSTANDARD
Enable-CsMeetingRoom -Identity $ROOM -SipAddressType EmailAddress
PS

tr -d '\n' <"$WORK/admin.password" >"$WORK/admin.pw" # the form value, without the newline
chmod 600 "$WORK/admin.pw"
token() { # token SCOPE FILE: a bearer token for SCOPE into FILE (0600)
    (umask 077; curl -s --cacert "$CA" "$B/$T/oauth2/v2.0/token" \
        --data-urlencode grant_type=password --data-urlencode "username=admin@$T" \
        --data-urlencode "password@$WORK/admin.pw" --data-urlencode "scope=$1" |
        jq -r '.access_token // empty' >"$2")
    [ -s "$2" ]
}
token https://outlook.office365.com/.default "$WORK/exo.token" || die "no Exchange token"
token https://api.interfaces.records.teams.microsoft.com/.default "$WORK/sfb.token" || die "no SfB token"
token https://graph.microsoft.com/.default "$WORK/graph.token" || : >"$WORK/graph.token"

# The request kinds: name|method|path|body|token file
mkdir -p "$WORK/www" "$WORK/req"
printf '{"CmdletInput":{"CmdletName":"Get-Mailbox","Parameters":{"Identity":"%s"}}}' "$ROOM" >"$WORK/req/mailbox.json"
printf '{"CmdletInput":{"CmdletName":"Get-CsMeetingRoom"}}' >"$WORK/req/meetingroom.json"
KINDS=(
    "Get-Mailbox -Identity {room} (Exchange InvokeCommand)|POST|/adminapi/beta/$T/InvokeCommand|$WORK/req/mailbox.json|$WORK/exo.token"
    "Get-CsMeetingRoom (SfB InvokeCommand)|POST|/sfb/adminapi/beta/$T/InvokeCommand|$WORK/req/meetingroom.json|$WORK/sfb.token"
    "Graph GET /v1.0/users/{upn}|GET|/v1.0/users/$ROOM||$WORK/graph.token"
)
NOTES=()
MEASURE=()
for k in "${KINDS[@]}"; do
    IFS='|' read -r name method path body tokf <<<"$k"
    args=(-s --cacert "$CA" -o "$WORK/resp" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $(cat "$tokf")")
    [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$body")
    code=$(curl "${args[@]}" "$B$path")
    if [ "$code" != 200 ]; then
        case "$path" in
        /v1.0/*) NOTES+=("$name: skipped, the daemon answers $code (Graph is not served by this build yet)"); continue ;;
        *) head -c 600 "$WORK/resp"; echo; die "$name answered $code" ;;
        esac
    fi
    case "$name" in
    Get-Mailbox*) jq -e --arg r "$ROOM" '.value[0].UserPrincipalName // .value[0].PrimarySmtpAddress // empty | ascii_downcase == ($r | ascii_downcase)' "$WORK/resp" >/dev/null ||
        { head -c 600 "$WORK/resp"; die "Get-Mailbox did not return the room"; } ;;
    Get-CsMeetingRoom*) jq -e '.value | length >= 1' "$WORK/resp" >/dev/null || die "Get-CsMeetingRoom returned no room" ;;
    Graph*) jq -e --arg r "$ROOM" '.userPrincipalName | ascii_downcase == ($r | ascii_downcase)' "$WORK/resp" >/dev/null ||
        { head -c 600 "$WORK/resp"; die "Graph did not return the room's user"; } ;;
    esac
    # the floor serves this very body as a static file at the same path
    mkdir -p "$WORK/www$(dirname "$path")"
    cp "$WORK/resp" "$WORK/www$path"
    MEASURE+=("$k")
done
chmod -R a+rX "$WORK/www"

# The daemon's TLS as negotiated, for nginx to use the same
TLSINFO=$(openssl s_client -connect "127.0.0.1:$HTTPS_PORT" -brief </dev/null 2>&1)
TLS_VERSION=$(sed -n 's/^Protocol version: *//p' <<<"$TLSINFO" | head -1)
TLS_CIPHER=$(sed -n 's/^Ciphersuite: *//p' <<<"$TLSINFO" | head -1)
TLS_GROUP=$(sed -n 's/^\(Server\|Peer\) Temp Key: *\([^,]*\).*/\2/p' <<<"$TLSINFO" | head -1)
[ -n "$TLS_VERSION" ] && [ -n "$TLS_CIPHER" ] || { echo "$TLSINFO"; die "cannot read the daemon's TLS parameters"; }
case "$TLS_GROUP" in
ECDH) TLS_GROUP=$(sed -n 's/^\(Server\|Peer\) Temp Key: *ECDH, *\([^,]*\).*/\2/p' <<<"$TLSINFO" | head -1) ;;
esac
echo "   TLS: $TLS_VERSION $TLS_CIPHER ${TLS_GROUP:-}"
if [ "$TLS_VERSION" = TLSv1.3 ]; then
    NGX_CIPHERS="ssl_conf_command Ciphersuites $TLS_CIPHER;"
else
    NGX_CIPHERS="ssl_ciphers $TLS_CIPHER;"
fi
NGX_GROUP=""
[ -n "$TLS_GROUP" ] && NGX_GROUP="ssl_ecdh_curve $TLS_GROUP;"

echo "== nginx (worker_processes = $NGINX_WORKERS)"
mkdir -p "$WORK/nginx/tmp"
NGX_USER=""
[ "$(id -u)" = 0 ] && NGX_USER="user root;"
cat >"$WORK/nginx/nginx.conf" <<NGX
$NGX_USER
worker_processes $NGINX_WORKERS;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    default_type application/json;
    charset_types application/json;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 100000000;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl;
        ssl_certificate $WORK/state/tls/cert.pem;
        ssl_certificate_key $WORK/state/tls/key.pem;
        ssl_protocols $TLS_VERSION;
        $NGX_CIPHERS
        $NGX_GROUP
        ssl_session_cache off;
        root $WORK/www;
        # the static module refuses POST (405): serve the file anyway
        location / { error_page 405 =200 \$uri; }
    }
}
NGX
"$NGINX" -e "$WORK/nginx/error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
N=https://127.0.0.1:$NGINX_PORT
for _ in $(seq 1 100); do
    curl -s --cacert "$CA" -o /dev/null "$N/" 2>/dev/null && break
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$WORK/nginx/error.log"; die "nginx did not start"; }
    sleep 0.1
done
NTLS=$(openssl s_client -connect "127.0.0.1:$NGINX_PORT" -brief </dev/null 2>&1)
grep -q "Protocol version: *$TLS_VERSION" <<<"$NTLS" && grep -q "Ciphersuite: *$TLS_CIPHER" <<<"$NTLS" ||
    { echo "$NTLS"; die "nginx does not negotiate the daemon's TLS parameters"; }
for k in "${MEASURE[@]}"; do # the floor answers the same bytes
    IFS='|' read -r name method path body tokf <<<"$k"
    args=(-s --cacert "$CA" -o "$WORK/nresp" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $(cat "$tokf")")
    [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$body")
    code=$(curl "${args[@]}" "$N$path")
    [ "$code" = 200 ] && cmp -s "$WORK/nresp" "$WORK/www$path" || die "nginx does not serve $path ($code)"
done

ticks() { # ticks PID...: utime + stime of the processes (clock ticks)
    local t=0 p
    for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
    echo "$t"
}
nginx_pids() { echo "$NGINX_PID" $(pgrep -P "$NGINX_PID"); }
# run_wrk LABEL SERVER URL-BASE KIND: warm-up, then a measured run; a JSON
# line per measurement into results.jsonl
run_wrk() {
    local label=$1 server=$2 base=$3 name method path body tokf pids out
    IFS='|' read -r name method path body tokf <<<"$4"
    export WRK_METHOD=$method WRK_BODY_FILE=$body WRK_TOKEN_FILE=$tokf
    WRK_OUT=/dev/null wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$ROOT/bench/api/wrk.lua" "$base$path" >/dev/null 2>&1
    if [ "$server" = nginx ]; then pids=$(nginx_pids); else pids=$DAEMON_PID; fi
    out="$WORK/wrk.$RANDOM.json"
    local log0 t0 l0
    log0=$(wc -l <"$WORK/roomsysd.log")
    # shellcheck disable=SC2086
    t0=$(ticks $pids)
    l0=$(cut -d' ' -f1 /proc/loadavg)
    WRK_OUT=$out wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s "$ROOT/bench/api/wrk.lua" "$base$path" >"$out.txt" 2>&1 ||
        { cat "$out.txt"; die "wrk failed"; }
    local t1
    # shellcheck disable=SC2086
    t1=$(ticks $pids)
    [ -s "$out" ] || { cat "$out.txt"; die "wrk wrote no summary"; }
    local wcpu=null
    if [ "$server" != nginx ]; then
        wcpu=$(tail -n +"$((log0 + 1))" "$WORK/roomsysd.log" | python3 -c '
import json, sys
n = s = 0
for line in sys.stdin:
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if "worker_cpu_s" in o and o.get("status") == 200:
        n += 1
        s += o["worker_cpu_s"]
print(json.dumps({"n": n, "sum_s": s}))')
    fi
    jq -c --arg lbl "$label" --arg srv "$server" --argjson ticks "$((t1 - t0))" \
        --argjson hz "$(getconf CLK_TCK)" --arg load "$l0 $(cut -d' ' -f1 /proc/loadavg)" \
        --argjson wcpu "$wcpu" '. + {"label": $lbl, "server": $srv, "cpu_s": ($ticks / $hz), "load": $load, "worker_cpu": $wcpu}' \
        "$out" >>"$WORK/results.jsonl" || die "cannot record the measurement"
    jq -r '"   \(.server): \(.requests) requests, \(.requests / (.duration_us / 1e6) | floor)/s, p50 \(.p50_us / 1000) ms, p99 \(.p99_us / 1000) ms, status errors \(.status_errors)"' <<<"$(tail -1 "$WORK/results.jsonl")"
    [ "$(jq .status_errors "$out")" = 0 ] || die "$server answered errors to $name (see $out.txt)"
    : >"$WORK/roomsysd.log" # read: keep the work folder small (a JSON line per request)
}

for k in "${MEASURE[@]}"; do
    IFS='|' read -r name _ <<<"$k"
    echo "== $name: wrk -t1 -c$CONNS -d${DURATION}s --latency"
    if [ "${PROFILE:-0}" = 1 ] && [[ $name == Get-Mailbox* ]]; then
        perf record -q ${PERF_CG:--g} -F "${PERF_FREQ:-499}" -o "$WORK/daemon.perf" -p "$DAEMON_PID" >/dev/null 2>&1 &
        PERF_PID=$!
    fi
    run_wrk "$name" roomsysd "$B" "$k"
    if [ -n "$PERF_PID" ]; then
        kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null; PERF_PID=""
        perf report -i "$WORK/daemon.perf" --stdio --no-children --percent-limit 1.5 2>/dev/null |
            grep -v '^$' | grep -v '^#' | head -80 >"$WORK/daemon.perf.txt"
        perf report -i "$WORK/daemon.perf" --stdio --no-children -g none --percent-limit 0.7 2>/dev/null |
            grep '%' | head -40 >"$WORK/daemon.perf.flat.txt"
        perf report -i "$WORK/daemon.perf" --stdio --children -g none --percent-limit 3 2>/dev/null |
            grep '%' | head -60 >"$WORK/daemon.perf.children.txt"
        echo "   profile: $WORK/daemon.perf.{flat,children}.txt (KEEP=1 keeps them)"
        cat "$WORK/daemon.perf.flat.txt"
    fi
    run_wrk "$name" nginx "$N" "$k"
done

# the token cache's share: Get-Mailbox with every token checked in the store
echo "== Get-Mailbox with the token cache off (token_cache_entries = 0)"
stop_pid "$DAEMON_PID"
DAEMON_PID=""
write_conf 0
start_daemon
run_wrk "${KINDS[0]%%|*}" "roomsysd, token cache off" "$B" "${KINDS[0]}"

DOCS_ARGS=()
[ "$WRITE_DOCS" = 1 ] && DOCS_ARGS=(--docs "$ROOT/docs/benchmarks.md")
python3 "$ROOT/bench/api/summarize.py" --results "$WORK/results.jsonl" \
    --conns "$CONNS" --duration "$DURATION" --cores "$CORES" --workers "$WORKERS" \
    --http-threads "$HTTP_THREADS" --nginx-workers "$NGINX_WORKERS" \
    --tls "$TLS_VERSION $TLS_CIPHER ${TLS_GROUP:-}" --nginx "$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')" \
    --wrk "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)" \
    --version "$("$ROOMSYSD" --version 2>/dev/null | head -1) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null))" \
    --log-level "${LOG_LEVEL:-info}" \
    --command "bench/api/run.sh$([ "$QUICK" = 1 ] && echo ' --quick')" \
    "${NOTES[@]/#/--note=}" \
    "${DOCS_ARGS[@]}"
