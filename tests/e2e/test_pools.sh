#!/bin/bash
# Registrar pools (sign-in.md section 3, gate G8) against the real roomsysd:
# three pools on one machine (the first with the third, UDP only, as its
# backup), a room homed on the tenant's default pool and moved with
# Move-CsMeetingRoom, the pool shown by Get-CsMeetingRoom/Get-CsOnlineUser,
# 301 Redirect request to Home Server (SIPp scenario sipp/reg_redirect.xml)
# from every pool that is not the room's home, 200 at the home pool, and no
# binding left by a 301 or kept across a move.
. "$(dirname "$0")/lib.sh"
DOMAIN=contoso.onmicrosoft.com
PW='Pw-Pool-4242!'
P1=sippoolbl20a04.infra.lync.com
P2=sippool2.infra.lync.com
P3=sippool3.infra.lync.com
SIP_PORT3=$(free_port udp)
write_config
sed -i "/^udp_port = $SIP_PORT\$/a backup = $P3" "$WORK/roomsysd.conf"
printf '[pool %s]\naddress = 127.0.0.1\nudp_port = %s\ntcp_port = 0\ntls_port = 0\n' "$P3" "$SIP_PORT3" >>"$WORK/roomsysd.conf"
start_daemon || exit 1

PS_HEAD='$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber'
# room_ps NAME: the seed's provisioning of one room (on the tenant's default
# pool: Enable-CsMeetingRoom refuses another pool, as SfB Online does)
room_ps() {
    printf '%s\n' \
        "New-Mailbox -Name \"Room $1\" -MicrosoftOnlineServicesID $1@$DOMAIN -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword (ConvertTo-SecureString '$PW' -AsPlainText -Force)" \
        "Set-MsolUser -UserPrincipalName $1@$DOMAIN -UsageLocation US" \
        "Set-MsolUserLicense -UserPrincipalName $1@$DOMAIN -AddLicenses contoso:MCOSTANDARD" \
        "Enable-CsMeetingRoom -Identity $1@$DOMAIN -SipAddressType EmailAddress"
}
{ echo "$PS_HEAD"; room_ps pa ""; } >"$WORK/provision.ps1"
rs provision <"$WORK/provision.ps1"
check "room pa is provisioned" test "$RS_RC" -eq 0
[ "$RS_RC" -eq 0 ] || cat "$WORK/provision.err"

# views NAME: the pool of pa as the admin shell shows it
views() {
    rs "$1" <<PS
$PS_HEAD
Get-CsMeetingRoom -Identity pa@$DOMAIN | fl RegistrarPool
Get-CsOnlineUser -Identity pa@$DOMAIN | fl RegistrarPool
PS
}
views before
check "Get-CsMeetingRoom/Get-CsOnlineUser: pa is homed on the tenant's default pool" \
    test "$(grep -c "^RegistrarPool : $P1\$" "$WORK/before.out")" -eq 2

# redirect TITLE ROOM PORT CONTACT1 [CONTACT2]: the 301 scenario, with the
# expected Contacts (the backup's line must be absent when CONTACT2 is empty).
redirect() {
    t=$1 r=$2 port=$3
    f="$WORK/redirect.xml"
    python3 - "$E2E_DIR/sipp/reg_redirect.xml" "$f" "$4" "${5:-}" <<'PY'
import re, sys
src, dst, c1, c2 = sys.argv[1:]
x = lambda v: v.replace("<", "&lt;").replace(".", "[.]")  # XML attribute, literal dots
s = open(src).read().replace("@CONTACT1@", x(c1))
if c2:
    s = s.replace("@CONTACT2@", x(c2))
else:  # no backup: no q=0.3 Contact at all
    s = re.sub(r'(<ereg regexp="[^"]*)@CONTACT2@([^"]*" search_in="msg" )check_it="true"',
               r'\1&lt;[^>]*>\2check_it_inverse="true"', s)
open(dst, "w").write(s)
PY
    printf 'SEQUENTIAL\n%s;%s;[authentication username=%s@%s password=%s]\n' "$r" "$DOMAIN" "$r" "$DOMAIN" "$PW" \
        >"$WORK/redirect.csv"
    rm -f "$WORK/redirect.err"
    if timeout 30 sipp -sf "$f" -inf "$WORK/redirect.csv" -m 1 -l 1 -i 127.0.0.1 -p "$(free_port udp)" \
        -timeout 20s -timeout_error -recv_timeout 5000 127.0.0.1:"$port" \
        -trace_err -error_file "$WORK/redirect.err" >/dev/null 2>&1 </dev/null; then
        ok "$t"
    else
        not_ok "$t" "$(cat "$WORK/redirect.err")"
    fi
}
# bindings ROOM PORT: the number of Contacts a query REGISTER lists
bindings() {
    python3 "$E2E_DIR/sipcheck.py" register --port "$2" --user "$1@$DOMAIN" --password "$PW" \
        --no-contact --expect 200 >"$WORK/query.out" 2>&1 || { echo "query failed"; return; }
    grep -c '^Contact:' "$WORK/query.out"
}

check "pa signs in at its home pool ($P1)" sipp_register 200 pa "$DOMAIN" "$PW" "$SIP_PORT"
redirect "pa at $P2: 301 to $P1 (q=0.7) and its backup $P3 (q=0.3)" pa "$SIP_PORT2" \
    "<sip:$P1:$SIP_PORT;transport=udp>" "<sip:$P3:$SIP_PORT3;transport=udp>"
redirect "pa at $P3 (the backup itself): the same 301" pa "$SIP_PORT3" \
    "<sip:$P1:$SIP_PORT;transport=udp>" "<sip:$P3:$SIP_PORT3;transport=udp>"
check "the 301s left no binding: pa has only the one from its home pool" test "$(bindings pa "$SIP_PORT")" = 1
check "a wrong password at another pool gets 401, not the redirect" \
    sipp_register 401 pa "$DOMAIN" 'Wrong-Pool-1!' "$SIP_PORT2"

rs move <<PS
$PS_HEAD
Move-CsMeetingRoom -Identity pa@$DOMAIN -Target $P2
PS
check "Move-CsMeetingRoom pa to $P2" test "$RS_RC" -eq 0
views after
check "Get-CsMeetingRoom/Get-CsOnlineUser show pa's new pool" \
    test "$(grep -c "^RegistrarPool : $P2\$" "$WORK/after.out")" -eq 2
check "the move dropped pa's binding" test "$(bindings pa "$SIP_PORT2")" = 0
redirect "after the move, the old pool answers 301 to $P2 alone ($P2 has no backup)" pa "$SIP_PORT" "<sip:$P2:$SIP_PORT2;transport=udp>"
check "... and the new pool 200" sipp_register 200 pa "$DOMAIN" "$PW" "$SIP_PORT2"
check "pa now has one binding, from $P2" test "$(bindings pa "$SIP_PORT2")" = 1

rs move_bad <<PS
$PS_HEAD
Move-CsMeetingRoom -Identity pa@$DOMAIN -Target nosuchpool.infra.lync.com
PS
check "Move-CsMeetingRoom to an unknown pool fails" test "$RS_RC" -ne 0
check "... and changes nothing: pa still signs in at $P2" sipp_register 200 pa "$DOMAIN" "$PW" "$SIP_PORT2"
finish
