#!/bin/bash
# Durable acknowledgement (docs/internals/store.md): a change is answered only
# once the disk holds it. When syncing the write-ahead log fails (libfiu fails
# fdatasync, spec/reliability.md §2 step 5), the change in flight is not
# acknowledged, no later change is, /readyz says so, the daemon stops with
# EX_IOERR for its supervisor to restart it, and after the restart the
# database is intact, every acknowledged change is there and the failed one is
# wholly there or wholly absent.
. "$(dirname "$0")/lib.sh"
if ! command -v fiu-run >/dev/null || ! command -v fiu-ctrl >/dev/null; then
    echo "skip: fiu-run/fiu-ctrl (Debian fiu-utils) not installed"
    exit 77
fi
if ldd "$ROOMSYSD" | grep -q libasan; then
    # libfiu's preload wraps malloc, which the sanitizer runtime owns
    echo "skip: libfiu cannot be preloaded into a sanitizer build"
    exit 77
fi
DAEMON_WRAP="fiu-run -x -f $WORK/fiu-ctrl" start_daemon || exit 1
rs make <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
New-Mailbox -Name "Sync Room" -MicrosoftOnlineServicesID syncroom@contoso.onmicrosoft.com -Room -ResourceCapacity 8 | fl Name
PS
check "a room is created (acknowledged)" test "$RS_RC" -eq 0
contains "... and shown" "$WORK/make.out" "Sync Room"

fiu-ctrl -f "$WORK/fiu-ctrl" -c "enable name=posix/io/sync/fdatasync" "$DAEMON_PID"
check "fdatasync now fails in the daemon" test $? -eq 0
rs fail <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Set-Mailbox syncroom@contoso.onmicrosoft.com -ResourceCapacity 12
"after: $?"
Set-Mailbox syncroom@contoso.onmicrosoft.com -ResourceCapacity 14
"after2: $?"
PS
contains "the change whose sync failed is not acknowledged" "$WORK/fail.out" "after: False"
contains "... and said so" "$WORK/fail.err" "could not make the change durable"
contains "no later change is acknowledged either" "$WORK/fail.out" "after2: False"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$STATE/tls/cert.pem" "https://127.0.0.1:$HTTPS_PORT/readyz")
check "/readyz reports not ready ($code)" test "$code" = 503
# the daemon stops by itself, for its supervisor to restart it
for _ in $(seq 1 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$DAEMON_PID" 2>/dev/null; then
    not_ok "the daemon stops after a failed sync"
    kill -KILL "$DAEMON_PID"
    wait "$DAEMON_PID" 2>/dev/null
else
    wait "$DAEMON_PID"
    rc=$?
    check "the daemon stops after a failed sync, with EX_IOERR (74, got $rc)" test "$rc" = 74
fi
DAEMON_PID=""
contains "the log says why" "$WORK/roomsysd.log" "syncing the write-ahead log failed"

start_daemon || exit 1
check "after the restart the database is intact" \
    test "$(sqlite3 "$STATE/roomsys.db" 'PRAGMA integrity_check')" = ok
rs read <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Get-Mailbox syncroom@contoso.onmicrosoft.com | fl ResourceCapacity
Set-Mailbox syncroom@contoso.onmicrosoft.com -ResourceCapacity 20
Get-Mailbox syncroom@contoso.onmicrosoft.com | fl ResourceCapacity
PS
contains "the acknowledged room is there" "$WORK/read.out" "ResourceCapacity"
check "the failed change is wholly there or wholly absent" grep -qE "ResourceCapacity : (8|12)$" "$WORK/read.out"
lacks "the refused change is absent" "$WORK/read.out" "ResourceCapacity : 14"
contains "changes are acknowledged again" "$WORK/read.out" "ResourceCapacity : 20"
finish
