# lib.sh - helpers for end-to-end tests: start a real roomsysd on loopback
# ports in a temporary state folder, run roomsys scripts against it, sign in
# with sipp, count checks, stop everything. Sourced by tests/e2e/*.sh.
# Env from CTest: ROOMSYSD, ROOMSYS (binaries), E2E_DIR (this folder).
set -u
PASSED=0
FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/roomsys-e2e.XXXXXX")
DAEMON_PID=""
trap 'stop_daemon >/dev/null 2>&1; [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"' EXIT

ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'; return 0; }

# check NAME COMMAND...: passes when the command succeeds.
check() {
    name=$1; shift
    if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name"; fi
}
# contains NAME FILE TEXT: FILE contains the fixed string TEXT.
contains() {
    if grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1" "$(head -c 3000 "$2")"; fi
}
lacks() {
    if grep -qF -- "$3" "$2"; then not_ok "$1" "$(head -c 3000 "$2")"; else ok "$1"; fi
}
finish() {
    stop_daemon
    # under ASan/UBSan a report in the daemon's log fails the test (leaks too:
    # LeakSanitizer reports when the daemon exits)
    if [ -f "$WORK/roomsysd.log" ] && grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$WORK/roomsysd.log"; then
        not_ok "the daemon ran clean under the sanitizers" "$(grep -m3 -A12 -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$WORK/roomsysd.log")"
    fi
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit $?
}

free_port() { # free_port udp|tcp
    python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=='udp' else socket.SOCK_STREAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"
}

