#!/bin/bash
# SIP bindings are soft state (docs/internals/sip.md "Binding persistence"):
# they survive a clean restart and kill -9 (written behind, about every
# 500 ms, to state/bindings.db), and expired ones are gone after a restart.
. "$(dirname "$0")/lib.sh"
start_daemon || exit 1
CONNECT='$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber'

room() { # room NAME: a licensed, SfB-enabled room with password Str0ng-pass
    cat <<PS
New-Mailbox -Name "$1" -MicrosoftOnlineServicesID $1@contoso.onmicrosoft.com -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword (ConvertTo-SecureString 'Str0ng-pass' -AsPlainText -Force)
Set-MsolUser -UserPrincipalName $1@contoso.onmicrosoft.com -UsageLocation US
Set-MsolUserLicense -UserPrincipalName $1@contoso.onmicrosoft.com -AddLicenses contoso:MCOSTANDARD
Enable-CsMeetingRoom -Identity $1@contoso.onmicrosoft.com -SipAddressType EmailAddress
PS
}
rs setup <<PS
$CONNECT
$(room rooma)
$(room roomb)
$(room roomc)
$(room roomd)
PS
check "setup: four SfB rooms" test "$RS_RC" -eq 0

# sipp_register_expires SECONDS USER: sign in with that Expires.
sipp_register_expires() {
    sed "s/Expires: 600/Expires: $1/" "$E2E_DIR/sipp/register.xml" > "$WORK/register_exp.xml"
    printf 'SEQUENTIAL\n%s;contoso.onmicrosoft.com;[authentication username=%s@contoso.onmicrosoft.com password=Str0ng-pass]\n' \
        "$2" "$2" > "$WORK/users_exp.csv"
    timeout 20 sipp -sf "$WORK/register_exp.xml" -inf "$WORK/users_exp.csv" -m 1 -l 1 -i 127.0.0.1 \
        -p "$(free_port udp)" -timeout 10s -timeout_error -recv_timeout 5000 127.0.0.1:"$SIP_PORT" \
        >/dev/null 2>&1 </dev/null
}

# status NAME: the registrar's per-pool view
status() {
    rs "$1" <<PS
$CONNECT
Get-CsRegistrarStatus -Identity sippoolbl20a04.infra.lync.com | Format-List Identity,ActiveRegistrations,RegisteredRooms
PS
}

sipp_register 200 rooma contoso.onmicrosoft.com 'Str0ng-pass'
check "rooma signs in" test $? -eq 0
sipp_register 200 roomb contoso.onmicrosoft.com 'Str0ng-pass'
check "roomb signs in" test $? -eq 0
status st1
contains "two registrations before the restart" "$WORK/st1.out" "ActiveRegistrations : 2"

# Get-CsRegistrarStatus: REGISTER outcomes per pool (docs/internals/sip.md "Metrics")
sipp_register 401 rooma contoso.onmicrosoft.com 'wrong-pass'
check "a wrong password gets 401" test $? -eq 0
sipp_register 301 rooma contoso.onmicrosoft.com 'Str0ng-pass' "$SIP_PORT2"
check "rooma at the other pool is redirected home" test $? -eq 0
rs metrics <<PS
$CONNECT
Get-CsRegistrarStatus -Identity sippoolbl20a04.infra.lync.com | Format-List
Get-CsRegistrarStatus -Identity Registrar:sippool2.infra.lync.com | Format-List PoolFqdn,ActiveRegistrations,Redirected,Challenged
(Get-CsRegistrarStatus).Count
Get-CsRegistrarStatus -Identity nosuch.infra.lync.com
PS
contains "the status names the pool" "$WORK/metrics.out" "Identity            : Registrar:sippoolbl20a04.infra.lync.com"
contains "... counts its rooms" "$WORK/metrics.out" "RegisteredRooms     : 2"
contains "... its sign-ins" "$WORK/metrics.out" "Registered          : 2"
contains "... every 401 (two first legs, two of the failed sign-in)" "$WORK/metrics.out" "Challenged          : 4"
contains "... the failed digest" "$WORK/metrics.out" "AuthFailed          : 1"
contains "... no refusal" "$WORK/metrics.out" "Refused             : 0"
contains "... no ban" "$WORK/metrics.out" "Banned              : 0"
contains "the other pool has no registration" "$WORK/metrics.out" "PoolFqdn            : sippool2.infra.lync.com
ActiveRegistrations : 0
Redirected          : 1
Challenged          : 1"
contains "without -Identity: one object per pool" "$WORK/metrics.out" "2"
contains "an unknown pool is E5" "$WORK/metrics.err" 'Get-CsRegistrarStatus : Service identifier cannot be found for registrar pool "nosuch.infra.lync.com".'

