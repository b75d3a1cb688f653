#!/bin/bash
# bench/transport/run.sh - SIP over TCP and TLS against a real roomsysd on
# loopback: daemon memory per idle connection (TCP, TLS), connection set-up
# rate, and REGISTER-with-digest sign-ins over one TCP connection (SIPp -t t1).
#
#   bench/transport/run.sh [ROOMSYSD [ROOMSYS]]   (default: build-bench-transport/, Release)
#   CONNS=2000 SIGNINS=100000 RATE=60000 bench/transport/run.sh
#
# Everything runs on 127.0.0.1 and is bounded: CONNS connections (python3,
# conn_memory.py), SIGNINS calls at most RATE/s (sipp -m, timeout 180).
# The daemon is the e2e one (tests/e2e/lib.sh: temp state dir, free ports,
# stopped on exit), with max_connections_per_ip raised to fit CONNS and MD5
# offered (what SIPp answers). Speed figures depend on the machine: compare
# runs on one machine only.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -ge 1 ]; then
    ROOMSYSD=$1; ROOMSYS=${2:-$(dirname "$1")/../shell/roomsys}
else
    cmake -S "$ROOT" -B "$ROOT/build-bench-transport" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
        cmake --build "$ROOT/build-bench-transport" -j2 --target roomsysd roomsys >/dev/null || exit 1
    ROOMSYSD=$ROOT/build-bench-transport/src/daemon/roomsysd
    ROOMSYS=$ROOT/build-bench-transport/src/shell/roomsys
fi
export ROOMSYSD ROOMSYS E2E_DIR=$ROOT/tests/e2e
CONNS=${CONNS:-2000}; SIGNINS=${SIGNINS:-100000}; RATE=${RATE:-60000}
. "$ROOT/tests/e2e/lib.sh"
write_config
sed -i "s/^\[sync\]/[sip]\nmax_connections_per_ip = $((CONNS + 100))\nunauthenticated_timeout_seconds = 600\ndigest_algorithms = MD5\n[sync]/" "$WORK/roomsysd.conf"
start_daemon || exit 1
rs provision <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
Connect-ExchangeOnline -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber
New-Mailbox -Name "Conf Room 2" -MicrosoftOnlineServicesID confrm2@contoso.onmicrosoft.com -Room -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString 'pass@word1' -AsPlainText -Force)
Set-MsolUser -UserPrincipalName confrm2@contoso.onmicrosoft.com -UsageLocation US
Set-MsolUserLicense -UserPrincipalName confrm2@contoso.onmicrosoft.com -AddLicenses contoso:MCOSTANDARD
Enable-CsMeetingRoom -Identity confrm2@contoso.onmicrosoft.com -SipAddressType EmailAddress
PS
[ "$RS_RC" -eq 0 ] || { echo "provisioning failed"; cat "$WORK/provision.err"; exit 1; }
python3 "$ROOT/bench/transport/conn_memory.py" "$DAEMON_PID" 127.0.0.1 "$SIP_TCP_PORT" "$SIP_TLS_PORT" "$CONNS"
printf 'SEQUENTIAL\nconfrm2;contoso.onmicrosoft.com;[authentication username=confrm2@contoso.onmicrosoft.com password=pass@word1]\n' > "$WORK/users.csv"
t0=$(date +%s.%N)
timeout 180 sipp -sf "$E2E_DIR/sipp/register.xml" -inf "$WORK/users.csv" -t t1 -m "$SIGNINS" \
    -r "$RATE" -l 4000 -i 127.0.0.1 -p "$(free_port tcp)" "127.0.0.1:$SIP_TCP_PORT" >/dev/null 2>&1 </dev/null
rc=$?; t1=$(date +%s.%N)
echo "sipp -t t1: $SIGNINS sign-ins (REGISTER, 401, REGISTER, 200) over one TCP connection, exit $rc," \
    "$(python3 -c "print(round($SIGNINS / ($t1 - $t0)))")/s wall (offered $RATE/s)"
finish
