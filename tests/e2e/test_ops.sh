#!/bin/bash
# Operations (admin-api.md section 6): roomsysd's command line (--help,
# --version, usage errors, --check-config and its exit codes), systemd
# readiness notifications on a socket this test owns, /metrics scraped after
# real traffic and linted by promtool, SIGHUP reloads (a renewed certificate
# served on HTTPS and SIP-TLS while a registration made before survives; a
# broken file or certificate keeps the running configuration; metrics_allow
# applied live) and SIGTERM (/readyz 503 during the grace, STOPPING=1, exit 0).
. "$(dirname "$0")/lib.sh"
DOMAIN=contoso.onmicrosoft.com
PW='Pw-Ops-4242!'

# ---- command line ----
"$ROOMSYSD" --help >"$WORK/help.out" 2>"$WORK/help.err"
rc=$?
[ $rc -eq 0 ] && ok "--help exits 0" || not_ok "--help exits 0" "rc=$rc"
contains "--help prints usage on stdout" "$WORK/help.out" "--check-config"
check "--help writes nothing on stderr" test ! -s "$WORK/help.err"
"$ROOMSYSD" -h >"$WORK/h.out" 2>&1
contains "-h is --help" "$WORK/h.out" "Usage: roomsysd"
"$ROOMSYSD" --version >"$WORK/version.out" 2>/dev/null
rc=$?
[ $rc -eq 0 ] && ok "--version exits 0" || not_ok "--version exits 0" "rc=$rc"
check "--version prints 'roomsysd <version>' on stdout" grep -qE '^roomsysd [0-9]+\.[0-9]+' "$WORK/version.out"
"$ROOMSYSD" -V >"$WORK/v.out" 2>&1
check "-V is --version" cmp -s "$WORK/v.out" "$WORK/version.out"
"$ROOMSYSD" --no-such-option >"$WORK/usage.out" 2>"$WORK/usage.err"
rc=$?
[ $rc -eq 64 ] && ok "unknown option exits 64 (EX_USAGE)" || not_ok "unknown option exits 64" "rc=$rc"
check "usage errors go to stderr only" test ! -s "$WORK/usage.out"
"$ROOMSYSD" -c /dev/null stray-operand >/dev/null 2>&1
rc=$?
[ $rc -eq 64 ] && ok "an operand exits 64" || not_ok "an operand exits 64" "rc=$rc"

# the manual page renders and documents the signals and exit codes
if command -v man >/dev/null; then
    MANWIDTH=80 man --warnings -l "$E2E_DIR/../../docs/roomsysd.8" >"$WORK/man.out" 2>"$WORK/man.err"
    rc=$?
    [ $rc -eq 0 ] && ok "man -l docs/roomsysd.8 renders" || not_ok "man -l docs/roomsysd.8 renders" "rc=$rc"
    check "roomsysd(8) renders without warnings" test ! -s "$WORK/man.err"
    contains "roomsysd(8) documents SIGHUP" "$WORK/man.out" "SIGHUP"
    contains "roomsysd(8) documents exit status 78" "$WORK/man.out" "78"
fi
if command -v systemd-analyze >/dev/null; then
    # only our own unit's syntax: the binary path is not installed here
    systemd-analyze verify "$E2E_DIR/../../etc/roomsysd.service" 2>&1 |
        grep -v 'is not executable\|man roomsysd\|Documentation' >"$WORK/unit.err"
    check "etc/roomsysd.service verifies" test ! -s "$WORK/unit.err"
    contains "the unit is Type=notify" "$E2E_DIR/../../etc/roomsysd.service" "Type=notify"
    contains "the unit checks the configuration before start" "$E2E_DIR/../../etc/roomsysd.service" "ExecStartPre=/usr/sbin/roomsysd --check-config"
    contains "the unit does not restart on a configuration error" "$E2E_DIR/../../etc/roomsysd.service" "RestartPreventExitStatus=78"
fi

# ---- certificates: a test CA and two server certificates it signs ----
mkcert() { # mkcert NAME CN
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$WORK/$1.key" \
        -subj "/CN=$2" -out "$WORK/$1.csr" >/dev/null 2>&1 &&
        openssl x509 -req -in "$WORK/$1.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial \
            -days 30 -out "$WORK/$1.pem" \
            -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n') \
            >/dev/null 2>&1
}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$WORK/ca.key" \
    -subj "/CN=roomsys ops test CA" -days 30 -out "$WORK/ca.pem" >/dev/null 2>&1
