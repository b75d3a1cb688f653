#!/bin/bash
# The main job: install what is missing, build, start roomsysd on an embedded
# SQLite store in ./state, run the seed's provisioning flow through the admin
# shell for confrm1 (existing room) and confrm2 (new room), sign confrm2 in
# over SIP with sipp, and leave roomsysd running. Safe to run again: it reuses
# the running daemon and its state.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
"$ROOT/scripts/deps.sh"
BUILD_DIR=build "$ROOT/scripts/build.sh"

STATE="$ROOT/state"
CONF="$STATE/roomsysd.conf"
mkdir -p "$STATE"
chmod 700 "$STATE"
if [ ! -f "$STATE/admin.password" ]; then
    # A random admin password, kept only in this 0600 file.
    umask 077
    python3 -c 'import secrets; print("Rs-" + secrets.token_urlsafe(18) + "-1a")' > "$STATE/admin.password"
fi
if [ ! -f "$CONF" ]; then
    sed -e "s|^state_dir = state|state_dir = $STATE|" \
        -e "s|^admin_password_file = admin.password|admin_password_file = $STATE/admin.password|" \
        "$ROOT/etc/roomsysd.conf.example" > "$CONF"
fi
export ROOMSYS_SERVER=https://127.0.0.1:8443
export ROOMSYS_CA_FILE="$STATE/tls/cert.pem"
export ROOMSYS_USER=admin@contoso.onmicrosoft.com
export ROOMSYS_PASSWORD_FILE="$STATE/admin.password"

running() {
    [ -f "$STATE/roomsysd.pid" ] && kill -0 "$(cat "$STATE/roomsysd.pid")" 2>/dev/null &&
        curl -sf --cacert "$ROOMSYS_CA_FILE" "$ROOMSYS_SERVER/readyz" >/dev/null 2>&1
}
if running; then
    echo "== roomsysd is already running (pid $(cat "$STATE/roomsysd.pid")); reusing it and its state"
else
    echo "== starting roomsysd (state in $STATE, log in $STATE/roomsysd.log)"
    nohup "$ROOT/build/src/daemon/roomsysd" -c "$CONF" >>"$STATE/roomsysd.log" 2>&1 </dev/null &
    for _ in $(seq 1 100); do running && break; sleep 0.1; done
    running || { echo "roomsysd did not start:"; tail -20 "$STATE/roomsysd.log"; exit 1; }
fi

echo "== the seed's provisioning flow, through the roomsys admin shell (examples/seed-demo.ps1)"
"$ROOT/build/src/shell/roomsys" "$ROOT/examples/seed-demo.ps1"

echo
echo "== a room signs in over SIP: sipp registers confrm2@contoso.onmicrosoft.com with digest auth"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf 'SEQUENTIAL\nconfrm2;contoso.onmicrosoft.com;[authentication username=confrm2@contoso.onmicrosoft.com password=pass@word1]\n' > "$WORK/users.csv"
if timeout 20 sipp -sf "$ROOT/tests/e2e/sipp/register.xml" -inf "$WORK/users.csv" -m 1 -l 1 \
    -i 127.0.0.1 -p 15099 -timeout 10s -timeout_error -recv_timeout 5000 -trace_msg \
    -message_file "$WORK/sip.log" 127.0.0.1:5060 >/dev/null 2>&1 </dev/null; then
    grep -E '^(REGISTER|SIP/2.0) ' "$WORK/sip.log" | sed 's/^/   /'
    echo "== signed in: REGISTER -> 401 challenge -> REGISTER with digest -> 200 OK"
else
    echo "== sign-in FAILED; SIP trace:"; cat "$WORK/sip.log" 2>/dev/null; exit 1
fi

cat <<MSG

roomsysd is running (pid $(cat "$STATE/roomsysd.pid")). Its state is in $STATE.
Open the admin shell against it:
  export ROOMSYS_SERVER=$ROOMSYS_SERVER ROOMSYS_CA_FILE=$ROOMSYS_CA_FILE
  $ROOT/build/src/shell/roomsys
  PS roomsys> \$cred = Get-Credential admin@contoso.onmicrosoft.com   # password: $STATE/admin.password
  PS roomsys> Connect-ExchangeOnline -Credential \$cred
Stop it:
  kill \$(cat $STATE/roomsysd.pid)
MSG