# write_config: a test tenant contoso with two pools and fast password hashing.
write_config() {
    # all at once, every socket held until the last is bound: separate
    # free_port calls can hand out the same port twice
    read -r p_https p_udp p_udp2 p_tcp p_tls p_tcp2 p_tls2 < <(python3 -c "
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
print(*[get(k) for k in ('tcp', 'udp', 'udp', 'tcp', 'tcp', 'tcp', 'tcp')])")
    HTTPS_PORT=${HTTPS_PORT:-$p_https}
    SIP_PORT=${SIP_PORT:-$p_udp}
    SIP_PORT2=${SIP_PORT2:-$p_udp2}
    SIP_TCP_PORT=${SIP_TCP_PORT:-$p_tcp}
    SIP_TLS_PORT=${SIP_TLS_PORT:-$p_tls}
    SIP_TCP_PORT2=${SIP_TCP_PORT2:-$p_tcp2}
    SIP_TLS_PORT2=${SIP_TLS_PORT2:-$p_tls2}
    STATE="$WORK/state"
    printf 'Adm1n-Pass!word\n' > "$WORK/admin.password"
    chmod 600 "$WORK/admin.password"
    cat > "$WORK/roomsysd.conf" <<CONF
[daemon]
state_dir = $STATE
log_level = ${LOG_LEVEL:-info}
workers = 2
[https]
address = 127.0.0.1
port = $HTTPS_PORT
[sync]
lag_seconds = ${SYNC_LAG:-0}
[password]
argon2_t_cost = 1
argon2_m_cost_kib = 8192
argon2_parallelism = 1
[pool sippoolbl20a04.infra.lync.com]
address = 127.0.0.1
udp_port = $SIP_PORT
tcp_port = $SIP_TCP_PORT
tls_port = $SIP_TLS_PORT
[pool sippool2.infra.lync.com]
address = 127.0.0.1
udp_port = $SIP_PORT2
tcp_port = $SIP_TCP_PORT2
tls_port = $SIP_TLS_PORT2
[tenant contoso.onmicrosoft.com]
display_name = Contoso
admin_upn = admin@contoso.onmicrosoft.com
admin_password_file = $WORK/admin.password
default_pool = sippoolbl20a04.infra.lync.com
subscriptions = MCOSTANDARD:25, STANDARDPACK:25, ENTERPRISEPACK:25, ENTERPRISEPREMIUM:10, MCOEV:10, MCOMEETADV:10, MCOPSTN1:10, MCOPSTN2:10, MCOIMP:5
${EXTRA_TENANTS:-}
CONF
}

start_daemon() {
    [ -f "$WORK/roomsysd.conf" ] || write_config
    # DAEMON_WRAP: a command prefix such as fiu-run (it must exec the daemon)
    ${DAEMON_WRAP:-} "$ROOMSYSD" -c "$WORK/roomsysd.conf" >>"$WORK/roomsysd.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 1 100); do
        if [ -f "$STATE/tls/cert.pem" ] &&
            curl -sf --cacert "$STATE/tls/cert.pem" "https://127.0.0.1:$HTTPS_PORT/readyz" >/dev/null 2>&1; then
            export ROOMSYS_SERVER="https://127.0.0.1:$HTTPS_PORT"
            export ROOMSYS_CA_FILE="$STATE/tls/cert.pem"
            export ROOMSYS_USER="admin@contoso.onmicrosoft.com"
            export ROOMSYS_PASSWORD_FILE="$WORK/admin.password"
            return 0
        fi
        kill -0 "$DAEMON_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "roomsysd did not start:"; cat "$WORK/roomsysd.log"
    return 1
}

# stop_daemon: SIGTERM and wait; sets DAEMON_RC.
stop_daemon() {
    DAEMON_RC=""
    [ -n "$DAEMON_PID" ] || return 0
    kill -TERM "$DAEMON_PID" 2>/dev/null
    for _ in $(seq 1 100); do
        kill -0 "$DAEMON_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$DAEMON_PID" 2>/dev/null; then
        kill -KILL "$DAEMON_PID"
        DAEMON_RC=137
    else
        wait "$DAEMON_PID"
        DAEMON_RC=$?
    fi
    DAEMON_PID=""
}

# rs NAME: run the roomsys script on stdin; output in $WORK/NAME.out/.err, exit code in RS_RC.
rs() {
    "$ROOMSYS" >"$WORK/$1.out" 2>"$WORK/$1.err" </dev/stdin
    RS_RC=$?
}

# sipp_register CODE USER DOMAIN PASSWORD [PORT] [AUTHUSER]: one sign-in with
# digest whose authenticated REGISTER must get the final response CODE (200
# signed in, 401 refused, 301 redirected to the home pool). SIPP_SRC sets the
# source address (default 127.0.0.1; all of 127/8 is loopback).
sipp_register() {
    code=$1; user=$2; domain=$3; pw=$4; port=${5:-$SIP_PORT}; auth=${6:-$user@$domain}
    printf 'SEQUENTIAL\n%s;%s;[authentication username=%s password=%s]\n' "$user" "$domain" "$auth" "$pw" \
        > "$WORK/users.csv"
    sed "s|<recv response=\"200\"/>|<recv response=\"$code\"/>|" "$E2E_DIR/sipp/register.xml" \
        > "$WORK/register_$code.xml"
    timeout 20 sipp -sf "$WORK/register_$code.xml" -inf "$WORK/users.csv" -m 1 -l 1 -i "${SIPP_SRC:-127.0.0.1}" \
        -p "$(free_port udp)" -timeout 10s -timeout_error -recv_timeout 5000 127.0.0.1:"$port" \
        -trace_err -error_file "$WORK/sipp_errors.log" >/dev/null 2>&1 </dev/null
}

# provision_room NAME UPN PASSWORD: the seed's flow for one room (mailbox with
# an enabled account, usage location, license, meeting room on the default pool).
provision_room() {
    rs "provision_$2" <<PS
\$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential \$cred
Connect-MsolService -Credential \$cred
Import-PSSession (New-CsOnlineSession -Credential \$cred) -AllowClobber
New-Mailbox -Name "$1" -MicrosoftOnlineServicesID $2 -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword (ConvertTo-SecureString '$3' -AsPlainText -Force)
Set-MsolUser -UserPrincipalName $2 -UsageLocation US
Set-MsolUserLicense -UserPrincipalName $2 -AddLicenses contoso:MCOSTANDARD
Enable-CsMeetingRoom -Identity $2 -SipAddressType EmailAddress
PS
}
