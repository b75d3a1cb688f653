#!/bin/bash
# Registrar rules (RFC 3261 section 10, sign-in.md sections 4, 5 and 9) against
# the real roomsysd: one SIPp scenario per rule (tests/e2e/sipp/reg_*.xml), run
# over UDP and over TCP, each signed in as its own provisioned room, plus
# sipcheck.py for what SIPp cannot express (exact header sets, byte-identical
# answers to retransmissions, silence after ACK, equal/lower CSeq, the digest
# rows). Two restarts at the end: [sip] min_expires = 1 and 1 s nonces (a
# 2-second binding expires, a stale nonce), then SHA-256 offered first.
. "$(dirname "$0")/lib.sh"
DOMAIN=contoso.onmicrosoft.com
PW='Pw-Reg-4242!'
ROOMS="rx01 rx02 rx03 rx04 rx05 rx06 rx07 rx08 rx09 rx10 rx11 rx12 rx13 rx14 rx15 rx16 rx17"
TCP_ROOMS="rt01 rt02 rt03 rt04 rt05 rt06 rt07 rt08 rt09 rt13 rt14 rt15"

# provision_rooms SKU NAME...: one shell session creating each room the seed's
# way (room mailbox with an enabled account and password, licence, meeting room).
provision_rooms() {
    sku=$1; shift
    {
        printf '%s\n' '$cred = Get-Credential admin@contoso.onmicrosoft.com' \
            'Connect-ExchangeOnline -Credential $cred' 'Connect-MsolService -Credential $cred' \
            'Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber'
        for r in "$@"; do
            printf '%s\n' \
                "New-Mailbox -Name \"Room $r\" -MicrosoftOnlineServicesID $r@$DOMAIN -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword (ConvertTo-SecureString '$PW' -AsPlainText -Force)" \
                "Set-MsolUser -UserPrincipalName $r@$DOMAIN -UsageLocation US" \
                "Set-MsolUserLicense -UserPrincipalName $r@$DOMAIN -AddLicenses contoso:$sku" \
                "Enable-CsMeetingRoom -Identity $r@$DOMAIN -SipAddressType EmailAddress"
        done
    } >"$WORK/provision.ps1"
    rs provision <"$WORK/provision.ps1"
}

# scn SCENARIO_FILE ROOM [PORT]: run the scenario once, signed in as ROOM,
# over $T (udp, the default, or tcp: then PORT defaults to the TCP port;
# $SIPP_EXTRA: more SIPp arguments, e.g. -key NAME VALUE);
# succeeds when SIPp saw every expected answer and every check held. The
# SIPp error and message logs are kept in $WORK/<scenario>_<room>.*.
scn() {
    f=$1; room=$2
    if [ "${T:-udp}" = tcp ]; then port=${3:-$SIP_TCP_PORT} tr=t1; else port=${3:-$SIP_PORT} tr=u1; fi
    base="$WORK/$(basename "$f" .xml)_$room"
    printf 'SEQUENTIAL\n%s;%s;[authentication username=%s@%s password=%s]\n' \
        "$room" "$DOMAIN" "$room" "$DOMAIN" "$PW" >"$base.csv"
    rm -f "$base.err" "$base.msg"
    timeout 60 sipp -sf "$f" -t "$tr" -inf "$base.csv" -m 1 -l 1 -i 127.0.0.1 -p "$(free_port "${T:-udp}")" \
        -timeout 30s -timeout_error -recv_timeout 5000 127.0.0.1:"$port" \
        -trace_err -error_file "$base.err" -trace_msg -message_file "$base.msg" ${SIPP_EXTRA:-} \
        >/dev/null 2>&1 </dev/null
}
# rule TITLE SCENARIO ROOM [PORT]: one check per scenario run.
rule() {
    t=$1; shift
    if scn "$@"; then
        ok "$t"
    else
        b="$WORK/$(basename "$1" .xml)_$2"
        not_ok "$t" "$(cat "$b.err" 2>/dev/null; tail -n 40 "$b.msg" 2>/dev/null)"
    fi
}
S="$E2E_DIR/sipp"

