#!/bin/bash
# Sign-in gates (sign-in.md section 1) against the real roomsysd: for each
# gate a signed-in room is flipped with its cmdlet; the right password then
# gets exactly the wrong-password answer (sipcheck.py same401: status, header
# set and lengths, apart from nonce, tags, branch and Call-ID), the refusal is
# logged with its reason, and the room's bindings are gone (a query after
# flipping back lists none); flipped back, the room signs in again.
# G1 Disable-CsMeetingRoom, G2 Set-CsMeetingRoom -Enabled $false, G3 licence
# removed, G4 room account disabled / credential blocked, G5 smart lockout,
# G6 password expired (the daemon's clock moved 100 days on with libfaketime;
# skipped when libfaketime is not installed).
. "$(dirname "$0")/lib.sh"
DOMAIN=contoso.onmicrosoft.com
PW='Pw-Gate-4242!'
SC="python3 $E2E_DIR/sipcheck.py"
PS_HEAD='$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber'

# ps NAME COMMANDS: run the cmdlets in an admin session; $RS_RC is their status
ps() {
    printf '%s\n%s\n' "$PS_HEAD" "$2" >"$WORK/$1.ps1"
    rs "$1" <"$WORK/$1.ps1"
}
# bindings ROOM [SRC]: the number of Contacts a query REGISTER lists
bindings() {
    $SC register --port "$SIP_PORT" --src "${2:-127.0.0.1}" --user "$1@$DOMAIN" --password "$PW" \
        --no-contact --expect 200 >"$WORK/query.out" 2>&1 || { echo "query failed"; return; }
    grep -c '^Contact:' "$WORK/query.out"
}
# signin ROOM [SRC]: one authenticated REGISTER with a contact for 600 s -> 200
signin() {
    $SC register --port "$SIP_PORT" --src "${2:-127.0.0.1}" --user "$1@$DOMAIN" --password "$PW" \
        --expires 600 --expect 200 >"$WORK/signin.out" 2>&1
}
# refused TITLE ROOM REASON [SRC]: the right password gets the wrong-password
# answer, and the daemon logged one more refusal (or failure) with REASON
refused() {
    before=$(grep -c "\"reason\":\"$3\"" "$WORK/roomsysd.log")
    if $SC same401 --port "$SIP_PORT" --src "${4:-127.0.0.1}" --user "$2@$DOMAIN" --password "$PW" \
        >"$WORK/same401.out" 2>&1; then
        ok "$1: the right password gets exactly the wrong-password 401"
    else
        not_ok "$1: the right password gets exactly the wrong-password 401" "$(cat "$WORK/same401.out")"
    fi
    after=$(grep -c "\"reason\":\"$3\"" "$WORK/roomsysd.log")
    check "$1: logged with reason $3" test "$after" -gt "$before"
}
# gate TITLE ROOM REASON FLIP UNFLIP: the whole cycle for one gate
gate() {
    check "$1: $2 signs in" signin "$2"
    check "$1: $2 has a binding" test "$(bindings "$2")" = 1
    ps flip "$4"
    check "$1: the cmdlet succeeds" test "$RS_RC" -eq 0
    [ "$RS_RC" -eq 0 ] || cat "$WORK/flip.err"
    refused "$1" "$2" "$3"
    ps unflip "$5"
    check "$1: flipping back succeeds" test "$RS_RC" -eq 0
    [ "$RS_RC" -eq 0 ] || cat "$WORK/unflip.err"
    check "$1: the binding was dropped" test "$(bindings "$2")" = 0
    check "$1: flipped back, $2 signs in again" signin "$2"
}

write_config
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
if [ -n "$FAKETIME_LIB" ]; then
    # the daemon reads its wall clock through libfaketime, offset by the file
    echo "+0" >"$WORK/faketime"
    cat >"$WORK/roomsysd" <<SH
#!/bin/sh
# (an ASan build wants its runtime first; libfaketime only wraps clock calls)
ASAN_OPTIONS=\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0 LD_PRELOAD=$FAKETIME_LIB \\
FAKETIME_TIMESTAMP_FILE=$WORK/faketime FAKETIME_NO_CACHE=1 DONT_FAKE_MONOTONIC=1 exec "$ROOMSYSD" "\$@"
SH
    chmod +x "$WORK/roomsysd"
    ROOMSYSD="$WORK/roomsysd"
fi
start_daemon || exit 1

cmds=""
for r in g1 g2 g3 g4 g5 g6 g7; do
    cmds="$cmds
