#!/bin/bash
# roomsysd stops cleanly on SIGTERM and a restart keeps everything; bad
# configuration is refused with a clear error.
. "$(dirname "$0")/lib.sh"
start_daemon || exit 1
check "first start creates the SQLite database" test -f "$STATE/roomsys.db"
check "... in WAL mode" test "$(sqlite3 "$STATE/roomsys.db" 'PRAGMA journal_mode')" = wal
check "... and a self-signed certificate" test -f "$STATE/tls/cert.pem"
check "... whose key is private" test "$(stat -c %a "$STATE/tls/key.pem")" = 600
rs make <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
New-Mailbox -Name "Durable Room" -MicrosoftOnlineServicesID durable@contoso.onmicrosoft.com -Room -ResourceCapacity 8
PS
check "a room is created" test "$RS_RC" -eq 0
stop_daemon
check "SIGTERM: clean exit 0" test "$DAEMON_RC" = 0
start_daemon || exit 1
rs read <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Get-Mailbox durable@contoso.onmicrosoft.com | fl Name,ResourceCapacity
PS
contains "the room survived the restart" "$WORK/read.out" "Name             : Durable Room"
contains "... with its capacity" "$WORK/read.out" "ResourceCapacity : 8"
# kill -9 right after an acknowledged change: the change is there.
rs make2 <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Set-Mailbox durable@contoso.onmicrosoft.com -ResourceCapacity 12
PS
kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=""
start_daemon || exit 1
rs read2 <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Get-Mailbox durable@contoso.onmicrosoft.com | fl ResourceCapacity
PS
contains "an acknowledged change survives kill -9" "$WORK/read2.out" "ResourceCapacity : 12"
stop_daemon
# configuration errors
printf '[daemon]\nstate_dir = %s\nbogus = 1\n' "$WORK/s2" > "$WORK/bad.conf"
"$ROOMSYSD" -c "$WORK/bad.conf" 2>"$WORK/bad.err"; rc=$?
check "an unknown key is a configuration error (exit 78)" test "$rc" = 78
contains "... naming the key" "$WORK/bad.err" "unknown key 'bogus' in [daemon]"
"$ROOMSYSD" --check-config -c "$WORK/roomsysd.conf" >"$WORK/check.out" 2>&1
check "--check-config accepts a good file" test $? -eq 0
"$ROOMSYSD" --version >"$WORK/version.out"
contains "--version" "$WORK/version.out" "roomsysd "
finish
