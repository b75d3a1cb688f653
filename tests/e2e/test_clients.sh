#!/bin/bash
# Standard SIP clients sign in as a provisioned room over UDP, TCP and TLS,
# scripted without a person, against the real daemon; a wrong password fails
# cleanly on each transport.
#   - baresip (Debian's baresip-core 1.0.0): gives up on any non-MD5 challenge,
#     so this daemon offers MD5 only ([sip] digest_algorithms). TLS: baresip
#     trusts the daemon's self-signed certificate as its CA (sip_cafile).
#   - linphonec (linphone-cli 5.1): headless (no sound card: it logs that and
#     carries on; no video). TLS: certificate verification is turned OFF in its
#     rc (verify_server_certs=0), because belle-sip ignores the rc's root_ca
#     and rejects an IP-address server name (CN-mismatch) even when trusted.
#     On a refused password linphonec prompts for another one on stdin; the
#     script answers with another wrong one.
# Either client is skipped (not failed) when it is not installed.
. "$(dirname "$0")/lib.sh"
HAVE_BARESIP=0
HAVE_LINPHONE=0
command -v baresip >/dev/null && HAVE_BARESIP=1
command -v linphonec >/dev/null && HAVE_LINPHONE=1
if [ $HAVE_BARESIP = 0 ] && [ $HAVE_LINPHONE = 0 ]; then
    echo "# neither baresip nor linphonec installed: skipping"; echo "0 passed, 0 failed"; exit 0
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

# port_of TRANSPORT: the first pool's port for it
port_of() {
    case $1 in udp) echo "$SIP_PORT" ;; tcp) echo "$SIP_TCP_PORT" ;; tls) echo "$SIP_TLS_PORT" ;; esac
}

# baresip_signin TRANSPORT PASSWORD NAME: run baresip for a few seconds; its log in $WORK/NAME/baresip.log
baresip_signin() {
    d="$WORK/$3"; mkdir -p "$d"
    cat > "$d/config" <<CFG
poll_method		epoll
sip_listen		127.0.0.1:$(free_port tcp)
sip_cafile		$STATE/tls/cert.pem
audio_player		aufile,/dev/null
audio_source		ausine,440
audio_alert		aufile,/dev/null
module_path		/usr/lib/baresip/modules
module			g711.so
module			ausine.so
module			aufile.so
module_tmp		account.so
CFG
    printf '<sip:confrm2@contoso.onmicrosoft.com;transport=%s>;auth_user=confrm2@contoso.onmicrosoft.com;auth_pass=%s;outbound="sip:127.0.0.1:%s;transport=%s";regint=600;answermode=manual\n' \
        "$1" "$2" "$(port_of "$1")" "$1" > "$d/accounts"
    : > "$d/contacts"
    timeout 30 baresip -f "$d" -s -t 4 </dev/null >"$d/baresip.log" 2>&1
}

# linphone_signin TRANSPORT PASSWORD NAME: run linphonec for a few seconds
# (HOME, rc and log in $WORK/NAME); its answer to "proxy list" in out.
linphone_signin() {
    d="$WORK/$3"; mkdir -p "$d/.local/share/linphone"
    lp=$(free_port tcp); udp=0; tcp=0; tls=0
    case $1 in udp) udp=$(free_port udp) ;; tcp) tcp=$lp ;; tls) tls=$lp ;; esac
    cat > "$d/rc" <<RC
[sip]
sip_port=$udp
sip_tcp_port=$tcp
sip_tls_port=$tls
default_proxy=0
verify_server_certs=0
verify_server_cn=0
[sound]
echocancellation=0
[video]
capture=0
display=0
[proxy_0]
reg_proxy=<sip:127.0.0.1:$(port_of "$1");transport=$1>
reg_identity=<sip:confrm2@contoso.onmicrosoft.com>
reg_expires=600
reg_sendregister=1
publish=0
[auth_info_0]
username=confrm2
userid=confrm2@contoso.onmicrosoft.com
passwd=$2
realm=contoso.onmicrosoft.com
RC
    # stdin: a wrong password if it asks for one, then the proxy state, then quit
    (cd "$d" && { sleep 4; echo "not-the-password"; sleep 1; echo "proxy list"; sleep 1; echo quit; } |
        HOME="$d" timeout 30 linphonec -c "$d/rc" -d 6 -l "$d/log" >"$d/out" 2>&1)
}

# Every good sign-in first: the wrong passwords below count towards the
# account's smart lockout for 127.0.0.1, after which even the right one is refused.
for tr in udp tcp tls; do
    TR=$(echo "$tr" | tr a-z A-Z)
    if [ $HAVE_BARESIP = 1 ]; then
        baresip_signin "$tr" 'pass@word1' "bs-good-$tr"
        contains "baresip signs in over $tr: 200 OK to its REGISTER" "$WORK/bs-good-$tr/baresip.log" "{0/$TR/v4} 200 OK"
    fi
    if [ $HAVE_LINPHONE = 1 ]; then
        linphone_signin "$tr" 'pass@word1' "lp-good-$tr"
        contains "linphonec signs in over $tr" "$WORK/lp-good-$tr/log" "to [LinphoneRegistrationOk]"
        contains "... its REGISTER went over $tr" "$WORK/lp-good-$tr/log" "Via: SIP/2.0/$TR "
        contains "... and it reports itself registered" "$WORK/lp-good-$tr/out" "registered: yes"
    fi
done
for tr in udp tcp tls; do
    if [ $HAVE_BARESIP = 1 ]; then
        baresip_signin "$tr" 'wrong@word1' "bs-bad-$tr"
        lacks "baresip over $tr, a wrong password: no 200 OK" "$WORK/bs-bad-$tr/baresip.log" "} 200 OK"
        contains "... the registrar answered 401" "$WORK/bs-bad-$tr/baresip.log" "401 Unauthorized"
    fi
    if [ $HAVE_LINPHONE = 1 ]; then
        linphone_signin "$tr" 'wrong@word1' "lp-bad-$tr"
        lacks "linphonec over $tr, a wrong password: never registered" "$WORK/lp-bad-$tr/log" "to [LinphoneRegistrationOk]"
        contains "... the registrar answered 401" "$WORK/lp-bad-$tr/log" "SIP/2.0 401 Unauthorized"
    fi
done
check "the daemon is still up" kill -0 "$DAEMON_PID"
finish