New-Mailbox -Name \"Room $r\" -MicrosoftOnlineServicesID $r@$DOMAIN -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword (ConvertTo-SecureString '$PW' -AsPlainText -Force)
Set-MsolUser -UserPrincipalName $r@$DOMAIN -UsageLocation US -PasswordNeverExpires \$false
Set-MsolUserLicense -UserPrincipalName $r@$DOMAIN -AddLicenses contoso:MCOSTANDARD
Enable-CsMeetingRoom -Identity $r@$DOMAIN -SipAddressType EmailAddress"
done
ps provision "$cmds"
check "rooms g1-g7 are provisioned" test "$RS_RC" -eq 0
[ "$RS_RC" -eq 0 ] || cat "$WORK/provision.err"

# the checks can fail: a room that is not refused fails same401 (whose right
# password then registers a second contact), and without a flip bindings stay
signin g7
if $SC same401 --port "$SIP_PORT" --user "g7@$DOMAIN" --password "$PW" >/dev/null 2>&1; then
    not_ok "control: an account that signs in fails the same401 check"
else ok "control: an account that signs in fails the same401 check"; fi
ps noop "Get-CsMeetingRoom -Identity g7@$DOMAIN | fl Enabled"
check "control: without a flip the bindings stay" test "$(bindings g7)" = 2

gate "G1 Disable-CsMeetingRoom" g1 unknown_user \
    "Disable-CsMeetingRoom -Identity g1@$DOMAIN -Confirm:\$false" \
    "Enable-CsMeetingRoom -Identity g1@$DOMAIN -SipAddressType EmailAddress"
gate "G2 Set-CsMeetingRoom -Enabled \$false" g2 not_enabled \
    "Set-CsMeetingRoom -Identity g2@$DOMAIN -Enabled \$false" \
    "Set-CsMeetingRoom -Identity g2@$DOMAIN -Enabled \$true"
gate "G3 licence removed" g3 not_licensed \
    "Set-MsolUserLicense -UserPrincipalName g3@$DOMAIN -RemoveLicenses contoso:MCOSTANDARD" \
    "Set-MsolUserLicense -UserPrincipalName g3@$DOMAIN -AddLicenses contoso:MCOSTANDARD"
gate "G4 room account disabled" g4 blocked \
    "Set-Mailbox -Identity g4@$DOMAIN -EnableRoomMailboxAccount \$false" \
    "Set-Mailbox -Identity g4@$DOMAIN -EnableRoomMailboxAccount \$true"
gate "G4 credential blocked" g5 blocked \
    "Set-MsolUser -UserPrincipalName g5@$DOMAIN -BlockCredential \$true" \
    "Set-MsolUser -UserPrincipalName g5@$DOMAIN -BlockCredential \$false"

# G5: ten different wrong passwords from 127.0.0.1 lock (g7, 127.0.0.1)
check "G5 lockout: g7 signs in" signin g7
for i in $(seq 1 10); do
    $SC register --port "$SIP_PORT" --user "g7@$DOMAIN" --password "Wrong-$i-pw" --expect 401 >/dev/null 2>&1 ||
        not_ok "G5 lockout: wrong password $i answered 401"
done
refused "G5 lockout" g7 locked
check "G5 lockout: the binding was dropped (query from 127.0.0.2)" test "$(bindings g7 127.0.0.2)" = 0
check "G5 lockout: another source signs in" signin g7 127.0.0.2

# G6: g6's password (set at provisioning) is 100 days old once the clock moves
if [ -n "$FAKETIME_LIB" ]; then
    check "G6 expiry: g6 signs in" signin g6
    ps keepadmin "Set-MsolUser -UserPrincipalName admin@$DOMAIN -PasswordNeverExpires \$true"
    check "G6 expiry: the admin's password is kept valid" test "$RS_RC" -eq 0
    echo "+100d" >"$WORK/faketime"
    refused "G6 password expired" g6 password_expired
    ps unflip "Set-MsolUser -UserPrincipalName g6@$DOMAIN -PasswordNeverExpires \$true"
    check "G6 expiry: PasswordNeverExpires \$true succeeds" test "$RS_RC" -eq 0
    check "G6 expiry: the binding was dropped at the refusal" test "$(bindings g6)" = 0
    check "G6 expiry: with PasswordNeverExpires, g6 signs in again" signin g6
else
    echo "# libfaketime not installed (Debian package faketime): skipping G6"
fi
finish