stop_daemon
check "SIGTERM: clean exit 0" test "$DAEMON_RC" = 0
check "the bindings database exists" test -f "$STATE/bindings.db"
check "... holds both rooms" test "$(sqlite3 "$STATE/bindings.db" "SELECT count(*) FROM blobs")" = 2
start_daemon || exit 1
status st2
contains "both registrations survive a clean restart" "$WORK/st2.out" "ActiveRegistrations : 2"
contains "... as two rooms" "$WORK/st2.out" "RegisteredRooms     : 2"

# kill -9 more than a write interval after a change: the change is there
sipp_register 200 roomc contoso.onmicrosoft.com 'Str0ng-pass'
check "roomc signs in" test $? -eq 0
sleep 2.5
kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=""
start_daemon || exit 1
status st3
contains "a registration survives kill -9 after 2 s" "$WORK/st3.out" "ActiveRegistrations : 3"

# expiry: a short registration is gone after a restart past its expiry
stop_daemon
sed -i 's/^\[sync\]/[sip]\nmin_expires = 1\n[sync]/' "$WORK/roomsysd.conf"
start_daemon || exit 1
sipp_register_expires 2 roomd
check "roomd registers for 2 s" test $? -eq 0
stop_daemon
check "... saved with its expiry" test "$(sqlite3 "$STATE/bindings.db" "SELECT count(*) FROM blobs")" = 4
sleep 3
start_daemon || exit 1
status st4
contains "the expired registration is gone after the restart" "$WORK/st4.out" "ActiveRegistrations : 3"
contains "... and its room" "$WORK/st4.out" "RegisteredRooms     : 3"
check "... and its saved copy" test "$(sqlite3 "$STATE/bindings.db" "SELECT count(*) FROM blobs")" = 3
contains "the daemon logs what it restored" "$WORK/roomsysd.log" "bindings: restored 3 unexpired binding(s), dropped 1 expired AoR(s)"
# expiry while running: the sweep (1 s) removes the AoR and the next write-behind
# round (0.5 s) deletes its saved copy, no restart needed
sipp_register_expires 2 roomd
check "roomd registers for 2 s again" test $? -eq 0
n=0
for _ in $(seq 1 40); do
    n=$(sqlite3 "$STATE/bindings.db" "SELECT count(*) FROM blobs WHERE k LIKE 'roomd@%'")
    [ "$n" = 1 ] && break
    sleep 0.1
done
check "... its saved copy is written behind" test "$n" = 1
for _ in $(seq 1 80); do
    n=$(sqlite3 "$STATE/bindings.db" "SELECT count(*) FROM blobs WHERE k LIKE 'roomd@%'")
    [ "$n" = 0 ] && break
    sleep 0.1
done
check "... and deleted once it expired, while the daemon runs" test "$n" = 0

# a signed-out room is deleted from the saved copy too (Disable-CsMeetingRoom drops it)
rs disable <<PS
$CONNECT
Disable-CsMeetingRoom -Identity roomc@contoso.onmicrosoft.com
PS
check "Disable-CsMeetingRoom" test "$RS_RC" -eq 0
stop_daemon
check "the dropped binding's saved copy is gone at stop" test "$(sqlite3 "$STATE/bindings.db" "SELECT count(*) FROM blobs WHERE k='roomc@contoso.onmicrosoft.com'")" = 0
start_daemon || exit 1
status st5
contains "... and it does not come back after a restart" "$WORK/st5.out" "ActiveRegistrations : 2"

# an older roomsysd saved JSON documents (objects, kind "binding"): restored and
# rewritten as records at start
stop_daemon
exp=$(( $(date +%s) * 1000 + 600000 ))
sqlite3 "$STATE/bindings.db" "INSERT INTO objects(tenant,kind,id,doc) VALUES('','binding','roomd@contoso.onmicrosoft.com','{\"bindings\":[{\"uri\":\"sip:roomd@127.0.0.1:5999\",\"call_id\":\"legacy-1\",\"cseq\":7,\"reg_id\":-1,\"q\":-1,\"pool\":\"sippoolbl20a04.infra.lync.com\",\"expires_ms\":$exp,\"src_ip\":\"127.0.0.1\",\"src_port\":5999,\"transport\":0}]}')"
start_daemon || exit 1
status st6
contains "a binding saved as JSON by an older roomsysd is restored" "$WORK/st6.out" "ActiveRegistrations : 3"
check "... rewritten as a record" test "$(sqlite3 "$STATE/bindings.db" "SELECT count(*) FROM blobs WHERE k='roomd@contoso.onmicrosoft.com'")" = 1
check "... and its JSON copy deleted" test "$(sqlite3 "$STATE/bindings.db" "SELECT count(*) FROM objects")" = 0
finish