start_daemon || exit 1
provision_rooms MCOSTANDARD $ROOMS
check "the UDP rooms are provisioned (MCOSTANDARD)" test "$RS_RC" -eq 0
[ "$RS_RC" -eq 0 ] || cat "$WORK/provision.err"
provision_rooms ENTERPRISEPACK $TCP_ROOMS
check "the TCP rooms are provisioned (ENTERPRISEPACK, E3)" test "$RS_RC" -eq 0
[ "$RS_RC" -eq 0 ] || cat "$WORK/provision.err"

# The checking machinery itself can fail: a wrong expectation of each kind
# (expected header value, forbidden header, response code) fails the run.
sed 's/;expires=120\[\[:space:\]\]/;expires=121[[:space:]]/' "$S/reg_expires.xml" >"$WORK/neg_value.xml"
if scn "$WORK/neg_value.xml" rx01; then not_ok "control: a wrong expected header value fails the scenario"
else ok "control: a wrong expected header value fails the scenario"; fi
sed 's/regexp="Contact:\.\*Contact:" search_in="msg" check_it_inverse/regexp="Contact:" search_in="msg" check_it_inverse/' \
    "$S/reg_expires.xml" >"$WORK/neg_absent.xml"
if scn "$WORK/neg_absent.xml" rx01; then not_ok "control: a header that must be absent fails the scenario"
else ok "control: a header that must be absent fails the scenario"; fi
sed '0,/<recv response="423">/s//<recv response="200">/' "$S/reg_min_expires.xml" >"$WORK/neg_code.xml"
if scn "$WORK/neg_code.xml" rx01; then not_ok "control: a wrong response code fails the scenario"
else ok "control: a wrong response code fails the scenario"; fi

# rules TRANSPORT PREFIX: every scenario once, over udp (-t u1) or tcp (-t t1),
# each signed in as its own room PREFIXnn.
rules() {
    T=$1 P=$2
    rule "[$T] Expires header sets the expiry; absent -> 3600; above max -> 3600; Expires: 0 removes" "$S/reg_expires.xml" ${P}01
    rule "[$T] contact ;expires wins over Expires; ;expires=0 removes only that contact" "$S/reg_expires_param.xml" ${P}02
    rule "[$T] 0 < expiry < 60 -> 423 + Min-Expires: 60, nothing stored; 60 accepted" "$S/reg_min_expires.xml" ${P}03
    rule "[$T] Contact: * with Expires: 0 removes every binding" "$S/reg_star.xml" ${P}04
    rule "[$T] Contact: * with Expires != 0, without Expires or with other contacts -> 400, nothing changes" "$S/reg_star_invalid.xml" ${P}05
    rule "[$T] several contacts per room, added and removed one by one, all listed" "$S/reg_multi.xml" ${P}06
    rule "[$T] more than 10 contacts in a request -> 403; past 10 bindings an older one is evicted" "$S/reg_max_contacts.xml" ${P}07
    rule "[$T] query REGISTER (no Contact) -> 200 listing the bindings with expires and Date" "$S/reg_query.xml" ${P}08
    rule "[$T] a higher CSeq of the same Call-ID updates the binding" "$S/reg_cseq.xml" ${P}09
    rule "[$T] another Call-ID replaces the binding even with a lower CSeq" "$S/reg_cseq_newcallid.xml" ${P}09
    rule "[$T] contacts match by SIP URI equality (host case, extra parameters), transport in both or neither" "$S/reg_uri_equality.xml" ${P}13
    rule "[$T] RFC 5626: (instance, reg-id) flows replace each other, Require: outbound; instance alone replaces" "$S/reg_outbound.xml" ${P}14
    rule "[$T] foreign Request-URI -> 403, unknown Require -> 420 + Unsupported, sips on UDP/TCP -> 416, unchallenged" "$S/reg_request_checks.xml" ${P}01
    SIPP_EXTRA="-key other ${P}01" rule "[$T] From or To another room -> 403; digest uri != Request-URI -> 400; nothing stored" "$S/reg_authz.xml" ${P}15
    rule "[$T] OPTIONS -> 200 + Allow: REGISTER, OPTIONS, no challenge" "$S/reg_options.xml" ${P}01
    rule "[$T] INVITE, MESSAGE, SUBSCRIBE, NOTIFY, PUBLISH, BYE -> 405 + Allow; ACK unanswered" "$S/reg_methods.xml" ${P}01
}
rules udp rx
rules tcp rt
T=udp