mkcert certA ops-cert-a && mkcert certB ops-cert-b && mkcert certC ops-cert-c
check "test certificates made" test -s "$WORK/certA.pem" -a -s "$WORK/certB.pem"
mkdir -p "$WORK/live"
cp "$WORK/certA.pem" "$WORK/live/cert.pem"
cp "$WORK/certA.key" "$WORK/live/key.pem"

write_config
conf_tls() { # the live cert for HTTPS and SIP-TLS, plus extra [https] lines
    sed -i "/^\[https\]/a cert_file = $WORK/live/cert.pem\nkey_file = $WORK/live/key.pem$1" "$WORK/roomsysd.conf"
    sed -i "/^\[sip\]/d; /^tls_cert =/d; /^tls_key =/d" "$WORK/roomsysd.conf"
    printf '[sip]\ntls_cert = %s\ntls_key = %s\ndigest_algorithms = MD5\n' "$WORK/live/cert.pem" "$WORK/live/key.pem" >>"$WORK/roomsysd.conf"
}
conf_tls ""
sed -i "/^\[daemon\]/a shutdown_grace_seconds = 3" "$WORK/roomsysd.conf"
cp "$WORK/roomsysd.conf" "$WORK/good.conf"

# ---- --check-config ----
"$ROOMSYSD" --check-config -c "$WORK/good.conf" >"$WORK/cc.out" 2>"$WORK/cc.err"
rc=$?
[ $rc -eq 0 ] && ok "--check-config of a good file exits 0" || not_ok "--check-config good" "rc=$rc $(cat "$WORK/cc.err")"
contains "--check-config says the file is valid" "$WORK/cc.out" "is valid"
cc_bad() { # cc_bad NAME FILE TEXT
    "$ROOMSYSD" --check-config -c "$2" >"$WORK/ccb.out" 2>"$WORK/ccb.err"
    rc=$?
    [ $rc -eq 78 ] && ok "$1: exit 78 (EX_CONFIG)" || not_ok "$1: exit 78" "rc=$rc $(cat "$WORK/ccb.err")"
    contains "$1: the error names the problem" "$WORK/ccb.err" "$3"
}
sed 's/^workers = 2/workerz = 2/' "$WORK/good.conf" >"$WORK/bad_key.conf"
cc_bad "unknown key" "$WORK/bad_key.conf" "unknown key 'workerz'"
sed "s|^cert_file = .*|cert_file = $WORK/missing.pem|" "$WORK/good.conf" >"$WORK/bad_cert.conf"
cc_bad "missing certificate file" "$WORK/bad_cert.conf" "missing.pem"
sed "s|^key_file = .*|key_file = $WORK/certB.key|" "$WORK/good.conf" >"$WORK/bad_pair.conf"
cc_bad "key of another certificate" "$WORK/bad_pair.conf" "cert_file/key_file"
sed "s|^state_dir = .*|state_dir = $WORK/no/such/dir/state|" "$WORK/good.conf" >"$WORK/bad_state.conf"
cc_bad "state folder that cannot be created" "$WORK/bad_state.conf" "state_dir"
"$ROOMSYSD" --check-config -c "$WORK/nonexistent.conf" >/dev/null 2>&1
rc=$?
[ $rc -eq 78 ] && ok "missing configuration file: exit 78" || not_ok "missing configuration file: exit 78" "rc=$rc"
check "--check-config created no state folder" test ! -e "$STATE"

# ---- start under a notify socket this test listens on (abstract namespace) ----
NOTIFY_NAME="roomsys-ops-test-$$-$RANDOM"
python3 - "$NOTIFY_NAME" "$WORK/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + sys.argv[1])
with open(sys.argv[2], "a") as f:
    f.write("LISTENING\n"); f.flush()
    while True:
        msg = s.recv(4096).decode()
        f.write(msg.replace("\n", "|") + "\n"); f.flush()
        if "STOPPING=1" in msg:
            break
