#!/bin/bash
# A standard SIP client signs in as a provisioned room: baresip (Debian's
# baresip-core), scripted without a person, registers confrm2 over UDP with
# digest auth, and a wrong password fails cleanly. baresip 1.0.0 gives up on
# any non-MD5 challenge, so this daemon offers MD5 only ([sip] digest_algorithms).
. "$(dirname "$0")/lib.sh"
if ! command -v baresip >/dev/null; then
    echo "# baresip not installed: skipping"; echo "0 passed, 0 failed"; exit 0
fi
write_config
sed -i 's/^\[sync\]/[sip]\ndigest_algorithms = MD5\n[sync]/' "$WORK/roomsysd.conf"
start_daemon || exit 1
rs provision <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber
New-Mailbox -Name "Conf Room 2" -MicrosoftOnlineServicesID confrm2@contoso.onmicrosoft.com -Room -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString 'pass@word1' -AsPlainText -Force)
Set-MsolUser -UserPrincipalName confrm2@contoso.onmicrosoft.com -UsageLocation US
Set-MsolUserLicense -UserPrincipalName confrm2@contoso.onmicrosoft.com -AddLicenses contoso:MCOSTANDARD
Enable-CsMeetingRoom -Identity confrm2@contoso.onmicrosoft.com -SipAddressType EmailAddress
PS
check "the room is provisioned" test "$RS_RC" -eq 0

# baresip_signin PASSWORD NAME: run baresip for a few seconds; its log in $WORK/NAME/baresip.log
baresip_signin() {
    d="$WORK/$2"; mkdir -p "$d"
    cat > "$d/config" <<CFG
poll_method		epoll
sip_listen		127.0.0.1:$(free_port tcp)
audio_player		aufile,/dev/null
audio_source		ausine,440
audio_alert		aufile,/dev/null
module_path		/usr/lib/baresip/modules
module			g711.so
module			ausine.so
module			aufile.so
module_tmp		account.so
CFG
    printf '<sip:confrm2@contoso.onmicrosoft.com;transport=udp>;auth_user=confrm2@contoso.onmicrosoft.com;auth_pass=%s;outbound="sip:127.0.0.1:%s;transport=udp";regint=600;answermode=manual\n' \
        "$1" "$SIP_PORT" > "$d/accounts"
    : > "$d/contacts"
    baresip -f "$d" -s -t 4 </dev/null >"$d/baresip.log" 2>&1
}
baresip_signin 'pass@word1' good
contains "baresip signs in: 200 OK to its REGISTER" "$WORK/good/baresip.log" "} 200 OK"
baresip_signin 'wrong@word1' bad
lacks "a wrong password: no 200 OK" "$WORK/bad/baresip.log" "} 200 OK"
contains "... the registrar answered 401" "$WORK/bad/baresip.log" "401 Unauthorized"
finish