# What SIPp cannot express.
SC="python3 $E2E_DIR/sipcheck.py"
if $SC methods --port "$SIP_PORT" >"$WORK/methods.out" 2>&1; then
    ok "exact header sets of the OPTIONS 200 and of the 405 for 12 methods; ACK gets nothing"
else not_ok "exact header sets of the OPTIONS 200 and of the 405 for 12 methods; ACK gets nothing" "$(cat "$WORK/methods.out")"; fi
if $SC retrans --port "$SIP_PORT" --user "rx11@$DOMAIN" --password "$PW" >"$WORK/retrans.out" 2>&1; then
    ok "a retransmitted authenticated REGISTER gets the identical bytes, without redoing auth"
else not_ok "a retransmitted authenticated REGISTER gets the identical bytes, without redoing auth" "$(cat "$WORK/retrans.out")"; fi

if $SC cseq --port "$SIP_PORT" --user "rx12@$DOMAIN" --password "$PW" >"$WORK/cseq.out" 2>&1; then
    ok "same Call-ID with an equal or lower CSeq -> 400, binding unchanged; another Call-ID replaces"
else not_ok "same Call-ID with an equal or lower CSeq -> 400, binding unchanged; another Call-ID replaces" "$(cat "$WORK/cseq.out")"; fi

if $SC digest --port "$SIP_PORT" --user "rx16@$DOMAIN" --password "$PW" >"$WORK/digest.out" 2>&1; then
    ok "digest: MD5 then SHA-256 challenges, both verify, nc refresh, replay -> 401 stale=true, client undisturbed"
else not_ok "digest: MD5 then SHA-256 challenges, both verify, nc refresh, replay -> 401 stale=true, client undisturbed" "$(cat "$WORK/digest.out")"; fi

# Restart with min_expires = 1 and 1 s nonces (state and rooms persist): a
# binding expires on time, a nonce past its lifetime gets stale=true.
stop_daemon
sed -i 's/^\[sync\]/[sip]\nmin_expires = 1\nnonce_lifetime_seconds = 1\n[sync]/' "$WORK/roomsysd.conf"
start_daemon || exit 1
rule "a 2 s binding is gone from a query 3 s later" "$S/reg_expiry.xml" rx10
if $SC digest --port "$SIP_PORT" --user "rx17@$DOMAIN" --password "$PW" --stale-wait 2.5 \
    >"$WORK/digest2.out" 2>&1; then
    ok "digest: a nonce past its lifetime -> 401 stale=true, whose fresh nonce then works"
else not_ok "digest: a nonce past its lifetime -> 401 stale=true, whose fresh nonce then works" "$(cat "$WORK/digest2.out")"; fi

# Restart with SHA-256 offered first ([sip] digest_algorithms).
stop_daemon
sed -i 's/^\[sync\]/digest_algorithms = SHA-256,MD5\n[sync]/' "$WORK/roomsysd.conf"
start_daemon || exit 1
if $SC digest --port "$SIP_PORT" --user "rx16@$DOMAIN" --password "$PW" --algorithms SHA-256,MD5 \
    >"$WORK/digest3.out" 2>&1; then
    ok "digest: the challenge order follows [sip] digest_algorithms (SHA-256 first)"
else not_ok "digest: the challenge order follows [sip] digest_algorithms (SHA-256 first)" "$(cat "$WORK/digest3.out")"; fi
finish