PY
NOTIFY_PID=$!
for _ in $(seq 1 50); do grep -q LISTENING "$WORK/notify.log" 2>/dev/null && break; sleep 0.1; done
wait_notify() { # wait_notify COUNT TEXT: until TEXT appears COUNT times
    for _ in $(seq 1 100); do
        [ "$(grep -c -- "$2" "$WORK/notify.log" 2>/dev/null)" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
CURL=(curl -s --cacert "$WORK/ca.pem")
URL="https://127.0.0.1:$HTTPS_PORT"
NOTIFY_SOCKET="@$NOTIFY_NAME" "$ROOMSYSD" -c "$WORK/roomsysd.conf" >>"$WORK/roomsysd.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 100); do
    "${CURL[@]}" -f "$URL/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
export ROOMSYS_SERVER="$URL" ROOMSYS_CA_FILE="$WORK/ca.pem" ROOMSYS_USER="admin@$DOMAIN"
export ROOMSYS_PASSWORD_FILE="$WORK/admin.password"
check "the daemon serves with the configured certificate" "${CURL[@]}" -f "$URL/readyz"
wait_notify 1 "READY=1" && ok "READY=1 sent to NOTIFY_SOCKET" || not_ok "READY=1 sent" "$(cat "$WORK/notify.log")"
check "STATUS= sent with READY=1" grep -q 'READY=1|STATUS=serving' "$WORK/notify.log"
check "MAINPID is the daemon's" grep -q "MAINPID=$DAEMON_PID" "$WORK/notify.log"

# ---- traffic, then /metrics ----
scrape() { "${CURL[@]}" -D "$WORK/$1.hdr" "$URL/metrics" >"$WORK/$1.txt"; }
metric() { # metric FILE SERIES: the value of one series (0 when absent)
    awk -v s="$2" 'index($0, s " ") == 1 { v = $2 } END { print v + 0 }' "$1"
}
scrape m0
rs provision <<PS
\$cred = Get-Credential admin@$DOMAIN
Connect-ExchangeOnline -Credential \$cred
Connect-MsolService -Credential \$cred
Import-PSSession (New-CsOnlineSession -Credential \$cred) -AllowClobber
New-Mailbox -Name "Ops Room" -MicrosoftOnlineServicesID opsroom@$DOMAIN -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword (ConvertTo-SecureString '$PW' -AsPlainText -Force)
Set-MsolUser -UserPrincipalName opsroom@$DOMAIN -UsageLocation US
Set-MsolUserLicense -UserPrincipalName opsroom@$DOMAIN -AddLicenses contoso:MCOSTANDARD
Enable-CsMeetingRoom -Identity opsroom@$DOMAIN -SipAddressType EmailAddress
Get-Mailbox -Identity no-such-room@$DOMAIN
PS
check "a room provisioned through the shell" test "$(grep -c 'opsroom' "$WORK/provision.out")" -ge 1
sipp_register 200 opsroom "$DOMAIN" "$PW" && ok "the room signs in (REGISTER 200)" || not_ok "the room signs in" "$(cat "$WORK/sipp_errors.log" 2>/dev/null)"
sipp_register 401 opsroom "$DOMAIN" "wrong-password" >/dev/null 2>&1
scrape m1
contains "/metrics Content-Type is Prometheus text 0.0.4" "$WORK/m1.hdr" "text/plain; version=0.0.4; charset=utf-8"
if promtool check metrics <"$WORK/m1.txt" >"$WORK/promtool.out" 2>&1; then ok "promtool check metrics passes"; else not_ok "promtool check metrics passes" "$(cat "$WORK/promtool.out")"; fi
for fam in roomsys_http_requests_total roomsys_http_request_duration_seconds roomsys_cmdlet_invocations_total \
    roomsys_sip_requests_total roomsys_sip_registrations_active roomsys_sip_signins_total \
    roomsys_licenses_consumed roomsys_licenses_enabled roomsys_sync_lag_seconds \
    roomsys_store_commit_duration_seconds roomsys_store_sync_duration_seconds roomsys_build_info process_start_time_seconds \
    process_resident_memory_bytes; do
    contains "HELP and TYPE of $fam" "$WORK/m1.txt" "# TYPE $fam "
done
M0=$WORK/m0.txt M1=$WORK/m1.txt
P=sippoolbl20a04.infra.lync.com
delta() { echo $(($(metric "$M1" "$1") - $(metric "$M0" "$1"))); }
check "cmdlets counted: New-Mailbox success +1" test "$(delta 'roomsys_cmdlet_invocations_total{service="exchange",cmdlet="New-Mailbox",outcome="success"}')" -eq 1
check "cmdlets counted: Set-MsolUserLicense success +1" test "$(delta 'roomsys_cmdlet_invocations_total{service="msol",cmdlet="Set-MsolUserLicense",outcome="success"}')" -eq 1
check "cmdlets counted: a failing Get-Mailbox is an error" test "$(delta 'roomsys_cmdlet_invocations_total{service="exchange",cmdlet="Get-Mailbox",outcome="error"}')" -ge 1
check "InvokeCommand requests counted by code: 200" test "$(delta 'roomsys_http_requests_total{route="InvokeCommand",method="POST",code="200"}')" -ge 4
check "InvokeCommand requests counted by code: 404" test "$(delta 'roomsys_http_requests_total{route="InvokeCommand",method="POST",code="404"}')" -eq 1
check "the previous scrape is counted" test "$(delta 'roomsys_http_requests_total{route="metrics",method="GET",code="200"}')" -eq 1
check "duration histogram counts the same requests" test "$(delta 'roomsys_http_request_duration_seconds_count{route="metrics"}')" -eq 1
check "SIP REGISTER 200 counted" test "$(delta 'roomsys_sip_requests_total{method="REGISTER",code="200"}')" -ge 1
check "SIP REGISTER 401 counted" test "$(delta 'roomsys_sip_requests_total{method="REGISTER",code="401"}')" -ge 2
check "one registration active on the room's pool" test "$(metric "$M1" "roomsys_sip_registrations_active{pool=\"$P\"}")" -eq 1
check "sign-ins: ok +1" test "$(delta "roomsys_sip_signins_total{pool=\"$P\",outcome=\"ok\"}")" -ge 1
check "sign-ins: a wrong password is failed" test "$(delta "roomsys_sip_signins_total{pool=\"$P\",outcome=\"failed\"}")" -ge 1
check "licences consumed: MCOSTANDARD +1" test "$(delta 'roomsys_licenses_consumed{sku="MCOSTANDARD"}')" -eq 1
check "licences enabled: MCOSTANDARD 25" test "$(metric "$M1" 'roomsys_licenses_enabled{sku="MCOSTANDARD"}')" -eq 25
check "store commits timed" test "$(delta 'roomsys_store_commit_duration_seconds_count')" -ge 4
check "the group commit synced the write-ahead log" test "$(delta 'roomsys_store_sync_duration_seconds_count')" -ge 1
check "sync lag is 0 with lag_seconds = 0" test "$(metric "$M1" 'roomsys_sync_lag_seconds')" -eq 0
check "build info carries the version" grep -q "^roomsys_build_info{version=\"$(awk '{print $2}' "$WORK/version.out")\",commit=\"" "$M1"
check "resident memory reported" test "$(metric "$M1" process_resident_memory_bytes)" -gt 1000000
lacks "no UPN in any label" "$M1" "opsroom@"
lacks "no client address in any label" "$M1" "127.0.0.1"
grep '"request_id"' "$WORK/roomsysd.log" | grep -q '"route":"InvokeCommand"' && ok "JSON access log lines carry request_id" || not_ok "JSON access log lines carry request_id"

# ---- SIGHUP: renewed certificate ----
serial_of() { # serial_of PORT: CN of the certificate served on PORT
    openssl s_client -connect "127.0.0.1:$1" -servername localhost </dev/null 2>/dev/null |
        openssl x509 -noout -subject 2>/dev/null
}
contains_s() { if printf '%s' "$2" | grep -qF -- "$3"; then ok "$1"; else not_ok "$1" "$2"; fi; }
contains_s "HTTPS serves certificate A before the reload" "$(serial_of "$HTTPS_PORT")" "ops-cert-a"
contains_s "SIP-TLS serves certificate A before the reload" "$(serial_of "$SIP_TLS_PORT")" "ops-cert-a"
exec 7<>/dev/tcp/127.0.0.1/"$SIP_TCP_PORT" # an open SIP connection must survive the reload
cp "$WORK/certB.pem" "$WORK/live/cert.pem"
cp "$WORK/certB.key" "$WORK/live/key.pem"
kill -HUP "$DAEMON_PID"
wait_notify 2 "READY=1" && ok "RELOADING then READY=1 after SIGHUP" || not_ok "READY=1 after SIGHUP" "$(cat "$WORK/notify.log")"
check "RELOADING=1 carries MONOTONIC_USEC" grep -qE 'RELOADING=1\|MONOTONIC_USEC=[0-9]+' "$WORK/notify.log"
contains_s "HTTPS serves certificate B after the reload" "$(serial_of "$HTTPS_PORT")" "ops-cert-b"
contains_s "SIP-TLS serves certificate B after the reload" "$(serial_of "$SIP_TLS_PORT")" "ops-cert-b"
check "the daemon kept its process" kill -0 "$DAEMON_PID"
scrape m2
check "the registration made before the reload is still active" test "$(metric "$WORK/m2.txt" "roomsys_sip_registrations_active{pool=\"$P\"}")" -eq 1
check "the SIP TCP connection opened before the reload is still open" test "$(metric "$WORK/m2.txt" roomsys_sip_connections)" -ge 1
exec 7>&-
rs status <<PS
\$cred = Get-Credential admin@$DOMAIN
Import-PSSession (New-CsOnlineSession -Credential \$cred) -AllowClobber
Get-CsRegistrarStatus -Identity $P | Format-List
PS
contains "Get-CsRegistrarStatus still lists the registration" "$WORK/status.out" "ActiveRegistrations : 1"

# ---- SIGHUP: what is refused keeps the running configuration ----
cp "$WORK/roomsysd.conf" "$WORK/keep.conf"
printf 'this is not = an [ini\n[nosuchsection]\n' >>"$WORK/roomsysd.conf"
kill -HUP "$DAEMON_PID"
wait_notify 3 "READY=1" && ok "READY=1 again after a rejected reload" || not_ok "READY=1 after rejected reload" "$(cat "$WORK/notify.log")"
check "a broken file is rejected with a log line" grep -q 'reload rejected' "$WORK/roomsysd.log"
check "STATUS says the reload was rejected" grep -q 'STATUS=serving; reload rejected' "$WORK/notify.log"
check "still serving after the broken file" "${CURL[@]}" -f "$URL/readyz"
cp "$WORK/keep.conf" "$WORK/roomsysd.conf"
cp "$WORK/certC.pem" "$WORK/live/cert.pem" # certificate C with the key of B: a mismatch
kill -HUP "$DAEMON_PID"
wait_notify 4 "READY=1" || true
check "a certificate that does not match its key is rejected" test "$(grep -c 'reload rejected' "$WORK/roomsysd.log")" -ge 2
contains_s "HTTPS still serves certificate B" "$(serial_of "$HTTPS_PORT")" "ops-cert-b"
contains_s "SIP-TLS still serves certificate B" "$(serial_of "$SIP_TLS_PORT")" "ops-cert-b"
cp "$WORK/certB.pem" "$WORK/live/cert.pem"

# ---- SIGHUP: live settings (metrics_allow, log level) and restart-only ones ----
sed -i "/^\[https\]/a metrics_allow = 10.0.0.0/8, 2001:db8::/32" "$WORK/roomsysd.conf"
sed -i "s/^workers = 2/workers = 3/" "$WORK/roomsysd.conf"
kill -HUP "$DAEMON_PID"
wait_notify 5 "READY=1" || true
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL/metrics")
[ "$code" = 403 ] && ok "metrics_allow applied live: loopback refused (403)" || not_ok "metrics_allow applied live" "code=$code"
check "a restart-only change is logged as such" grep -q 'workers changed; it takes effect after a restart' "$WORK/roomsysd.log"
sed -i "s|^metrics_allow = .*|metrics_allow = 127.0.0.0/8, ::1|" "$WORK/roomsysd.conf"
kill -HUP "$DAEMON_PID"
wait_notify 6 "READY=1" || true
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL/metrics")
[ "$code" = 200 ] && ok "metrics_allow with loopback: 200" || not_ok "metrics_allow with loopback: 200" "code=$code"

# ---- SIGTERM: /readyz 503 first, then drain and exit 0 ----
kill -TERM "$DAEMON_PID"
saw503=0
for _ in $(seq 1 60); do
    code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL/readyz")
    [ "$code" = 503 ] && { saw503=1; break; }
    sleep 0.05
done
[ $saw503 = 1 ] && ok "SIGTERM: /readyz answers 503 first" || not_ok "SIGTERM: /readyz answers 503 first" "last code $code"
check "SIGTERM: /livez still answers during the grace" "${CURL[@]}" -f "$URL/livez"
for _ in $(seq 1 150); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
wait "$DAEMON_PID"
rc=$?
DAEMON_PID=""
[ $rc -eq 0 ] && ok "SIGTERM: exit 0" || not_ok "SIGTERM: exit 0" "rc=$rc"
check "STOPPING=1 sent" grep -q 'STOPPING=1' "$WORK/notify.log"
wait "$NOTIFY_PID" 2>/dev/null
# the registration was written before exit: a new start has it back
"$ROOMSYSD" -c "$WORK/roomsysd.conf" >>"$WORK/roomsysd2.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 100); do
    "${CURL[@]}" -f "$URL/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
scrape m3
check "after SIGTERM and a new start the registration is back" test "$(metric "$WORK/m3.txt" "roomsys_sip_registrations_active{pool=\"$P\"}")" -eq 1
check "counters start again from zero" test "$(metric "$WORK/m3.txt" 'roomsys_http_requests_total{route="InvokeCommand",method="POST",code="200"}')" -eq 0
finish
